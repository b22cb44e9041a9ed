/**
 * A configuration file becomes plain data or a list of problems: its bytes must be UTF-8 text,
 * its YAML must not build other types or collapse keys, and no key may be given twice (YAML or
 * JSON). modules/config/read.ts.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadConfigFile, parseConfig } from "../../modules/config/parse.js";
import { encodingProblem, firstInvalidUtf8 } from "../../modules/config/read.js";
import { configInput, configProblems, tempDir } from "../helpers.js";

const dir = tempDir("file-");
let n = 0;
const write = (ext: string, content: string | Buffer) => {
  const file = join(dir, `c${n++}.${ext}`);
  writeFileSync(file, content);
  return file;
};
const problemsOf = (ext: string, content: string | Buffer) => configProblems(() => loadConfigFile(write(ext, content)));

/** The built-in example's minimum, as YAML lines, with `extra` lines appended at the top level. */
const yamlWith = (...extra: string[]) =>
  [
    "clusterName: prod-cluster",
    "region: us-west-2",
    "discovery: {subnetIds: [subnet-0a1b2c3d4e5f60718], securityGroupIds: [sg-0c3d4e5f607182930]}",
    "nodeClasses: [{name: gpu-nodeclass}]",
    "nodePools: [{name: gpu-workloads, nodeClass: gpu-nodeclass, limits: {cpu: 1000}}]",
    ...extra,
  ].join("\n") + "\n";

describe("YAML that would not be plain data", () => {
  it("refuses tags that build other types, wherever they are, naming key and line", () => {
    const tags: [string, string][] = [
      ["tags: !!set {a, b}", "tags"],
      ["tags: !!omap [{a: x}]", "tags"],
      ["tags: {team: !!binary aGVsbG8=}", "tags.team"],
      ["tags: {since: !!timestamp 2001-12-14}", "tags.since"],
      ["karpenter: {additionalValues: {env: !local x}}", "karpenter.additionalValues.env"],
      ["tags: {team: !!pairs [{a: x}]}", "tags.team"],
    ];
    for (const [line, key] of tags) {
      const problems = problemsOf("yaml", yamlWith(line));
      assert.equal(problems.length, 1, `${line}: ${problems.join("; ")}`);
      assert.match(problems[0], new RegExp(`^${key.replace(/\./g, "\\.")}: has the YAML tag !\\S+ \\(line 6\\): a configuration is plain data`), line);
    }
    // The tags of plain data stay allowed.
    assert.deepEqual(problemsOf("yaml", yamlWith("tags: {team: !!str 12, owner: !!str ml}")), []);
    assert.equal(loadConfigFile(write("yaml", yamlWith("tags: {team: !!str 12}"))).tags.team, "12");
  });

  it("refuses keys that are lists or maps, and YAML merge keys", () => {
    assert.deepEqual(problemsOf("yaml", yamlWith("tags:", "  ? [a, b]", "  : x")), ["tags: has a key that is a list or a map (line 7): keys are text; JavaScript would turn it into one string"]);
    assert.deepEqual(problemsOf("yaml", yamlWith("tags: &b {team: ml}", "nodeClasses: [{name: gpu-nodeclass, tags: {<<: *b}}]").replace("nodeClasses: [{name: gpu-nodeclass}]\n", "")), [
      "nodeClasses[0].tags.<<: is a YAML merge key (line 6): YAML 1.1 readers such as Helm merge it, this loader does not; write the keys out instead",
    ]);
    // Anchors and aliases of plain data are fine.
    assert.deepEqual(loadConfigFile(write("yaml", yamlWith("tags: &t {team: ml}", "nodeClasses: [{name: gpu-nodeclass, tags: *t}]").replace("nodeClasses: [{name: gpu-nodeclass}]\n", ""))).nodeClasses[0].tags, { team: "ml" });
  });
});

describe("a configuration built in code is plain data too", () => {
  it("refuses a Map, a Set, a Date, a class instance and a function anywhere, and accepts keys left undefined", () => {
    const input = configInput({
      tags: new Map([["team", "ml"]]) as never,
      karpenter: { additionalValues: { env: new Set(["${file(\"/etc/passwd\")}"]), when: new Date(0), make: () => 1, at: new URL("https://example.com") } },
    });
    assert.deepEqual(configProblems(() => parseConfig(input)), [
      "tags: is a Map: a configuration is plain data (text, numbers, true/false, null, lists and objects)",
      "karpenter.additionalValues.env: is a Set: a configuration is plain data (text, numbers, true/false, null, lists and objects)",
      "karpenter.additionalValues.when: is a Date: a configuration is plain data (text, numbers, true/false, null, lists and objects)",
      "karpenter.additionalValues.make: is a function: a configuration is plain data (text, numbers, true/false, null, lists and objects)",
      "karpenter.additionalValues.at: is a URL: a configuration is plain data (text, numbers, true/false, null, lists and objects)",
    ]);
    assert.deepEqual(configProblems(() => parseConfig({ ...configInput(), quotaGuard: undefined, tags: { team: "ml" } })), []);
  });
});

describe("keys given twice", () => {
  it("refuses a YAML key given twice, and keys that read as the same text", () => {
    assert.deepEqual(problemsOf("yaml", yamlWith("clusterName: other")), ["clusterName: is given twice (lines 1 and 6); a parser keeps one and drops the other without a word: keep one"]);
    assert.deepEqual(problemsOf("yaml", yamlWith("tags: {1.0: a, 1: b}")), ["tags.1: is given twice (line 6), written 1.0 and 1: the same key once read; a parser keeps one and drops the other without a word: keep one"]);
  });

  it("refuses a JSON key given twice (JSON.parse keeps the last one)", () => {
    const json = JSON.stringify(configInput()).replace('"region":', '"region":"eu-west-1","region":');
    assert.deepEqual(problemsOf("json", json), ["region: is given twice (line 1); a parser keeps one and drops the other without a word: keep one"]);
  });

  it("checks 100,000 keys in linear time: well within a budget that a quadratic check would blow", () => {
    const lines = ["tags:"];
    for (let i = 0; i < 100_000; i++) lines.push(` k${i.toString(36)}: v`);
    lines.push(" k7: again");
    const text = lines.join("\n");
    assert.ok(text.length < 1024 * 1024, "the file is within the size cap");
    const start = performance.now();
    const problems = problemsOf("yaml", text);
    const seconds = (performance.now() - start) / 1000;
    assert.ok(problems.includes("tags.k7: is given twice (lines 9 and 100002); a parser keeps one and drops the other without a word: keep one"), problems.slice(0, 3).join("\n"));
    // About 1.5 s here; the quadratic check this replaces took about a minute for such a file.
    assert.ok(seconds < 20, `took ${seconds.toFixed(1)} s`);
  });
});

describe("the bytes are UTF-8 text", () => {
  it("accepts a UTF-8 byte order mark", () => {
    assert.deepEqual(problemsOf("yaml", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(yamlWith())])), []);
  });

  it("says when a file is UTF-16 or UTF-32, with or without a byte order mark", () => {
    const utf16le = Buffer.from(yamlWith(), "utf16le");
    assert.deepEqual(problemsOf("yaml", Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le])), ["is UTF-16 text (byte order mark FF FE); save it as UTF-8"]);
    assert.deepEqual(problemsOf("yaml", utf16le), ["looks like UTF-16 text (every other byte is zero); save it as UTF-8"]);
    assert.equal(encodingProblem(Buffer.from([0x00, 0x00, 0xfe, 0xff, 0, 0, 0, 0x61])), "is UTF-32 text (byte order mark 00 00 FE FF); save it as UTF-8");
  });

  it("names the offset and line of the first byte that is not UTF-8", () => {
    const text = Buffer.concat([Buffer.from(yamlWith("tags: {team: ").trimEnd()), Buffer.from([0xc3, 0x28]), Buffer.from("}\n")]);
    const at = text.indexOf(0xc3);
    assert.deepEqual(problemsOf("yaml", text), [`is not UTF-8 text: the byte 0xC3 at offset ${at} (line 6) starts no valid character; save it as UTF-8`]);
  });

  it("finds invalid UTF-8 by RFC 3629: overlong forms, surrogates, code points past U+10FFFF, cut sequences", () => {
    assert.equal(firstInvalidUtf8(Buffer.from("héllo wörld ✓ 😀")), undefined);
    for (const bad of [[0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x80]]) {
      assert.equal(firstInvalidUtf8(Buffer.from([0x61, ...bad])), 1, bad.map((b) => b.toString(16)).join(" "));
      assert.throws(() => new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from([0x61, ...bad])), TypeError, "the decoder agrees");
    }
  });

  it("says when a file has CR-only line breaks", () => {
    assert.deepEqual(problemsOf("yaml", yamlWith().replaceAll("\n", "\r")), ["has CR-only line breaks (classic Mac OS); save it with LF or CRLF line breaks"]);
    assert.deepEqual(problemsOf("yaml", yamlWith().replaceAll("\n", "\r\n")), [], "CRLF is fine");
  });
});
