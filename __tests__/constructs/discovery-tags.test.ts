import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DiscoveryTags } from "../../modules/aws/discovery-tags.js";
import { errorOf, ofType, synthStack } from "../helpers.js";

const SUBNETS = ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"];
const SG = "sg-0c3d4e5f607182930";

describe("DiscoveryTags", () => {
  it("tags each subnet and the security group with karpenter.sh/discovery=<cluster>, addressed by resource ID", () => {
    const s = synthStack((stack) => new DiscoveryTags(stack, "discovery", { clusterName: "prod-cluster", subnetIds: SUBNETS, securityGroupIds: [SG] }));
    assert.deepEqual(ofType(s.resource, "aws_ec2_tag"), {
      [`discovery_${SUBNETS[0]}`]: { resource_id: SUBNETS[0], key: "karpenter.sh/discovery", value: "prod-cluster" },
      [`discovery_${SUBNETS[1]}`]: { resource_id: SUBNETS[1], key: "karpenter.sh/discovery", value: "prod-cluster" },
      [`discovery_${SG}`]: { resource_id: SG, key: "karpenter.sh/discovery", value: "prod-cluster" },
    });
    assert.equal(Object.keys(s.resource).length, 1, "no other resource: the module does not own subnets or security groups");
  });

  it("keeps each tag's address when the subnet list is reordered", () => {
    const keys = (ids: string[]) =>
      Object.keys(synthStack((stack) => new DiscoveryTags(stack, "d", { clusterName: "c", subnetIds: ids, securityGroupIds: [SG] })).resource.aws_ec2_tag).sort();
    assert.deepEqual(keys(SUBNETS), keys([...SUBNETS].reverse()));
  });

  it("refuses a second security group unless allowMultipleSecurityGroups is set", () => {
    const sgs = [SG, "sg-0123456789abcdef0"];
    const message = errorOf(() => synthStack((stack) => new DiscoveryTags(stack, "d", { clusterName: "c", subnetIds: SUBNETS, securityGroupIds: sgs })));
    assert.match(message, /- securityGroupIds: lists 2 security groups, but more than one security group carrying the discovery tag breaks load balancers \(terraform-aws-eks#3096\)\. Keep one, or set allowMultipleSecurityGroups: true/);
    const s = synthStack((stack) => new DiscoveryTags(stack, "d", { clusterName: "c", subnetIds: SUBNETS, securityGroupIds: sgs, allowMultipleSecurityGroups: true }));
    assert.equal(Object.keys(s.resource.aws_ec2_tag).length, 4);
  });

  it("names every bad ID, empty list and duplicate in one error", () => {
    const message = errorOf(() =>
      synthStack((stack) => new DiscoveryTags(stack, "d", { clusterName: "-bad", subnetIds: ["subnet-1", SUBNETS[0], SUBNETS[0]], securityGroupIds: [] })),
    );
    assert.match(message, /^DiscoveryTags at 'test\/d' has invalid props:/);
    assert.match(message, /- clusterName: must be an EKS cluster name/);
    assert.match(message, /- subnetIds: lists "subnet-0a1b2c3d4e5f60718" more than once/);
    assert.match(message, /- subnetIds\[0\]: must be a subnet ID such as "subnet-0123456789abcdef0" \(got "subnet-1"\)/);
    assert.match(message, /- securityGroupIds: must list at least one security group ID/);
  });
});
