/**
 * Config text is data, whatever YAML form it arrives in: every way YAML can write a string
 * (plain, quoted with escapes, block, folded, multi-line, flow, anchor and alias, explicit key, `!!str`) in
 * every field that takes free text (chart values keys and values, capacity reservation tags,
 * placement group name) reaches the synthesized Terraform as text. Checked twice: by a decoder of
 * Terraform's template rules (`$${` and `%%{` are text, an unescaped `${` or `%{` is live), and
 * by real Terraform, which evaluates the synthesized strings to the same text. The YAML forms
 * that build other data (merge keys, `!!binary`, `TfToken[`) are refused at their key.
 * modules/config/read.ts, modules/core/literal.ts, modules/stacks/app.ts.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { loadConfigFile } from "../../modules/config/parse.js";
import { buildStacks } from "../../modules/stacks/app.js";
import { configProblems, newApp, ofType, synthOf, tempDir } from "../helpers.js";
import { TerraformWorkdir } from "../terraform.js";

/** Text Terraform would evaluate, or fail on, if it reached a template unescaped; `tag` makes it findable. */
const textOf = (tag: string) => `${tag} \${file("/etc/hostname")} %{if true}x%{endif} $\${y} %%{z} 50% $ {}`;

/**
 * Terraform's template rules for a string of JSON configuration: `$${` and `%%{` are the text
 * `${` and `%{`; an unescaped `${` or `%{` starts an interpolation or directive (live).
 */
function decodeTemplate(s: string): { text: string; live: boolean } {
  let text = "";
  let live = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if ((c === "$" || c === "%") && s[i + 1] === c && s[i + 2] === "{") {
      text += `${c}{`;
      i += 2;
    } else if ((c === "$" || c === "%") && s[i + 1] === "{") {
      live = true;
      text += c;
    } else text += c;
  }
  return { text, live };
}

/** Every string in a value, with a decoder applied to it and to keys. */
function decodeDeep(value: unknown, onLive: (s: string) => void): unknown {
  const one = (s: string) => {
    const d = decodeTemplate(s);
    if (d.live) onLive(s);
    return d.text;
  };
  if (typeof value === "string") return one(value);
  if (Array.isArray(value)) return value.map((v) => decodeDeep(v, onLive));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [one(k), decodeDeep(v, onLive)]));
  return value;
}

/** How one YAML form writes a string as a value, and as a key (undefined: the form cannot be a key). */
interface Form {
  readonly name: string;
  readonly value: (text: string, indent: string, field: string) => string;
  readonly key?: (text: string, indent: string, field: string) => string;
  /** The field whose text a field ends up with (aliases carry another field's text); itself by default. */
  readonly source?: (field: string) => string;
}
const doubleQuoted = (t: string) => `"${t.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\$/g, "\\x24").replace(/\{/g, "\\u007b")}"`;
const FORMS: readonly Form[] = [
  { name: "plain", value: (t) => t, key: (t) => `${t}:` },
  { name: "single-quoted", value: (t) => `'${t.replace(/'/g, "''")}'`, key: (t) => `'${t.replace(/'/g, "''")}':` },
  { name: "double-quoted-escapes", value: doubleQuoted, key: (t) => `${doubleQuoted(t)}:` },
  { name: "literal-block", value: (t, indent) => `|-\n${indent}  ${t}`, key: (t, indent) => `? |-\n${indent}  ${t}\n${indent}:` },
  { name: "folded-block", value: (t, indent) => `>-\n${indent}  ${t}`, key: (t, indent) => `? >-\n${indent}  ${t}\n${indent}:` },
  { name: "multi-line-plain", value: (t, indent) => t.replace(" ", `\n${indent}  `) },
  { name: "str-tag", value: (t) => `!!str ${t}`, key: (t) => `!!str ${t}:` },
  // In flow collections: `{name: '...'}`, `{labels: {k: '...'}}`.
  { name: "flow", value: (t) => `'${t.replace(/'/g, "''")}'` },
  // The first value and the first key are anchored; the others are aliases of them.
  {
    name: "anchor-alias",
    value: (t, _indent, field) => (field === "pg" ? `&v '${t.replace(/'/g, "''")}'` : "*v"),
    key: (t, _indent, field) => (field === "crkey" ? `&k '${t.replace(/'/g, "''")}':` : "*k :"),
    source: (field) => (field.endsWith("key") ? "crkey" : "pg"),
  },
];

/** A configuration with the free-text fields written in one form; returns the YAML and the text each field must carry. */
function configIn(form: Form): { yaml: string; expected: Record<string, string> } {
  const t = (field: string) => textOf(`${form.name}-${field}`);
  const key = (field: string, indent: string) => (form.key ? form.key(t(field), indent, field) : `plain-key-${field}:`);
  const expectedKey = (field: string) => (form.key ? t(form.source?.(field) ?? field) : `plain-key-${field}`);
  const expectedValue = (field: string) => t(form.source?.(field) ?? field);
  const yaml = [
    "clusterName: prod-cluster",
    "region: us-west-2",
    "discovery: {subnetIds: [subnet-0a1b2c3d4e5f60718], securityGroupIds: [sg-0c3d4e5f607182930]}",
    "nodeClasses:",
    "  - name: gpu-nodeclass",
    form.name === "flow" ? `    placementGroup: {name: ${form.value(t("pg"), "", "pg")}}` : `    placementGroup:\n      name: ${form.value(t("pg"), "      ", "pg")}`,
    "    capacityReservations:",
    "      - tags:",
    `          ${key("crkey", "          ")} ${form.value(t("crvalue"), "          ", "crvalue")}`,
    "nodePools:",
    "  - {name: gpu-workloads, nodeClass: gpu-nodeclass, capacityTypes: [reserved, on-demand], limits: {cpu: 1000}}",
    "karpenter:",
    "  additionalValues:",
    "    podAnnotations:",
    `      ${key("annotationkey", "      ")} ${form.value(t("annotation"), "      ", "annotation")}`,
    "gpuOperator:",
    "  additionalValues:",
    form.name === "flow" ? `    daemonsets: {labels: {plain-key-labelkey: ${form.value(t("label"), "", "label")}}}` : `    daemonsets:\n      labels:\n        ${key("labelkey", "        ")} ${form.value(t("label"), "        ", "label")}`,
    "",
  ].join("\n");
  return {
    yaml,
    expected: {
      pg: expectedValue("pg"),
      [`crkey=${expectedKey("crkey")}`]: expectedValue("crvalue"),
      [`annotation=${expectedKey("annotationkey")}`]: expectedValue("annotation"),
      [`label=${form.name === "flow" ? "plain-key-labelkey" : expectedKey("labelkey")}`]: expectedValue("label"),
    },
  };
}

/** The one-entry map a field must hold: `expected` has it as `<field>=<key>` → value. */
function expectedMap(expected: Record<string, string>, field: string): Record<string, string> {
  const entry = Object.entries(expected).find(([k]) => k.startsWith(`${field}=`))!;
  return { [entry[0].slice(field.length + 1)]: entry[1] };
}

describe("free text in every YAML form reaches Terraform as text", () => {
  const dir = tempDir("free-text-");
  /** What each form's synthesized strings are, for real Terraform to evaluate: output name → the string or object as synthesized. */
  const synthesized: Record<string, unknown> = {};
  /** What the decoder made of them. */
  const decoded: Record<string, unknown> = {};

  for (const form of FORMS) {
    it(`${form.name}: the config reads the intended text and the synthesized stacks carry it, escaped`, () => {
      const { yaml, expected } = configIn(form);
      const file = join(dir, `${form.name}.yaml`);
      writeFileSync(file, yaml);
      const config = loadConfigFile(file);
      const pg = config.nodeClasses[0].placementGroup?.name;
      assert.equal(pg, expected.pg, "the YAML form reads as the intended text");
      const stacks = buildStacks(newApp(), config);
      const live: string[] = [];
      // Helm values: a Terraform string that holds YAML.
      const charts = synthOf(stacks.charts);
      const releases = ofType(charts.resource, "helm_release");
      const karpenterValues = (Object.entries(releases).find(([k]) => k.startsWith("karpenter_controller"))![1].values as string[])[0];
      const operatorValues = (Object.entries(releases).find(([k]) => k.startsWith("gpuOperator"))![1].values as string[])[0];
      const k = parse(decodeDeep(karpenterValues, () => {}) as string, { version: "1.1" });
      const g = parse(decodeDeep(operatorValues, (s) => live.push(s)) as string, { version: "1.1" });
      assert.deepEqual(k.podAnnotations, expectedMap(expected, "annotation"));
      assert.deepEqual(g.daemonsets.labels, expectedMap(expected, "label"));
      // The karpenter values carry the module's own references (the cluster endpoint): only the annotation must be text.
      for (const line of karpenterValues.split("\n").filter((l) => l.includes(form.name))) assert.equal(decodeTemplate(line).live, false, line);
      // The EC2NodeClass manifest: an object whose strings Terraform reads as templates.
      const manifests = ofType(synthOf(stacks.nodePools).resource, "kubernetes_manifest");
      const nodeClass = Object.values(manifests).find((m) => (m.manifest as { kind: string }).kind === "EC2NodeClass")!.manifest as Record<string, any>;
      const decodedClass = decodeDeep(nodeClass, (s) => (s.includes(form.name) ? live.push(s) : undefined)) as Record<string, any>;
      assert.equal(decodedClass.spec.placementGroupSelector.name, expected.pg);
      assert.deepEqual(decodedClass.spec.capacityReservationSelectorTerms, [{ tags: expectedMap(expected, "crkey") }]);
      assert.deepEqual(live, [], "no string that carries config text is live for Terraform");
      synthesized[`${form.name.replace(/-/g, "_")}_operator`] = operatorValues;
      decoded[`${form.name.replace(/-/g, "_")}_operator`] = decodeTemplate(operatorValues).text;
      synthesized[`${form.name.replace(/-/g, "_")}_nodeclass`] = nodeClass;
      decoded[`${form.name.replace(/-/g, "_")}_nodeclass`] = decodedClass;
    });
  }

  it("real Terraform evaluates every synthesized string to what the decoder read", (t) => {
    if (!TerraformWorkdir.open(t)) return;
    assert.equal(Object.keys(synthesized).length, FORMS.length * 2, "every form was synthesized");
    const tf = tempDir("free-text-tf-");
    writeFileSync(join(tf, "main.tf.json"), JSON.stringify({ output: Object.fromEntries(Object.entries(synthesized).map(([name, value]) => [name, { value }])) }));
    const env = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
    for (const args of [["init", "-input=false"], ["apply", "-auto-approve", "-input=false"]]) {
      const run = spawnSync("terraform", args, { cwd: tf, env, encoding: "utf8" });
      assert.equal(run.status, 0, `terraform ${args[0]}:\n${run.stdout}${run.stderr}`);
    }
    const out = JSON.parse(spawnSync("terraform", ["output", "-json"], { cwd: tf, env, encoding: "utf8" }).stdout) as Record<string, { value: unknown }>;
    for (const [name, value] of Object.entries(decoded)) assert.deepEqual(out[name].value, value, name);
  });

  it("an IAM policy variable in the controller's extra statements reaches the policy document as text, escaped once", () => {
    const file = join(dir, "policy-variable.yaml");
    writeFileSync(file, configIn(FORMS[0]).yaml + 'controller:\n  additionalPolicyStatements:\n    - {actions: ["s3:GetObject"], resources: ["arn:aws:s3:::home/${aws:username}/*"], conditions: [{test: StringLike, variable: "s3:prefix", values: ["${aws:username}/"]}]}\n');
    const docs = ofType(synthOf(buildStacks(newApp(), loadConfigFile(file)).aws).data, "aws_iam_policy_document");
    const doc = Object.entries(docs).find(([id]) => id.includes("additionalDocument"))![1] as { statement: { resources: string[]; condition: { values: string[] }[] }[] };
    const live: string[] = [];
    const decodedDoc = decodeDeep(doc.statement, (s) => live.push(s)) as typeof doc.statement;
    assert.deepEqual(live, []);
    assert.deepEqual(decodedDoc[0].resources, ["arn:aws:s3:::home/${aws:username}/*"]);
    assert.deepEqual(decodedDoc[0].condition[0].values, ["${aws:username}/"]);
  });

  it("refuses the YAML forms that are not plain text, at their key", () => {
    const refused = (name: string, annotations: string) => {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, configIn(FORMS[0]).yaml.replace(/    podAnnotations:\n.*\n/, `    podAnnotations:\n${annotations}\n`));
      return configProblems(() => loadConfigFile(file));
    };
    assert.match(refused("merge", "      base: &b {a: x}\n      m:\n        <<: *b").join("\n"), /karpenter\.additionalValues\.podAnnotations\.m\.<<: .*merge key/);
    assert.match(refused("binary", "      b: !!binary aGVsbG8=").join("\n"), /karpenter\.additionalValues\.podAnnotations\.b: .*!!binary/);
    assert.match(refused("token", `      t: "\${TfToken[TOKEN.1]}"`).join("\n"), /karpenter\.additionalValues\.podAnnotations\.t: contains "TfToken\["/);
  });
});
