/**
 * `terraform test` with `mock_provider "aws"`: the AWS stack is planned AND applied offline
 * against the real hashicorp/aws provider's schema, so every expression, check and
 * precondition is evaluated, not only type-checked. Mocked values stand in for what AWS
 * returns; ARN-shaped attributes get real-looking ARNs, or the provider's validators reject the
 * random strings. How terraform and the provider are found: see ./terraform.ts.
 *
 * Every scenario is built first and all run in one `terraform test` (one init, one Terraform
 * process: `TerraformWorkdir.testEach`); each test then reads its scenario's outcome.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { loadConfigFile, parseConfig } from "../../modules/config/parse.js";
import { type KarpenterGpuConfigInput } from "../../modules/config/schema.js";
import { buildStacks } from "../../modules/stacks/app.js";
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets/index.js";
import { DiscoveryTags } from "../../modules/aws/discovery-tags.js";
import { configInput, newApp, ROOT, synthOf, synthStack, type Synth } from "../helpers.js";
import { forValidation, TerraformWorkdir } from "../terraform.js";

const ACCOUNT = "111122223333";
const MOCKS = `
mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "${ACCOUNT}" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[]}" }
  }
  mock_data "aws_iam_roles" {
    defaults = { names = ["AWSServiceRoleForEC2Spot"] }
  }
  mock_data "aws_vpc_security_group_rules" {
    defaults = { ids = ["sgr-in", "sgr-out"] }
  }
  mock_data "aws_vpc_security_group_rule" {
    defaults = { security_group_id = "sg-0c3d4e5f607182930", is_egress = false, ip_protocol = "-1", referenced_security_group_id = "sg-0c3d4e5f607182930" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::${ACCOUNT}:role/mock" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::${ACCOUNT}:policy/mock" }
  }
  mock_resource "aws_iam_service_linked_role" {
    defaults = { arn = "arn:aws:iam::${ACCOUNT}:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:us-west-2:${ACCOUNT}:mock", url = "https://sqs.us-west-2.amazonaws.com/${ACCOUNT}/mock" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:us-west-2:${ACCOUNT}:rule/mock" }
  }
}
`;

/** The Terraform address of the one block of `type` whose logical ID starts with `prefix`. */
function address(section: Synth["resource"] | undefined, type: string, prefix: string, kind: "resource" | "data" = "resource"): string {
  const ids = Object.keys(section?.[type] ?? {}).filter((id) => id.startsWith(prefix));
  assert.equal(ids.length, 1, `expected one ${type} ${prefix}*, found ${ids.join(", ") || "none"}`);
  return `${kind === "data" ? "data." : ""}${type}.${ids[0]}`;
}

function awsStack(input: KarpenterGpuConfigInput | string): Synth {
  const config = typeof input === "string" ? loadConfigFile(input) : parseConfig(input);
  return synthOf(buildStacks(newApp(), config).aws);
}



/** A configuration under test and its `terraform test` runs (mocks prepended). */
interface Scenario {
  readonly stack: Synth;
  readonly tests: string;
}

const A = "subnet-0a1b2c3d4e5f60718";
const B = "subnet-0b2c3d4e5f6071829";
const X = "sg-0c3d4e5f607182930";
const Y = "sg-0123456789abcdef0";

/** The scenarios, built once: each `it` below checks its own stack's JSON, then its outcome. */
const scenarios = (): Record<string, Scenario> => {
  const defaultStack = awsStack(join(ROOT, "examples", "default.yaml"));
  const irsa = awsStack(configInput({
    clusterName: "gpu-staging",
    region: "us-east-1",
    nodeRole: { existingRoleArn: `arn:aws:iam::${ACCOUNT}:role/platform/gpu-nodes` },
    controller: { identity: "irsa", oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF` },
    interruptionQueue: { kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, manageKmsKeyPolicy: true },
    nodePools: [{ name: "training", nodeClass: "gpu-nodeclass", capacityTypes: ["spot"], limits: { cpu: 96 } }],
    spotServiceLinkedRole: "create",
  }));
  const podIdentity = awsStack(configInput({ controller: { podIdentityAgent: "install" }, karpenter: { zonalShift: true } }));
  // Without the ephemeral EKS token (only the Helm and Kubernetes providers, dropped here, read it): mock providers have no ephemeral resources.
  const { ephemeral: _token, ...charts } = synthOf(buildStacks(newApp(), parseConfig(configInput({ karpenter: { zonalShift: true } }))).charts) as Synth & { ephemeral?: unknown };
  const efa = awsStack(join(ROOT, "examples", "p5-training-efa-reserved.yaml"));
  const discovery = synthStack((stack) => {
    new DiscoveryTags(stack, "tagged", { clusterName: "blue", subnetIds: [A], securityGroupIds: [X] });
    new DiscoveryTags(stack, "adopted", { clusterName: "blue", subnetIds: [B], securityGroupIds: [Y], mode: "existing" });
    const found = new DataAwsSubnets(stack, "private", { filter: [{ name: "tag:tier", values: ["private"] }] });
    new DiscoveryTags(stack, "tokens", { clusterName: "blue", subnetIds: found.ids, securityGroupIds: [X], mode: "ids" });
  });

  const agent = address(defaultStack.data, "aws_eks_addon", "karpenter_prerequisites_podIdentityAgent", "data");
  const defaultQueue = address(defaultStack.resource, "aws_sqs_queue", "karpenter_interruptionQueue_queue");
  const slr = address(irsa.resource, "aws_iam_service_linked_role", "karpenter_prerequisites_spotServiceLinkedRole");
  const irsaQueue = address(irsa.resource, "aws_sqs_queue", "karpenter_interruptionQueue_queue");
  const addon = address(podIdentity.resource, "aws_eks_addon", "karpenter_prerequisites_podIdentityAgent");
  const zonal = address(podIdentity.resource, "aws_iam_policy", "karpenter_controller_ZonalShiftPolicy");
  const cluster = address(charts.data, "aws_eks_cluster", "cluster", "data");
  const taken = address(discovery.data, "aws_subnet", `tagged_lookup_${A}`, "data");
  const adoptedSubnet = address(discovery.data, "aws_subnet", `adopted_lookup_${B}`, "data");
  const adoptedGroup = address(discovery.data, "aws_security_group", `adopted_lookup_${Y}`, "data");
  const tokens = address(discovery.data, "aws_subnet", "tokens_lookup_subnetIds", "data");
  const list = address(discovery.data, "aws_subnets", "private", "data");
  const blue = (target: string) => `  override_data {\n    target = ${target}\n    values = { tags = { "karpenter.sh/discovery" = "blue" } }\n  }\n`;
  const ids = (values: string) => `  override_data {\n    target = ${list}\n    values = { ids = ${values} }\n  }\n`;

  return {
    default: {
      stack: defaultStack,
      tests: `
run "apply" {
  command = apply
  assert {
    condition     = ${agent}.addon_name == "eks-pod-identity-agent" && ${agent}.cluster_name == "prod-cluster"
    error_message = "the Pod Identity agent add-on is not looked up"
  }
  assert {
    condition     = ${defaultQueue}.sqs_managed_sse_enabled == true && ${defaultQueue}.message_retention_seconds == 300
    error_message = "the interruption queue is not encrypted with a 300 s retention"
  }
}

run "spot_role_missing" {
  command = plan
  override_data {
    target = ${address(defaultStack.data, "aws_iam_roles", "karpenter_prerequisites_spotServiceLinkedRoleLookup", "data")}
    values = { names = [] }
  }
  expect_failures = [${address(defaultStack.resource, "terraform_data", "karpenter_prerequisites_spotServiceLinkedRolePresent")}]
}
`,
    },
    irsa: {
      stack: irsa,
      tests: `
run "apply" {
  command = apply
  assert {
    condition     = ${slr}.aws_service_name == "spot.amazonaws.com"
    error_message = "the Spot service-linked role is not created"
  }
  assert {
    condition     = ${irsaQueue}.kms_master_key_id == "arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    error_message = "the queue does not use the customer KMS key"
  }
}
`,
    },
    "pod-identity": {
      stack: podIdentity,
      tests: `
run "apply" {
  command = apply
  assert {
    condition     = ${addon}.addon_name == "eks-pod-identity-agent" && ${addon}.cluster_name == "prod-cluster"
    error_message = "the Pod Identity agent add-on is not installed on the cluster"
  }
  assert {
    condition     = ${zonal}.name == "KarpenterControllerZonalShiftPolicy-prod-cluster-us-west-2"
    error_message = "the ZonalShift policy is missing"
  }
}
`,
    },
    charts: {
      stack: charts,
      tests: `
run "zonal_shift_enabled" {
  command = plan
  override_data {
    target = ${cluster}
    values = { zonal_shift_config = [{ enabled = true }] }
  }
}

run "zonal_shift_missing" {
  command = plan
  override_data {
    target = ${cluster}
    values = { zonal_shift_config = [] }
  }
  expect_failures = [${address(charts.resource, "terraform_data", "zonalShiftEnabled")}]
}
`,
    },
    "efa-egress-missing": {
      stack: efa,
      tests: `
run "egress_missing" {
  command = plan
  expect_failures = [check.efa_self_traffic_efaSecurityGroup]
}
`,
    },
    "efa-both": {
      stack: efa,
      tests: `
run "both_directions" {
  command = plan
  override_data {
    target = ${address(efa.data, "aws_vpc_security_group_rule", "efaSecurityGroup_rule", "data")}["sgr-out"]
    values = { security_group_id = "${X}", is_egress = true, ip_protocol = "-1", referenced_security_group_id = "${X}" }
  }
}
`,
    },
    discovery: {
      stack: discovery,
      tests: `
run "clean" {
  command = apply
${blue(adoptedSubnet)}${blue(adoptedGroup)}${ids(`["${A}", "${B}"]`)}
  assert {
    condition     = length(${address(discovery.resource, "aws_ec2_tag", `tagged_${A}`)}.value) > 0 && length(${tokens}) == 2
    error_message = "the tag mode's subnet is not tagged, or the token list is not looked up item by item"
  }
}

run "another_clusters_tag" {
  command = plan
${blue(adoptedSubnet)}${blue(adoptedGroup)}${ids(`["${A}"]`)}
  override_data {
    target = ${taken}
    values = { tags = { "karpenter.sh/discovery" = "green" } }
  }
  expect_failures = [${taken}]
}

run "existing_tag_missing" {
  command = plan
${blue(adoptedSubnet)}${ids(`["${A}"]`)}
  expect_failures = [${adoptedGroup}]
}

run "malformed_token_id" {
  command = plan
${blue(adoptedSubnet)}${blue(adoptedGroup)}${ids(`["subnet-XYZ"]`)}
  expect_failures = [${tokens}]
}
`,
    },
  };
};

let built: Record<string, Scenario> | undefined;
let outcomes: ReturnType<TerraformWorkdir["testEach"]> | undefined;

/** The scenarios' stacks (built on first use). */
const stacks = (): Record<string, Scenario> => (built ??= scenarios());

/** Runs every scenario in one `terraform test` on first use; undefined when terraform tests are skipped on purpose. */
function outcome(t: TestContext, name: string): { passed: boolean; runsPassed: number; output: string } | undefined {
  if (!outcomes) {
    const tf = TerraformWorkdir.open(t);
    if (!tf) return undefined;
    outcomes = tf.testEach(Object.fromEntries(Object.entries(stacks()).map(([n, sc]) => [n, { config: JSON.stringify(forValidation(sc.stack as unknown as Record<string, unknown>, tf.awsVersion)), tests: MOCKS + sc.tests }])));
    t.diagnostic(`terraform test against hashicorp/aws ${tf.awsVersion ?? "(pinned)"}: ${Object.values(outcomes).reduce((n, o) => n + o.runsPassed, 0)} runs passed in ${Object.keys(outcomes).length} files`);
  }
  return outcomes[name];
}

/** The scenario passed, with `runs` runs passing (expected failures count as passes). */
function passes(t: TestContext, name: string, runs: number): void {
  const o = outcome(t, name);
  if (!o) return;
  assert.ok(o.passed, `terraform test of scenario ${name} failed:\n${o.output}`);
  assert.equal(o.runsPassed, runs, o.output);
}

describe("terraform test: the AWS stack applies (mock aws provider, real schema)", () => {
  it("default example: applies with the Pod Identity agent and Spot role found; a missing Spot role fails the plan with the fix", (t) => {
    passes(t, "default", 2);
  });

  it("IRSA + KMS + existing role + created Spot role: applies, with no Pod Identity pieces", (t) => {
    const s = stacks().irsa.stack;
    assert.equal(s.data.aws_eks_addon, undefined);
    assert.equal(s.resource.aws_eks_pod_identity_association, undefined);
    passes(t, "irsa", 1);
  });

  it("Pod Identity with the agent installed and zonal shift on: applies the add-on and all six controller policies", (t) => {
    const s = stacks()["pod-identity"].stack;
    assert.equal(s.data.aws_eks_addon, undefined, "install manages the add-on instead of looking it up");
    assert.equal(s.resource.aws_iam_service_linked_role, undefined, "no spot pool, no Spot role");
    assert.equal(Object.keys(s.resource.aws_iam_policy).length, 6);
    passes(t, "pod-identity", 1);
  });
});

describe("terraform test: the charts stack's plan-time checks (mock aws provider, real schema)", () => {
  it("zonal shift asked for on a cluster without it fails the plan before Karpenter could panic; with it, the plan passes", (t) => {
    passes(t, "charts", 2);
  });
});

describe("terraform test: the EFA security group check (mock aws provider, real schema)", () => {
  it("warns when the nodes' security group lacks the all-traffic self rule in either direction; quiet with both", (t) => {
    passes(t, "efa-egress-missing", 1);
    passes(t, "efa-both", 1);
    const both = outcome(t, "efa-both");
    if (both) assert.doesNotMatch(both.output, /do not allow all traffic/, "with both rules the check stays quiet");
  });
});

describe("terraform test: discovery never takes a tag away (mock aws provider, real schema)", () => {
  it("tag mode stops at another cluster's value, existing mode at a missing tag, token lists at a malformed ID; clean inputs apply", (t) => {
    passes(t, "discovery", 4);
  });
});
