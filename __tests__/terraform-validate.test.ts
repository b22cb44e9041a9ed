/**
 * Real `terraform validate` of the synthesized stacks against the real hashicorp/aws provider
 * schema: the whole AWS stack, and the AWS data sources of the chart and node-pool stacks (there
 * are no helm or kubernetes provider binaries to validate the rest against; those are checked
 * by schema validation of the typed models and by the chart-values tests).
 *
 * - With TF_PLUGIN_DIR (a folder holding registry.terraform.io/hashicorp/aws/<version>/...),
 *   init runs offline from it and the aws version pin is relaxed to the version found there.
 * - Without it, a plain `terraform init` downloads the pinned provider (a machine with network).
 * - If terraform or the provider cannot be had, the test FAILS and says what is missing. Set
 *   KARPENTER_GPU_SKIP_TERRAFORM=1 to skip it on purpose; the skip is reported, never silent.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runApp } from "./helpers.js";

const TF_ENV = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };

function terraform(args: string[], cwd: string) {
  return spawnSync("terraform", args, { cwd, env: TF_ENV, encoding: "utf8" });
}

/** The aws provider version a plugin dir holds, or a failure that says what is missing. */
function mirroredAwsVersion(pluginDir: string): string {
  const dir = join(pluginDir, "registry.terraform.io", "hashicorp", "aws");
  assert.ok(existsSync(dir), `TF_PLUGIN_DIR=${pluginDir} holds no registry.terraform.io/hashicorp/aws: cannot validate against the real provider schema`);
  const versions = readdirSync(dir).sort();
  assert.ok(versions.length > 0, `${dir} holds no provider version`);
  return versions[versions.length - 1];
}

/**
 * Rewrites a synthesized stack for offline validation: no backend, and only what the AWS
 * provider validates (no helm or kubernetes provider binaries here); the aws pin is relaxed to
 * what is installed.
 */
function forValidation(stackJson: Record<string, any>, awsVersion: string | undefined): Record<string, any> {
  const copy = structuredClone(stackJson);
  delete copy.terraform.backend;
  copy.terraform.required_providers = {
    aws: { source: "hashicorp/aws", version: awsVersion ?? copy.terraform.required_providers.aws.version },
  };
  for (const name of Object.keys(copy.provider ?? {})) if (name !== "aws") delete copy.provider[name];
  const dropped: string[] = [];
  for (const section of ["resource", "data"]) {
    for (const type of Object.keys(copy[section] ?? {})) {
      if (!type.startsWith("aws_")) {
        dropped.push(type);
        delete copy[section][type];
      }
    }
    if (copy[section] && Object.keys(copy[section]).length === 0) delete copy[section];
  }
  for (const [name, output] of Object.entries(copy.output ?? {})) {
    if (dropped.some((type) => JSON.stringify(output).includes(`${type}.`))) delete copy.output[name];
  }
  return copy;
}

const VARIANT = `
clusterName: gpu-staging
region: us-east-1
discovery:
  subnetIds: [subnet-0a1b2c3d4e5f60718]
  securityGroupIds: [sg-0c3d4e5f607182930, sg-0123456789abcdef0]
  allowMultipleSecurityGroups: true
nodeRole:
  existingRoleArn: arn:aws:iam::111122223333:role/platform/gpu-nodes
controller:
  identity: irsa
  oidcProviderArn: arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF
  permissionsBoundaryArn: arn:aws:iam::111122223333:policy/boundary
interruptionQueue:
  kmsKeyArn: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
  manageKmsKeyPolicy: true
nodeClasses: [{name: gpu}]
nodePools: [{name: training, nodeClass: gpu, limits: {cpu: 96}}]
kubernetesAuth: exec
`;

describe("terraform validate (real hashicorp/aws provider)", () => {
  it("accepts the AWS resources and data sources of every stack, for the default example and an IRSA + KMS + existing-role config", (t) => {
    if (process.env.KARPENTER_GPU_SKIP_TERRAFORM === "1") {
      process.stderr.write("\n*** terraform validate SKIPPED on request (KARPENTER_GPU_SKIP_TERRAFORM=1) ***\n\n");
      t.skip("KARPENTER_GPU_SKIP_TERRAFORM=1");
      return;
    }
    const version = spawnSync("terraform", ["version"], { env: TF_ENV, encoding: "utf8" });
    assert.equal(
      version.error,
      undefined,
      "terraform is not on PATH: install Terraform >= 1.5 to run this test (or set KARPENTER_GPU_SKIP_TERRAFORM=1 to skip it on purpose)",
    );
    const pluginDir = process.env.TF_PLUGIN_DIR;
    const awsVersion = pluginDir ? mirroredAwsVersion(pluginDir) : undefined;

    const variantFile = join(mkdtempSync(join(tmpdir(), "kgpu-variant-")), "variant.yaml");
    writeFileSync(variantFile, VARIANT);
    const stacks = [runApp(), runApp({ KARPENTER_GPU_CONFIG: variantFile })].flatMap((run) => {
      assert.equal(run.status, 0, run.stderr);
      const manifest = JSON.parse(readFileSync(join(run.outdir, "manifest.json"), "utf8"));
      return Object.entries(manifest.stacks as Record<string, { synthesizedStackPath: string }>)
        .map(([name, st]) => ({ name, json: JSON.parse(readFileSync(join(run.outdir, st.synthesizedStackPath), "utf8")) }));
    });
    assert.deepEqual(stacks.map((s) => s.name), [
      "prod-cluster-aws", "prod-cluster-charts", "prod-cluster-nodepools",
      "gpu-staging-aws", "gpu-staging-charts", "gpu-staging-nodepools",
    ]);

    const work = mkdtempSync(join(tmpdir(), "kgpu-tf-"));
    for (const stack of stacks) {
      writeFileSync(join(work, "main.tf.json"), JSON.stringify(forValidation(stack.json, awsVersion)));
      if (!existsSync(join(work, ".terraform"))) {
        const init = terraform(["init", "-input=false", "-backend=false", ...(pluginDir ? [`-plugin-dir=${pluginDir}`] : [])], work);
        assert.equal(init.status, 0, `terraform init failed (${pluginDir ? `plugin dir ${pluginDir}` : "no TF_PLUGIN_DIR: needs network to the Terraform registry"}):\n${init.stderr}${init.stdout}`);
      }
      const validate = terraform(["validate", "-json"], work);
      const result = JSON.parse(validate.stdout) as { valid: boolean; diagnostics: { severity: string; summary: string; detail: string }[] };
      const errors = result.diagnostics.filter((d) => d.severity === "error");
      assert.deepEqual(errors, [], `${stack.name}: terraform validate found errors`);
      assert.equal(result.valid, true, `${stack.name}: terraform validate said invalid`);
      t.diagnostic(`${stack.name}: valid against hashicorp/aws ${awsVersion ?? "(pinned)"}; ${result.diagnostics.length} warning(s)`);
    }
  });
});
