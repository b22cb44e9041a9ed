import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError } from "../../modules/config/problems.js";
import { KarpenterGpu } from "../../modules/stacks/app.js";
import { workspaceName } from "../../modules/stacks/backend.js";
import { configInput, newApp, runApp, synthOf } from "../helpers.js";

const input = configInput();

describe("Terraform Cloud backend", () => {
  it("gives every stack its own named workspace <workspacePrefix><stack>", () => {
    const gpu = new KarpenterGpu(newApp(), "gpu1", { ...input, terraformCloud: { organization: "acme", workspacePrefix: "kgpu-", project: "gpu-platform" } });
    for (const stack of [gpu.aws, gpu.charts, gpu.nodePools]) {
      const terraform = synthOf(stack).terraform;
      assert.deepEqual(terraform.cloud, { organization: "acme", hostname: "app.terraform.io", workspaces: { name: `kgpu-${stack.node.id}`, project: "gpu-platform" } });
      assert.equal(terraform.backend, undefined, "no local backend beside the cloud block");
    }
    assert.equal(workspaceName({ organization: "acme", workspacePrefix: "kgpu-" }, "prod-cluster-charts"), "kgpu-prod-cluster-charts");
  });

  it("supports Terraform Enterprise hosts", () => {
    const gpu = new KarpenterGpu(newApp(), "gpu2", { ...input, terraformCloud: { organization: "acme", workspacePrefix: "", hostname: "tfe.example.com" } });
    assert.deepEqual(synthOf(gpu.nodePools).terraform.cloud, { organization: "acme", hostname: "tfe.example.com", workspaces: { name: "prod-cluster-nodepools" } });
  });

  it("keeps cdktf's local backend, one state file per stack, without a terraformCloud section", () => {
    const run = runApp();
    assert.equal(run.status, 0, run.stderr);
    for (const stack of ["prod-cluster-aws", "prod-cluster-charts", "prod-cluster-nodepools"]) {
      const terraform = JSON.parse(readFileSync(join(run.outdir, "stacks", stack, "cdk.tf.json"), "utf8")).terraform;
      assert.equal(terraform.cloud, undefined);
      assert.match(terraform.backend.local.path, new RegExp(`terraform\\.${stack}\\.tfstate$`));
    }
  });

  it("needs no remote-state sharing: no stack reads another stack's state", () => {
    const gpu = new KarpenterGpu(newApp(), "gpu3", { ...input, controller: { identity: "irsa", oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/X" }, terraformCloud: { organization: "acme", workspacePrefix: "kgpu-" } });
    for (const stack of [gpu.aws, gpu.charts, gpu.nodePools]) {
      assert.equal(synthOf(stack).data?.terraform_remote_state, undefined, `${stack.node.id} reads no remote state`);
    }
  });
});

describe("KarpenterGpu (everything in one call)", () => {
  it("validates the configuration object like a config file and builds the three chained stacks", () => {
    const app = newApp();
    const gpu = new KarpenterGpu(app, "gpu4", input);
    assert.deepEqual([gpu.aws, gpu.charts, gpu.nodePools].map((s) => s.node.id), ["prod-cluster-aws", "prod-cluster-charts", "prod-cluster-nodepools"]);
    assert.deepEqual(gpu.nodePools.dependencies.map((d) => d.node.id), ["prod-cluster-charts"]);
    assert.equal(gpu.config.nodePools[0].capacityTypes[0], "on-demand", "defaults applied");
    assert.throws(() => new KarpenterGpu(newApp(), "gpu5", { ...input, region: "mars" }), (err: unknown) => err instanceof ConfigError && err.problems[0].startsWith("region:"));
  });
});
