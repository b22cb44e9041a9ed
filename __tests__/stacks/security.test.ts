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
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Testing } from "cdktf";
import fc from "fast-check";
import { DEPLOY_PERMISSIONS, DEPLOY_STACKS, terraformBlockTypes, uncoveredBlockTypes, type DeployStack, type IamPolicyDocument } from "../../modules/aws/deploy-policy.js";
import { loadConfigFile, parseConfig } from "../../modules/config/parse.js";
import { type KarpenterGpuConfig, type KarpenterGpuConfigInput } from "../../modules/config/schema.js";
import { partitionOf } from "../../modules/core/rules.js";
import { buildStacks } from "../../modules/stacks/app.js";
import { deployPoliciesFor } from "../../modules/stacks/deploy-policy.js";
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

function synthAll(config: KarpenterGpuConfig): Record<DeployStack, Json> {
  const stacks = buildStacks(newApp(), config);
  return {
    aws: JSON.parse(Testing.synth(stacks.aws)) as Json,
    charts: JSON.parse(Testing.synth(stacks.charts)) as Json,
    nodePools: JSON.parse(Testing.synth(stacks.nodePools)) as Json,
  };
}

const ACCOUNT = "111122223333";
/** IAM's size limit of a managed policy, in characters without whitespace (IAM and AWS STS quotas). */
const MANAGED_POLICY_CHARS = 6144;

/** Whether `doc` allows `action` on `arn` (IAM's `*` and `?` wildcards), with `iam:PolicyARN` for a condition on it. */
function allows(doc: IamPolicyDocument, action: string, arn: string, policyArn?: string): boolean {
  const glob = (pattern: string, value: string) => {
    const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${re}$`).test(value);
  };
  return doc.Statement.some((st) => {
    if (!st.Action.includes(action) || !st.Resource.some((r) => glob(r, arn))) return false;
    const allowed = st.Condition?.ArnLike?.["iam:PolicyARN"];
    return !allowed || (policyArn !== undefined && allowed.some((p) => glob(p, policyArn)));
  });
}

/**
 * The deploy identity's side: every block type of every stack is in the deploy policy map, each
 * policy fits a managed policy, and the aws stack's policy grants the create call on the name of
 * everything the stack creates (so a renamed resource cannot fall outside it).
 */
function checkDeployPolicy(config: KarpenterGpuConfig, out: Record<DeployStack, Json>): void {
  for (const stack of DEPLOY_STACKS) assert.deepEqual(uncoveredBlockTypes(stack, out[stack]), [], `${stack} stack: block types the deploy policy map does not cover`);
  const policies = deployPoliciesFor(config, ACCOUNT);
  for (const stack of DEPLOY_STACKS) assert.ok(JSON.stringify(policies[stack]).length <= MANAGED_POLICY_CHARS, `${stack}: deploy policy of ${JSON.stringify(policies[stack]).length} characters`);
  const p = partitionOf(config.region);
  const arn = (service: string, resource: string, region = config.region) => `arn:${p}:${service}:${region}:${ACCOUNT}:${resource}`;
  const literal = (v: string) => v.replace(/\$\{data\.aws_partition\.[\w-]+\.partition\}/g, p).replace(/\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}/g, ACCOUNT);
  const of = (type: string) => Object.entries((out.aws.resource[type] ?? {}) as Record<string, Json>);
  const policyArns = new Map(of("aws_iam_policy").map(([id, r]) => [`\${aws_iam_policy.${id}.arn}`, arn("iam", `policy/${r.name}`, "")]));
  const roleNames = new Map(of("aws_iam_role").map(([id, r]) => [`\${aws_iam_role.${id}.name}`, r.name as string]));
  const needs: [string, string, string?][] = [
    ...of("aws_iam_role").map(([, r]): [string, string] => ["iam:CreateRole", arn("iam", `role/${r.name}`, "")]),
    ...of("aws_iam_policy").map(([, r]): [string, string] => ["iam:CreatePolicy", arn("iam", `policy/${r.name}`, "")]),
    ...of("aws_iam_role_policy_attachment").map(([, r]): [string, string, string] => ["iam:AttachRolePolicy", arn("iam", `role/${roleNames.get(r.role) ?? r.role}`, ""), policyArns.get(r.policy_arn) ?? literal(r.policy_arn)]),
    ...of("aws_sqs_queue").map(([, r]): [string, string] => ["sqs:CreateQueue", arn("sqs", r.name)]),
    ...of("aws_cloudwatch_event_rule").map(([, r]): [string, string] => ["events:PutRule", arn("events", `rule/${r.name}`)]),
    ...of("aws_ec2_tag").map(([, r]): [string, string] => ["ec2:CreateTags", arn("ec2", `${r.resource_id.startsWith("sg-") ? "security-group" : "subnet"}/${r.resource_id}`)]),
    ...of("aws_eks_access_entry").map(([, r]): [string, string] => ["eks:CreateAccessEntry", arn("eks", `cluster/${r.cluster_name}`)]),
    ...of("aws_kms_key_policy").map(([, r]): [string, string] => ["kms:PutKeyPolicy", r.key_id]),
  ];
  assert.ok(needs.length >= 10, "the aws stack creates roles, policies, a queue and rules");
  for (const [action, target, policyArn] of needs) assert.ok(allows(policies.aws, action, target, policyArn), `the aws stack's deploy policy does not allow ${action} on ${target}${policyArn ? ` for ${policyArn}` : ""}`);
}

function assertInvariants(config: KarpenterGpuConfig): Record<DeployStack, Json> {
  const out = synthAll(config);
  checkInvariants(config, out);
  checkDeployPolicy(config, out);
  return out;
}

/** Checks every invariant on one configuration's synthesized output; throws on a breach. */
function checkInvariants(config: KarpenterGpuConfig, out: ReturnType<typeof synthAll>): void {
  const docs = out.aws.data.aws_iam_policy_document as Record<string, { statement: Statement[] }>;
  const controller = Object.entries(docs)
    // The module's own policies; the user's additionalPolicyStatements are theirs to scope.
    .filter(([id]) => /_controller_\w+Document_/.test(id) && !id.includes("_controller_additionalDocument_"))
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

/** Every option that adds a block type on, but those of `hardened` (IRSA and its role lookup). */
const everything: KarpenterGpuConfigInput = {
  ...hardened,
  nodeRole: { additionalPolicyArns: { s3: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" } },
  controller: { identity: "podIdentity", podIdentityAgent: "install", additionalPolicyArns: { ssmRead: "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess" }, additionalPolicyStatements: [{ actions: ["ec2:DescribeCapacityBlockOfferings"], resources: ["*"] }] },
  nodeRepair: { enabled: true, monitoringAgent: "install" },
  spotServiceLinkedRole: "create",
  quotaGuard: "fail",
  karpenter: { zonalShift: true, adoptExistingCrds: true, importExistingReleases: ["crd", "controller"] },
};

const EXAMPLES = readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".yaml")).sort();
const seen: Record<DeployStack, Set<string>> = { aws: new Set(), charts: new Set(), nodePools: new Set() };
const holdFor = (config: KarpenterGpuConfig) => {
  const out = assertInvariants(config);
  for (const stack of DEPLOY_STACKS) for (const type of terraformBlockTypes(out[stack])) seen[stack].add(type);
};

describe("security invariants", () => {
  for (const example of EXAMPLES) it(`hold for examples/${example}`, () => holdFor(loadConfigFile(join(ROOT, "examples", example))));
  it("hold for an IRSA + customer KMS key + existing node role config", () => holdFor(parseConfig(hardened)));
  it("hold for a config with every option that adds a block type", () => holdFor(parseConfig(everything)));
  it("leave no deploy permission unused: each block type of the map is in its stacks, for the examples and the two configs above", () => {
    assert.equal(EXAMPLES.length >= 5, true, `examples: ${EXAMPLES.join(", ")}`);
    const unused = Object.entries(DEPLOY_PERMISSIONS).flatMap(([type, p]) => p.stacks.filter((stack) => !seen[stack].has(type)).map((stack) => `${stack}: ${type}`));
    assert.deepEqual(unused, []);
  });
  it("hold for 100 generated configurations", () => {
    fc.assert(fc.property(validConfig, (input) => void assertInvariants(parseConfig(input))), { seed: 7, numRuns: 100 });
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
  it("catch a deploy policy that falls short: a block type the map lacks, a resource renamed out of its scope", () => {
    const config = loadConfigFile(join(ROOT, "examples", "default.yaml"));
    const withBlock = synthAll(config);
    withBlock.nodePools.data.aws_instances = { x: {} };
    assert.throws(() => checkDeployPolicy(config, withBlock), /nodePools stack: block types the deploy policy map does not cover[\s\S]*data\.aws_instances/);
    const renamed = synthAll(config);
    Object.values(renamed.aws.resource.aws_sqs_queue as Record<string, Json>)[0].name = "other-queue";
    assert.throws(() => checkDeployPolicy(config, renamed), /does not allow sqs:CreateQueue on arn:aws:sqs:us-west-2:111122223333:other-queue/);
  });
});
