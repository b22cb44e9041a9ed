/**
 * Real `terraform validate` of the synthesized stacks against the real hashicorp/aws provider
 * schema: the whole AWS stack, and the AWS data sources of the chart and node-pool stacks (there
 * are no helm or kubernetes provider binaries to validate the rest against; those are checked
 * by schema validation of the typed models and by the chart-values tests). How terraform and the
 * provider are found, and why a missing one fails the test: see ./terraform.ts.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runApp, synthOf, tempDir } from "../helpers.js";
import { twoClusterStack } from "../two-clusters.js";
import { errorsOf, forValidation, TerraformWorkdir } from "../terraform.js";

const VARIANT = `
clusterName: gpu-staging
region: us-east-1
aws:
  profile: gpu-staging-deploy
  assumeRole: {roleArn: "arn:aws:iam::111122223333:role/karpenter-gpu-deploy", sessionName: karpenter-gpu}
discovery:
  mode: existing
  subnetIds: [subnet-0a1b2c3d4e5f60718]
  securityGroupIds: [sg-0c3d4e5f607182930, sg-0123456789abcdef0]
  allowMultipleSecurityGroups: true
nodeRole:
  existingRoleArn: arn:aws:iam::111122223333:role/platform/gpu-nodes
controller:
  identity: irsa
  oidcProviderArn: arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF
  permissionsBoundaryArn: arn:aws:iam::111122223333:policy/boundary
  policyNames: {NodeLifecycle: KarpenterControllerNodeLifecyclePolicy-gpu-staging}
  additionalPolicyArns: {ssmRead: "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess"}
  additionalPolicyStatements:
    - {actions: [ec2:DescribeCapacityBlockOfferings], resources: ["*"], conditions: [{test: StringEquals, variable: aws:RequestedRegion, values: [us-east-1]}]}
karpenter:
  adoptExistingCrds: true
  importExistingReleases: [controller]
interruptionQueue:
  ruleNames: {spotInterrupt: gpu-staging-spot}
  kmsKeyArn: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
  manageKmsKeyPolicy: true
nodeClasses: [{name: gpu}]
nodePools: [{name: training, nodeClass: gpu, limits: {cpu: 96}}]
kubernetesAuth: exec
quotaGuard: fail
`;

describe("terraform validate (real hashicorp/aws provider)", () => {
  it("accepts the AWS resources and data sources of every stack, for the default example and an IRSA + KMS + existing-role + adoption config (with a profile, a role to assume, existing discovery tags, extra controller permissions)", (t) => {
    const tf = TerraformWorkdir.open(t);
    if (!tf) return;
    const variantFile = join(tempDir("variant-"), "variant.yaml");
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

    // The default example's charts and node-pool stacks carry the ephemeral token block: the
    // real provider validates it too (Terraform >= 1.10 and an aws provider that has it).
    for (const name of ["prod-cluster-charts", "prod-cluster-nodepools"]) {
      assert.ok(stacks.find((st) => st.name === name)?.json.ephemeral?.aws_eks_cluster_auth, `${name} has ephemeral "aws_eks_cluster_auth"`);
    }
    // The variant's provider blocks carry the profile and the role to assume: validated too.
    for (const stack of stacks.filter((st) => st.name.startsWith("gpu-staging-"))) {
      assert.deepEqual(stack.json.provider.aws[0].assume_role, [{ role_arn: "arn:aws:iam::111122223333:role/karpenter-gpu-deploy", session_name: "karpenter-gpu" }], stack.name);
    }
    // One run validates every stack, each as a module; a copy of the first with an argument the
    // provider does not have proves that an error is found and put on its own stack only.
    const broken = forValidation(stacks[0].json, tf.awsVersion);
    const queue = Object.values(broken.resource.aws_sqs_queue as Record<string, Record<string, unknown>>)[0];
    queue.not_an_sqs_argument = "x";
    // Two clusters in one stack through aliased providers (`provider` props): valid too.
    stacks.push({ name: "two-clusters", json: synthOf(twoClusterStack()) });
    const results = tf.validateEach({
      ...Object.fromEntries(stacks.map((st) => [st.name, JSON.stringify(forValidation(st.json, tf.awsVersion))])),
      broken: JSON.stringify(broken),
    });
    assert.match(errorsOf(results.broken).map((d) => `${d.summary}: ${d.detail}`).join("\n"), /not_an_sqs_argument/, "the check finds an unknown argument");
    for (const stack of stacks) {
      const result = results[stack.name];
      assert.deepEqual(errorsOf(result), [], `${stack.name}: terraform validate found errors`);
      assert.equal(result.valid, true, `${stack.name}: terraform validate said invalid`);
      t.diagnostic(`${stack.name}: valid against hashicorp/aws ${tf.awsVersion ?? "(pinned)"}; ${result.diagnostics.length} warning(s)`);
    }
  });
});
