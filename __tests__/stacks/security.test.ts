/**
 * Security invariants, checked on the synthesized output of the examples, a hardened variant
 * (IRSA, KMS, existing role) and generated configurations:
 * - controller IAM: nothing outside Karpenter v1.14's action set; `Resource: "*"` only where
 *   upstream has it; every write scoped to the cluster; PassRole only on the node role, only to EC2;
 * - nodes: IMDSv2 required with hop limit 1, EBS encrypted;
 * - queue: encrypted at rest, non-TLS access denied;
 * - no secrets in outputs or Helm values.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Testing } from "cdktf";
import fc from "fast-check";
import { loadConfigFile, parseConfig } from "../../modules/config/parse.js";
import { type KarpenterGpuConfig, type KarpenterGpuConfigInput } from "../../modules/config/schema.js";
import { buildStacks } from "../../modules/stacks/app.js";
import { validConfig } from "../arbitraries.js";
import { newApp, ROOT } from "../helpers.js";

type Json = Record<string, any>;
type Statement = { sid?: string; effect?: string; actions: string[]; resources: string[]; condition?: { test: string; variable: string; values: string[] }[] };

/** Every action in the six policies of Karpenter v1.14's getting-started template. */
const UPSTREAM_ACTIONS = new Set([
  "ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate", "ec2:CreateTags", "ec2:TerminateInstances", "ec2:DeleteLaunchTemplate",
  "iam:PassRole", "iam:CreateInstanceProfile", "iam:TagInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile",
  "iam:DeleteInstanceProfile", "iam:ListInstanceProfiles", "iam:GetInstanceProfile", "eks:DescribeCluster",
  "sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage", "arc-zonal-shift:GetManagedResource",
  "ec2:DescribeCapacityReservations", "ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeInstanceStatus",
  "ec2:DescribeInstanceTypeOfferings", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplates", "ec2:DescribePlacementGroups",
  "ec2:DescribeSecurityGroups", "ec2:DescribeSpotPriceHistory", "ec2:DescribeSubnets", "ssm:GetParameter", "pricing:GetProducts",
]);
/** The one addition: reading an SSE-KMS interruption queue needs kms:Decrypt on its key. */
const ADDED_WITH_KMS = "kms:Decrypt";
/** Statements upstream grants on `Resource: "*"`: reads only (and zonal-shift status, scoped by condition). */
const STAR_ALLOWED = new Set(["AllowRegionalReadActions", "AllowPricingReadActions", "AllowUnscopedInstanceProfileListAction", "AllowZonalShiftStatusReadOnly"]);
const isRead = (action: string) => /:(Describe|Get|List)/.test(action) || action === "pricing:GetProducts";

function synthAll(config: KarpenterGpuConfig) {
  const stacks = buildStacks(newApp(), config);
  return {
    aws: JSON.parse(Testing.synth(stacks.aws)) as Json,
    charts: JSON.parse(Testing.synth(stacks.charts)) as Json,
    nodePools: JSON.parse(Testing.synth(stacks.nodePools)) as Json,
  };
}

function assertInvariants(config: KarpenterGpuConfig): void {
  checkInvariants(config, synthAll(config));
}

/** Checks every invariant on one configuration's synthesized output; throws on a breach. */
function checkInvariants(config: KarpenterGpuConfig, out: ReturnType<typeof synthAll>): void {
  const docs = out.aws.data.aws_iam_policy_document as Record<string, { statement: Statement[] }>;
  const controller = Object.entries(docs)
    .filter(([id]) => /_controller_\w+Document_/.test(id))
    .flatMap(([, d]) => d.statement);
  assert.equal(controller.length, 17 + (config.karpenter.zonalShift ? 1 : 0) + (config.interruptionQueue.kmsKeyArn ? 1 : 0), "the controller policies' statements (ZonalShift's only with zonal shift)");
  const nodeRoleArn = config.nodeRole.existingRoleArn;
  for (const s of controller) {
    const where = `statement ${s.sid}`;
    assert.equal(s.effect, "Allow", where);
    for (const a of s.actions) {
      assert.ok(UPSTREAM_ACTIONS.has(a) || (a === ADDED_WITH_KMS && config.interruptionQueue.kmsKeyArn), `${where}: ${a} is not in Karpenter v1.14's set`);
    }
    if (s.resources.includes("*")) assert.ok(STAR_ALLOWED.has(s.sid ?? ""), `${where}: Resource "*" where upstream has none`);
    const writes = s.actions.filter((a) => !isRead(a));
    if (writes.length && s.sid !== "AllowPassingInstanceRole" && s.sid !== "AllowInterruptionQueueActions" && s.sid !== "AllowInterruptionQueueDecrypt") {
      const vars = (s.condition ?? []).map((c) => c.variable);
      const scoped =
        vars.some((v) => v.endsWith(`/kubernetes.io/cluster/${config.clusterName}`)) ||
        // Launch needs the shared image/snapshot/subnet/security-group ARNs; the instance itself is scoped by the tagged statements.
        s.sid === "AllowScopedEC2InstanceAccessActions";
      assert.ok(scoped, `${where}: writes ${writes.join(", ")} without the cluster-ownership condition`);
    }
    if (s.actions.includes("iam:PassRole")) {
      assert.deepEqual(s.actions, ["iam:PassRole"], where);
      assert.equal(s.resources.length, 1, where);
      assert.ok(nodeRoleArn ? s.resources[0] === nodeRoleArn : /aws_iam_role\.karpenter_nodeRole_role_\w+\.arn/.test(s.resources[0]), `${where}: PassRole on ${s.resources[0]}`);
      assert.deepEqual(s.condition, [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] }], where);
    }
    if (s.actions.some((a) => a.startsWith("sqs:"))) assert.match(s.resources[0], /aws_sqs_queue\.\w+\.arn/, where);
  }

  const nodeClasses = Object.values(out.nodePools.resource.kubernetes_manifest as Record<string, Json>)
    .map((m) => m.manifest)
    .filter((m) => m.kind === "EC2NodeClass");
  assert.equal(nodeClasses.length, config.nodeClasses.length);
  for (const nc of nodeClasses) {
    assert.equal(nc.spec.metadataOptions.httpTokens, "required", `${nc.metadata.name}: IMDSv2`);
    assert.equal(nc.spec.metadataOptions.httpPutResponseHopLimit, 1, `${nc.metadata.name}: hop limit`);
    for (const bdm of nc.spec.blockDeviceMappings) assert.equal(bdm.ebs.encrypted, true, `${nc.metadata.name}: EBS encrypted`);
  }

  const queue = Object.values(out.aws.resource.aws_sqs_queue as Record<string, Json>)[0];
  assert.ok(queue.sqs_managed_sse_enabled === true || typeof queue.kms_master_key_id === "string", "queue encrypted at rest");
  const queuePolicy = Object.entries(docs).find(([id]) => id.includes("queuePolicyDocument"))![1];
  assert.ok(
    queuePolicy.statement.some((s) => s.sid === "DenyHTTP" && s.effect === "Deny" && s.condition?.[0].variable === "aws:SecureTransport" && s.condition[0].values[0] === "false"),
    "DenyHTTP",
  );

  // No secret reaches an output or Helm values: not the EKS token, not the ECR password.
  const secretRefs = /aws_eks_cluster_auth|aws_ecrpublic_authorization_token|\.password|\.token\b|AKIA[0-9A-Z]{16}/;
  for (const stack of Object.values(out)) {
    for (const [name, o] of Object.entries((stack.output ?? {}) as Record<string, Json>)) assert.doesNotMatch(JSON.stringify(o.value), secretRefs, `output ${name}`);
  }
  for (const release of Object.values(out.charts.resource.helm_release as Record<string, Json>)) {
    for (const v of release.values ?? []) assert.doesNotMatch(v, secretRefs, `values of ${release.name}`);
  }
}

const hardened: KarpenterGpuConfigInput = {
  clusterName: "secure-cluster",
  region: "eu-west-1",
  discovery: { subnetIds: ["subnet-0a1b2c3d4e5f60718"], securityGroupIds: ["sg-0c3d4e5f607182930"] },
  nodeRole: { existingRoleArn: "arn:aws:iam::111122223333:role/gpu-nodes" },
  controller: { identity: "irsa", oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X" },
  interruptionQueue: { kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", manageKmsKeyPolicy: true },
  nodeClasses: [{ name: "gpu", rootVolume: { type: "io2", iops: 20000 }, instanceStorePolicy: "RAID0" }],
  nodePools: [{ name: "p", nodeClass: "gpu", limits: { cpu: 96 } }],
};

describe("security invariants", () => {
  it("hold for the built-in example", () => assertInvariants(loadConfigFile(join(ROOT, "examples", "default.yaml"))));
  it("hold for the two-pool example", () => assertInvariants(loadConfigFile(join(ROOT, "examples", "spot-training-on-demand-inference.yaml"))));
  it("hold for an IRSA + customer KMS key + existing node role config", () => assertInvariants(parseConfig(hardened)));
  it("hold for 100 generated configurations", () => {
    fc.assert(fc.property(validConfig, (input) => assertInvariants(parseConfig(input))), { seed: 7, numRuns: 100 });
  });
  it("catch a breach: a statement that loses its cluster scoping, or gains an action, fails them", () => {
    const config = loadConfigFile(join(ROOT, "examples", "default.yaml"));
    const tampered = (change: (deletion: Statement) => void) => {
      const out = synthAll(config);
      const docs = out.aws.data.aws_iam_policy_document as Record<string, { statement: Statement[] }>;
      const lifecycle = Object.entries(docs).find(([id]) => id.includes("NodeLifecycleDocument"))![1];
      change(lifecycle.statement.find((st) => st.sid === "AllowScopedDeletion")!);
      return out;
    };
    assert.throws(
      () => checkInvariants(config, tampered((st) => (st.condition = st.condition!.filter((c) => !c.variable.includes("kubernetes.io/cluster"))))),
      /AllowScopedDeletion: writes ec2:TerminateInstances, ec2:DeleteLaunchTemplate without the cluster-ownership condition/,
    );
    assert.throws(() => checkInvariants(config, tampered((st) => st.actions.push("ec2:DeleteVolume"))), /ec2:DeleteVolume is not in Karpenter v1\.14's set/);
    assert.throws(() => checkInvariants(config, tampered((st) => (st.resources = ["*"]))), /AllowScopedDeletion: Resource "\*" where upstream has none/);
  });
});
