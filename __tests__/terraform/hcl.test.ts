/**
 * Is `cdktf synth --hcl` output valid Terraform for this project? Measured, so the docs'
 * answer stays true: if a cdktf/cdktn release fixes the rendering, these assertions fail and the
 * "Life after CDKTF" section of docs/operations.md must be updated.
 *
 * The HCL is rendered the way `cdktf synth --hcl` renders it: the CLI runs the app with
 * SYNTH_HCL_OUTPUT=true (the app writes the HCL) and then only re-indents it. Running the app
 * directly works on every Node version the project supports; the cdktf CLI does not start on
 * Node 24 (see the last test).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ROOT, runApp, tempDir, withoutConfigVariable } from "../helpers.js";
import { TerraformWorkdir } from "../terraform.js";

describe("cdktf synth --hcl", () => {
  const synth = runApp({ SYNTH_HCL_OUTPUT: "true" });
  const hcl = (stack: string) => readFileSync(join(synth.outdir, "stacks", stack, "cdk.tf"), "utf8");

  it("renders every stack", () => {
    assert.equal(synth.status, 0, synth.stderr + synth.stdout);
    for (const stack of ["prod-cluster-aws", "prod-cluster-charts", "prod-cluster-nodepools"]) assert.match(hcl(stack), /^terraform \{/m);
  });

  it("breaks even the AWS stack: the required_version override and terraform_data preconditions come out wrong (real terraform validate)", (t) => {
    const tf = TerraformWorkdir.open(t);
    if (!tf) return;
    const aws = hcl("prod-cluster-aws").replace(/version = "6\.25\.0"/, `version = "${tf.awsVersion ?? "6.25.0"}"`);
    assert.match(aws, /\n\s*0 = "required_version"/, "the stack-level override became a map keyed 0");
    assert.match(aws, /\n\s*precondition = \[/, "the precondition block became an argument");
    assert.throws(() => tf.validate("main.tf", aws), /Argument or block definition required[\s\S]*An argument named "precondition" is not expected here/);
  });

  it("leaves out the ephemeral token the Helm and Kubernetes providers use", () => {
    assert.doesNotMatch(hcl("prod-cluster-charts"), /ephemeral "aws_eks_cluster_auth"/);
    assert.match(hcl("prod-cluster-charts"), /ephemeral\.aws_eks_cluster_auth\./, "but the provider still refers to it");
  });

  it("renders the Helm provider's `kubernetes` attribute as a block, which helm provider 3.x rejects", () => {
    const helm = hcl("prod-cluster-charts").match(/provider "helm" \{[\s\S]*?\n\}/)?.[0] ?? "";
    assert.match(helm, /\n\s*kubernetes \{\n/, "cdktf 0.21 writes `kubernetes { ... }`; helm 3 needs `kubernetes = { ... }`");
    // The JSON output is right: an object attribute.
    const run = runApp();
    const json = JSON.parse(readFileSync(join(run.outdir, "stacks", "prod-cluster-charts", "cdk.tf.json"), "utf8"));
    assert.equal(Array.isArray(json.provider.helm[0].kubernetes), false);
  });

  it("mangles the kubernetes_manifest lists (requirements, taints) into index-keyed maps", () => {
    const pools = hcl("prod-cluster-nodepools");
    assert.match(pools, /requirements = \{\s*0 = \{/, "a list of requirements became a map keyed 0, 1, ...");
    assert.match(pools, /taints = \{\s*0 = gpu\s*\}/, "the taint object collapsed to a bare `gpu`");
  });

  it("`cdktf synth` (the 0.21 CLI) runs on Node 22 but not on Node 24: its node-pty has no prebuilt binary for Node 24", () => {
    const out = tempDir("cli-");
    const cli = spawnSync(process.execPath, [join(ROOT, "node_modules", "cdktf-cli", "bundle", "bin", "cdktf"), "synth", "--output", out], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...withoutConfigVariable(), CHECKPOINT_DISABLE: "1", CI: "1" },
    });
    const major = Number(process.versions.node.split(".")[0]);
    if (major <= 22) {
      assert.equal(cli.status, 0, `cdktf synth failed on Node ${process.versions.node}:\n${cli.stderr}`);
      assert.ok(existsSync(join(out, "stacks", "prod-cluster-aws", "cdk.tf.json")));
    } else {
      assert.notEqual(cli.status, 0, `the cdktf CLI now starts on Node ${process.versions.node}: update the README (Compatibility) and this test`);
      assert.match(cli.stderr, /pty\.node/);
    }
  });
});
