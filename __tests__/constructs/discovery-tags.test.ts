import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets/index.js";
import { TerraformVariable } from "cdktf";
import { DiscoveryTags } from "../../modules/aws/discovery-tags.js";
import { at, errorOf, ofType, synthStack } from "../helpers.js";

const SUBNETS = ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"];
const SG = "sg-0c3d4e5f607182930";
const TAG = "karpenter.sh/discovery";

describe("DiscoveryTags", () => {
  it("mode tag: tags each subnet and the security group after looking it up, addressed by resource ID", () => {
    const s = synthStack((stack) => new DiscoveryTags(stack, "discovery", { clusterName: "prod-cluster", subnetIds: SUBNETS, securityGroupIds: [SG] }));
    const tags = ofType(s.resource, "aws_ec2_tag");
    assert.deepEqual(Object.keys(tags).sort(), [`discovery_${SG}`, `discovery_${SUBNETS[0]}`, `discovery_${SUBNETS[1]}`]);
    for (const id of [...SUBNETS, SG]) {
      const { depends_on, ...tag } = tags[`discovery_${id}`] as Record<string, unknown>;
      assert.deepEqual(tag, { resource_id: id, key: TAG, value: "prod-cluster" });
      const type = id.startsWith("sg-") ? "aws_security_group" : "aws_subnet";
      assert.match(String((depends_on as string[])[0]), new RegExp(`^data\\.${type}\\.discovery_lookup_${id}_\\w+$`), "the lookup reads the tag before this stack writes it");
    }
    assert.deepEqual(Object.keys(s.resource), ["aws_ec2_tag"], "no other resource: the module does not own subnets or security groups");
  });

  it("mode tag: the lookup fails the plan when another cluster's value is there, and passes on none or this cluster's", () => {
    const s = synthStack((stack) => new DiscoveryTags(stack, "d", { clusterName: "prod-cluster", subnetIds: SUBNETS, securityGroupIds: [SG] }));
    const [check] = (at(s.data, "aws_subnet", `d/lookup/${SUBNETS[0]}`).lifecycle as any).postcondition;
    assert.equal(check.condition, `\${contains(["", "prod-cluster"], lookup(self.tags, "${TAG}", ""))}`);
    assert.match(check.error_message, /^Subnet \$\{self\.id\} already carries karpenter\.sh\/discovery=\$\{lookup\(self\.tags, "karpenter\.sh\/discovery", ""\)\}: another cluster discovers it\./);
    assert.match(check.error_message, /use discovery mode "ids"/);
    const [sgCheck] = (at(s.data, "aws_security_group", `d/lookup/${SG}`).lifecycle as any).postcondition;
    assert.match(sgCheck.error_message, /^Security group \$\{self\.id\} already carries/);
  });

  it("mode existing: writes no tag and requires this cluster's value on every subnet and security group", () => {
    const s = synthStack((stack) => new DiscoveryTags(stack, "d", { clusterName: "prod-cluster", subnetIds: SUBNETS, securityGroupIds: [SG], mode: "existing" }));
    assert.equal(s.resource, undefined, "nothing to destroy: the VPC module keeps its tags");
    for (const [type, id] of [["aws_subnet", SUBNETS[0]], ["aws_subnet", SUBNETS[1]], ["aws_security_group", SG]]) {
      const [check] = (at(s.data, type, `d/lookup/${id}`).lifecycle as any).postcondition;
      assert.equal(check.condition, `\${lookup(self.tags, "${TAG}", "") == "prod-cluster"}`);
      assert.match(check.error_message, /does not carry karpenter\.sh\/discovery=prod-cluster .*private_subnet_tags/);
    }
  });

  it("mode ids: writes no tag, checks only that the resources exist, and gives id selector terms", () => {
    let d: DiscoveryTags | undefined;
    const s = synthStack((stack) => (d = new DiscoveryTags(stack, "d", { clusterName: "prod-cluster", subnetIds: SUBNETS, securityGroupIds: [SG], mode: "ids" })));
    assert.equal(s.resource, undefined);
    assert.deepEqual(Object.keys(ofType(s.data, "aws_subnet")).length, 2);
    assert.equal((at(s.data, "aws_subnet", `d/lookup/${SUBNETS[0]}`) as any).lifecycle, undefined);
    assert.deepEqual(d?.subnetSelectorTerms, SUBNETS.map((id) => ({ id })));
    assert.deepEqual(d?.securityGroupSelectorTerms, [{ id: SG }]);
    const tagged = new DiscoveryTags(synthStackScope(), "t", { clusterName: "c", subnetIds: SUBNETS, securityGroupIds: [SG] });
    assert.deepEqual(tagged.subnetSelectorTerms, [{ tags: { [TAG]: "c" } }]);
  });

  it("keeps each tag's address when the subnet list is reordered", () => {
    const keys = (ids: string[]) =>
      Object.keys(synthStack((stack) => new DiscoveryTags(stack, "d", { clusterName: "c", subnetIds: ids, securityGroupIds: [SG] })).resource.aws_ec2_tag).sort();
    assert.deepEqual(keys(SUBNETS), keys([...SUBNETS].reverse()));
  });

  it("takes token lists: for_each over the IDs, each checked at plan (prefix, and one security group) and tagged after its lookup", () => {
    const s = synthStack((stack) => {
      const subnets = new DataAwsSubnets(stack, "private", { filter: [{ name: "tag:tier", values: ["private"] }] });
      const sg = new TerraformVariable(stack, "node_sg", { type: "list(string)" });
      new DiscoveryTags(stack, "d", { clusterName: "c", subnetIds: subnets.ids, securityGroupIds: sg.listValue });
    });
    const lookup = at(s.data, "aws_subnet", "d/lookup/subnetIds") as any;
    assert.equal(lookup.for_each, "${toset(data.aws_subnets.private.ids)}");
    assert.equal(lookup.id, "${each.value}");
    assert.deepEqual(lookup.lifecycle.precondition, [
      { condition: '${can(regex("^subnet-([0-9a-f]{8}|[0-9a-f]{17})$", each.value))}', error_message: 'DiscoveryTags subnetIds: must be a subnet ID ("subnet-" and 8 or 17 hex digits) (got "${each.value}").' },
    ]);
    const tag = at(s.resource, "aws_ec2_tag", "d/subnetIds") as any;
    assert.deepEqual([tag.for_each, tag.resource_id], ["${toset(data.aws_subnets.private.ids)}", "${each.value}"]);
    assert.match(tag.depends_on[0], /^data\.aws_subnet\.d_lookup_subnetIds_\w+$/);
    const count = at(s.resource, "terraform_data", "d/securityGroupCount") as any;
    assert.equal(count.lifecycle.precondition[0].condition, "${length(var.node_sg) == 1}");
    assert.match(count.lifecycle.precondition[0].error_message, /^DiscoveryTags securityGroupIds: must list exactly one security group \(got \$\{length\(var\.node_sg\)\}\)/);
  });

  it("refuses a second security group unless allowMultipleSecurityGroups is set", () => {
    const sgs = [SG, "sg-0123456789abcdef0"];
    const message = errorOf(() => synthStack((stack) => new DiscoveryTags(stack, "d", { clusterName: "c", subnetIds: SUBNETS, securityGroupIds: sgs })));
    assert.match(message, /- securityGroupIds: lists 2 security groups, but more than one security group carrying the discovery tag breaks load balancers \(terraform-aws-eks#3096\)\. Keep one, or set allowMultipleSecurityGroups: true/);
    const s = synthStack((stack) => new DiscoveryTags(stack, "d", { clusterName: "c", subnetIds: SUBNETS, securityGroupIds: sgs, allowMultipleSecurityGroups: true }));
    assert.equal(Object.keys(s.resource.aws_ec2_tag).length, 4);
  });

  it("names every bad ID, empty list, duplicate and unknown mode in one error", () => {
    const message = errorOf(() =>
      synthStack((stack) => new DiscoveryTags(stack, "d", { clusterName: "-bad", subnetIds: ["subnet-1", SUBNETS[0], SUBNETS[0]], securityGroupIds: [], mode: "tags" as never })),
    );
    assert.match(message, /^DiscoveryTags at 'test\/d' has invalid props:/);
    assert.match(message, /- clusterName: must be an EKS cluster name/);
    assert.match(message, /- mode: must be one of tag, existing, ids \(got "tags"\)/);
    assert.match(message, /- subnetIds: lists "subnet-0a1b2c3d4e5f60718" more than once/);
    assert.match(message, /- subnetIds\[0\]: must be a subnet ID such as "subnet-0123456789abcdef0" \(got "subnet-1"\)/);
    assert.match(message, /- securityGroupIds: must list at least one security group ID/);
  });
});

function synthStackScope() {
  let scope: any;
  synthStack((stack) => (scope = stack));
  return scope;
}
