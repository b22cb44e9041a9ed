/**
 * Where users live: two clusters on one VPC, one cluster name in two regions, a VPC module that
 * already tags, a cluster set up with Karpenter's getting-started CloudFormation, a deployment
 * that keeps its previous names. The configurations are the README's own blocks (marked
 * `<!-- config: NAME -->`), so the advice is what is tested.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { parseConfig } from "../../modules/config/parse.js";
import { type KarpenterGpuConfigInput } from "../../modules/config/schema.js";
import { CONTROLLER_POLICY_GROUPS } from "../../modules/core/names.js";
import { buildStacks } from "../../modules/stacks/app.js";
import { configInput, newApp, ofType, ROOT, synthOf, type Synth } from "../helpers.js";

/** The README and the pages of docs/: the advice users read. */
const DOCS = [join(ROOT, "README.md"), ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => join(ROOT, "docs", f))].map((f) => readFileSync(f, "utf8")).join("\n");

/** The YAML block after `<!-- config: name -->` in the README or a page of docs/ (indented blocks included). */
function readmeConfig(name: string): Partial<KarpenterGpuConfigInput> {
  const match = new RegExp(`<!-- config: ${name} -->\\n( *)\`\`\`yaml\\n([\\s\\S]*?)\\n\\1\`\`\``).exec(DOCS);
  assert.ok(match, `neither the README nor docs/ has a block <!-- config: ${name} -->`);
  const indent = match[1].length;
  return parse(match[2].split("\n").map((line) => line.slice(indent)).join("\n"));
}

interface Built {
  readonly aws: Synth;
  readonly charts: Synth;
  readonly nodePools: Synth;
}

function build(overrides: Partial<KarpenterGpuConfigInput>): Built {
  const stacks = buildStacks(newApp(), parseConfig(configInput(overrides)));
  return { aws: synthOf(stacks.aws), charts: synthOf(stacks.charts), nodePools: synthOf(stacks.nodePools) };
}

/** Every name the AWS stack gives an account- or region-wide resource, by kind. */
function names(s: Synth): Record<string, string[]> {
  const of = (type: string) => Object.values(ofType(s.resource, type)).map((r) => String(r.name)).sort();
  return { role: of("aws_iam_role"), policy: of("aws_iam_policy"), queue: of("aws_sqs_queue"), rule: of("aws_cloudwatch_event_rule") };
}

const allNames = (s: Synth) => Object.values(names(s)).flat();

function nodeClassSpecs(s: Synth): any[] {
  return Object.values(ofType(s.resource, "kubernetes_manifest")).map((m: any) => m.manifest).filter((m) => m.kind === "EC2NodeClass").map((m) => m.spec);
}

/** Karpenter's getting-started CloudFormation names (v1.14.1 template), for cluster `c`. */
function gettingStartedNames(c: string): string[] {
  return [`KarpenterNodeRole-${c}`, ...CONTROLLER_POLICY_GROUPS.map((g) => `KarpenterController${g}Policy-${c}`), c];
}

describe("estates: other clusters, other regions, existing IAM", () => {
  it("one cluster name in two regions shares no IAM, queue or rule name, and the chart reads its own region's queue", () => {
    const west = build({ region: "us-west-2", karpenter: { zonalShift: true } });
    const east = build({ region: "eu-west-1", karpenter: { zonalShift: true } });
    const shared = allNames(west.aws).filter((n) => allNames(east.aws).includes(n));
    assert.deepEqual(shared, []);
    assert.deepEqual(names(west.aws).role, ["KarpenterController-prod-cluster-us-west-2", "KarpenterNodeRole-prod-cluster-us-west-2"]);
    assert.equal(names(west.aws).policy.length, 6);
    assert.equal(names(west.aws).rule.length, 5);
    const queueSetting = (s: Synth) => String(Object.values(ofType(s.resource, "helm_release")).find((r: any) => r.chart === "karpenter")?.values).match(/"interruptionQueue": "([^"]+)"/)?.[1];
    assert.equal(queueSetting(east.charts), names(east.aws).queue[0]);
    // Nor any name of a getting-started CloudFormation stack for the same cluster.
    assert.deepEqual(allNames(west.aws).filter((n) => gettingStartedNames("prod-cluster").includes(n)), []);
  });

  it("two clusters on one VPC in mode ids (the README's blocks): no tag written, each class selects the shared subnets by ID", () => {
    const blue = build(readmeConfig("two-clusters-blue"));
    const green = build(readmeConfig("two-clusters-green"));
    for (const [cluster, s] of [["blue", blue], ["green", green]] as const) {
      assert.deepEqual(ofType(s.aws.resource, "aws_ec2_tag"), {}, `${cluster} writes no tag`);
      assert.equal(Object.keys(ofType(s.aws.data, "aws_subnet")).length, 2, `${cluster} still looks its subnets up`);
      const [spec] = nodeClassSpecs(s.nodePools);
      assert.deepEqual(spec.subnetSelectorTerms, [{ id: "subnet-0a1b2c3d4e5f60718" }, { id: "subnet-0b2c3d4e5f6071829" }]);
    }
    assert.deepEqual(nodeClassSpecs(blue.nodePools)[0].securityGroupSelectorTerms, [{ id: "sg-0c3d4e5f607182930" }]);
    assert.deepEqual(nodeClassSpecs(green.nodePools)[0].securityGroupSelectorTerms, [{ id: "sg-0123456789abcdef0" }]);
    assert.deepEqual(allNames(blue.aws).filter((n) => allNames(green.aws).includes(n)), []);
  });

  it("in tag mode, each cluster would check before it writes: the second would stop at the first's value", () => {
    const blue = build({ ...readmeConfig("two-clusters-blue"), discovery: { ...readmeConfig("two-clusters-blue").discovery!, mode: "tag" } });
    const lookups = Object.values(ofType(blue.aws.data, "aws_subnet")) as any[];
    assert.equal(lookups.length, 2);
    for (const lookup of lookups) assert.match(lookup.lifecycle.postcondition[0].condition, /contains\(\["", "blue"\]/);
  });

  it("a VPC module's tags (the README's block): nothing written, each tag required at plan", () => {
    const s = build(readmeConfig("vpc-module"));
    assert.deepEqual(ofType(s.aws.resource, "aws_ec2_tag"), {});
    const lookups = [...Object.values(ofType(s.aws.data, "aws_subnet")), ...Object.values(ofType(s.aws.data, "aws_security_group"))] as any[];
    assert.equal(lookups.length, 3);
    for (const lookup of lookups) assert.equal(lookup.lifecycle.postcondition[0].condition, '${lookup(self.tags, "karpenter.sh/discovery", "") == "prod-cluster"}');
    assert.deepEqual(nodeClassSpecs(s.nodePools)[0].subnetSelectorTerms, [{ tags: { "karpenter.sh/discovery": "prod-cluster" } }]);
  });

  it("a getting-started CloudFormation cluster (the README's advice): its node role kept, nothing created under its names", () => {
    const s = build(readmeConfig("getting-started"));
    assert.deepEqual(nodeClassSpecs(s.nodePools).map((spec) => spec.role), ["KarpenterNodeRole-prod-cluster"], "running nodes do not drift");
    const entries = Object.values(ofType(s.aws.resource, "aws_eks_access_entry"));
    assert.deepEqual(entries.map((e) => e.principal_arn), ["arn:aws:iam::111122223333:role/KarpenterNodeRole-prod-cluster"], "an access entry for the kept role (the guide only mapped it in aws-auth)");
    assert.deepEqual(allNames(s.aws).filter((n) => gettingStartedNames("prod-cluster").includes(n)), [], "no EntityAlreadyExists");
    assert.deepEqual(names(s.aws).role, ["KarpenterController-prod-cluster-us-west-2"]);
  });

  it("keeping the previous names (the README's upgrade block) gives exactly the names of the earlier release", () => {
    const s = build({ ...readmeConfig("previous-names"), karpenter: { zonalShift: true } });
    assert.deepEqual(names(s.aws), {
      role: ["KarpenterController-prod-cluster", "KarpenterNodeRole-prod-cluster"],
      policy: CONTROLLER_POLICY_GROUPS.map((g) => `KarpenterController${g}Policy-prod-cluster`).sort(),
      queue: ["Karpenter-prod-cluster"],
      rule: ["CapacityReservationInterrupt", "HealthEvent", "InstanceStateChange", "Rebalance", "SpotInterrupt"].map((e) => `Karpenter${e}-prod-cluster`),
    });
  });

  it("the controller's extra permissions (the README's upgrade block) reach the controller role", () => {
    const s = build(readmeConfig("controller-extra"));
    const inline = Object.values(ofType(s.aws.resource, "aws_iam_role_policy"));
    assert.equal(inline.length, 1);
    assert.match(String(inline[0].role), /aws_iam_role\.karpenter_controller_role_\w+\.id/);
    const doc = Object.entries(ofType(s.aws.data, "aws_iam_policy_document")).find(([k]) => k.includes("additionalDocument"))?.[1] as any;
    assert.deepEqual(doc.statement[0].actions, ["ec2:DescribeCapacityBlockOfferings"]);
    const attachment = Object.entries(ofType(s.aws.resource, "aws_iam_role_policy_attachment")).find(([k]) => k.includes("additional-readOnlySsm"))?.[1];
    assert.equal(attachment?.policy_arn, "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess");
  });
});

describe("the README's escape-hatch example", () => {
  it("synthesizes, with the hatch's fields in the manifests", () => {
    const s = build({ ...readmeConfig("hatch") });
    const [spec] = nodeClassSpecs(s.nodePools);
    assert.deepEqual(spec.amiSelectorTerms, [{ tags: { team: "ml", hardened: "true" } }]);
    assert.deepEqual(spec.blockDeviceMappings.map((d: { deviceName: string }) => d.deviceName), ["/dev/xvda", "/dev/xvdb"]);
    assert.match(spec.userData, /mount-datasets/);
  });
});
