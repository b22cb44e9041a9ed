/**
 * The NodePool CRD refuses switching a pool between static (`replicas`) and dynamic as an update,
 * so GpuNodePool replaces the manifest when the kind changes (a terraform_data trigger in
 * `replace_triggered_by`), and adding that trigger to a pool deployed by an older version
 * replaces nothing. Real terraform plans it; the manifest stands in as a terraform_data with the
 * same lifecycle (no kubernetes provider binary here).
 * modules/nodepools/node-pool.ts, modules/core/trigger.ts.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { GpuNodePool } from "../../modules/nodepools/node-pool.js";
import { synthStack, tempDir } from "../helpers.js";
import { TerraformWorkdir } from "../terraform.js";

/** The pool's trigger and its manifest (as a terraform_data with the manifest's lifecycle), as Terraform JSON. */
function poolConfig(replicas: number | undefined, withTrigger = true): string {
  const s = synthStack((stack) => new GpuNodePool(stack, "pool", { name: "gpu", nodeClassName: "gpu", ...(replicas === undefined ? { cpuLimit: 96 } : { replicas }) }));
  const [[manifestId, manifest]] = Object.entries(s.resource!.kubernetes_manifest as Record<string, { lifecycle?: unknown }>);
  const triggers = s.resource!.terraform_data as Record<string, { input: string }>;
  return JSON.stringify({
    resource: {
      terraform_data: {
        ...(withTrigger ? triggers : {}),
        [manifestId]: { input: "the NodePool", ...(withTrigger ? { lifecycle: [manifest.lifecycle] } : {}) },
      },
    },
  });
}

describe("a NodePool's kind (static or dynamic)", () => {
  it("changing it replaces the NodePool; adding the trigger to an existing pool replaces nothing", (t) => {
    if (!TerraformWorkdir.open(t)) return;
    const dir = tempDir("pool-kind-");
    const env = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
    const terraform = (...args: string[]) => {
      const run = spawnSync("terraform", [...args, "-input=false", "-no-color"], { cwd: dir, env, encoding: "utf8" });
      assert.equal(run.status, 0, `terraform ${args[0]}:\n${run.stdout}${run.stderr}`);
      return run.stdout;
    };
    const step = (config: string) => writeFileSync(join(dir, "main.tf.json"), config);

    step(poolConfig(undefined, false));
    terraform("init");
    terraform("apply", "-auto-approve");
    step(poolConfig(undefined));
    const upgrade = terraform("plan");
    assert.match(upgrade, /Plan: 1 to add, 0 to change, 0 to destroy/, "only the trigger is added");
    assert.doesNotMatch(upgrade, /must be replaced|will be replaced/);
    terraform("apply", "-auto-approve");

    step(poolConfig(2));
    const toStatic = terraform("plan");
    assert.match(toStatic, /terraform_data\.pool_manifest_\w+ will be replaced due to changes in replace_triggered_by/);

    step(poolConfig(undefined));
    assert.match(terraform("plan"), /No changes/, "back to what is applied: nothing to do");
  });
});
