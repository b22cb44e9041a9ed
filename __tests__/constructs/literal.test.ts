import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { parseConfig } from "../../modules/config/parse.js";
import { literal, literalDeep } from "../../modules/core/literal.js";
import { buildStacks } from "../../modules/stacks/app.js";
import { at, configInput, newApp, synthOf, tempDir } from "../helpers.js";
import { TerraformWorkdir } from "../terraform.js";

/** Text that Terraform would evaluate, or fail on, if it reached a template unescaped. */
const NASTY = [
  '${file("/etc/hostname")}',
  "%{if true}yes%{endif}",
  "50%{x}",
  "$${already escaped}",
  "cost: $5 {not a template}",
  "ends with $",
  "%",
  "${",
];

describe("literal: config text stays text in Terraform", () => {
  it("escapes ${ and %{ and nothing else", () => {
    assert.equal(literal('${file("/etc/hostname")}'), '$${file("/etc/hostname")}');
    assert.equal(literal("50%{x}"), "50%%{x}");
    assert.equal(literal("$${a}"), "$$${a}");
    assert.equal(literal("cost: $5 {x} 10%"), "cost: $5 {x} 10%");
    assert.deepEqual(literalDeep({ "${k}": ["%{v}", 1, true, null] }), { "$${k}": ["%%{v}", 1, true, null] });
  });

  it("real terraform evaluates each escaped string, as key and as value, to the original text", (t) => {
    if (!TerraformWorkdir.open(t)) return;
    const dir = tempDir("literal-");
    const outputs = Object.fromEntries(NASTY.map((s, i) => [`v${i}`, { value: { [literal(s)]: literal(s) } }]));
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ output: outputs }));
    const env = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
    for (const args of [["init", "-input=false"], ["apply", "-auto-approve", "-input=false"]]) {
      const run = spawnSync("terraform", args, { cwd: dir, env, encoding: "utf8" });
      assert.equal(run.status, 0, `terraform ${args[0]}:\n${run.stdout}${run.stderr}`);
    }
    const out = spawnSync("terraform", ["output", "-json"], { cwd: dir, env, encoding: "utf8" });
    const values = JSON.parse(out.stdout) as Record<string, { value: Record<string, string> }>;
    NASTY.forEach((s, i) => assert.deepEqual(values[`v${i}`].value, { [s]: s }, `round trip of ${JSON.stringify(s)}`));
  });

  it("the app escapes config text in chart values (keys and values) and keeps its own references", () => {
    const config = parseConfig(configInput({
      karpenter: { additionalValues: { podAnnotations: { note: NASTY[0], [NASTY[1]]: "x" } } },
      gpuOperator: { additionalValues: { operator: { annotations: { note: NASTY[2] } } } },
    }));
    const charts = synthOf(buildStacks(newApp(), config).charts);
    const karpenter = (at(charts.resource, "helm_release", "karpenter/controller").values as string[])[0];
    assert.match(karpenter, /"note": "\$\$\{file\(\\"\/etc\/hostname\\"\)\}"/);
    assert.match(karpenter, /%%\{if true\}yes%%\{endif\}/);
    assert.match(karpenter, /"clusterEndpoint": "\$\{data\.aws_eks_cluster\.[\w-]+\.endpoint\}"/, "the module's reference is still a reference");
    assert.deepEqual(parse(karpenter.replace(/\$\{data[^}]+\}/g, "x")).podAnnotations.note, '$${file("/etc/hostname")}');
    assert.match((at(charts.resource, "helm_release", "gpuOperator/release").values as string[])[0], /"note": "50%%\{x\}"/);
    assert.equal(config.karpenter.additionalValues?.podAnnotations && (config.karpenter.additionalValues.podAnnotations as Record<string, string>).note, NASTY[0], "the validated config itself is not changed");
  });
});
