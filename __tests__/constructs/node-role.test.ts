import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KarpenterNodeRole } from "../../modules/aws/node-role.js";
import { at, errorOf, ofType, placeholders, synthStack } from "../helpers.js";

describe("KarpenterNodeRole", () => {
  const s = synthStack((stack) => new KarpenterNodeRole(stack, "nodeRole", { clusterName: "prod-cluster", region: "us-west-2" }));

  it("creates KarpenterNodeRole-<cluster>-<region> trusted by the EC2 service principal of the partition", () => {
    assert.equal(at(s.resource, "aws_iam_role", "nodeRole/role").name, "KarpenterNodeRole-prod-cluster-us-west-2");
    const trust = at(s.data, "aws_iam_policy_document", "nodeRole/assumeRolePolicy");
    assert.deepEqual(placeholders(trust.statement), [
      { effect: "Allow", actions: ["sts:AssumeRole"], resources: [], principals: [{ type: "Service", identifiers: ["ec2.DNS_SUFFIX"] }] },
    ]);
  });

  it("attaches the four node policies with partition-aware ARNs", () => {
    const arns = Object.values(ofType(s.resource, "aws_iam_role_policy_attachment")).map((a) => placeholders(a.policy_arn));
    assert.deepEqual(arns.sort(), [
      "arn:PARTITION:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
      "arn:PARTITION:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:PARTITION:iam::aws:policy/AmazonEKS_CNI_Policy",
      "arn:PARTITION:iam::aws:policy/AmazonSSMManagedInstanceCore",
    ]);
  });

  it("lets nodes join through an EC2_LINUX access entry (no aws-auth)", () => {
    const entry = at(s.resource, "aws_eks_access_entry", "nodeRole/accessEntry");
    assert.equal(entry.type, "EC2_LINUX");
    assert.equal(entry.cluster_name, "prod-cluster");
    assert.match(String(entry.principal_arn), /^\$\{aws_iam_role\.nodeRole_role_\w+\.arn\}$/);
  });

  it("uses an existing role: no role or attachments, name taken from the ARN, access entry kept unless turned off", () => {
    const arn = "arn:aws:iam::111122223333:role/platform/gpu-nodes";
    let role: KarpenterNodeRole | undefined;
    const existing = synthStack((stack) => (role = new KarpenterNodeRole(stack, "nodeRole", { clusterName: "c", region: "us-west-2", existingRoleArn: arn })));
    assert.equal(role?.roleName, "gpu-nodes");
    assert.equal(role?.role, undefined);
    assert.deepEqual(ofType(existing.resource, "aws_iam_role"), {});
    assert.deepEqual(ofType(existing.resource, "aws_iam_role_policy_attachment"), {});
    assert.equal(at(existing.resource, "aws_eks_access_entry", "nodeRole/accessEntry").principal_arn, arn);
    const noEntry = synthStack((stack) => new KarpenterNodeRole(stack, "nodeRole", { clusterName: "c", region: "us-west-2", existingRoleArn: arn, createAccessEntry: false }));
    assert.equal(noEntry.resource, undefined);
  });

  it("attaches additional policies under their keys and applies a permissions boundary", () => {
    const extra = synthStack(
      (stack) =>
        new KarpenterNodeRole(stack, "nodeRole", {
          clusterName: "c",
          region: "us-west-2",
          additionalPolicyArns: { s3Read: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" },
          permissionsBoundaryArn: "arn:aws:iam::111122223333:policy/boundary",
        }),
    );
    assert.equal(at(extra.resource, "aws_iam_role_policy_attachment", "nodeRole/additional-s3Read").policy_arn, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess");
    assert.equal(at(extra.resource, "aws_iam_role", "nodeRole/role").permissions_boundary, "arn:aws:iam::111122223333:policy/boundary");
  });

  it("cuts a long default name to IAM's 64 characters with a hash of cluster and region, and rejects a given name over 64", () => {
    const name = (clusterName: string, region: string) =>
      String(at(synthStack((stack) => new KarpenterNodeRole(stack, "nodeRole", { clusterName, region })).resource, "aws_iam_role", "nodeRole/role").name);
    const long = "c".repeat(100);
    const [west, east] = [name(long, "us-west-2"), name(long, "us-east-1")];
    assert.equal(west.length, 64);
    assert.match(west, /^KarpenterNodeRole-c+-[0-9a-f]{8}$/);
    assert.notEqual(west, east);
    const message = errorOf(() => synthStack((stack) => new KarpenterNodeRole(stack, "nodeRole", { clusterName: "c", region: "us-west-2", roleName: "r".repeat(65) })));
    assert.match(message, /- roleName: IAM role names are limited to 64 characters; "r{65}" has 65\. Set a shorter name explicitly/);
  });

  it("rejects created-role settings combined with an existing role", () => {
    const message = errorOf(() =>
      synthStack((stack) => new KarpenterNodeRole(stack, "n", { clusterName: "c", region: "us-west-2", existingRoleArn: "arn:aws:iam::111122223333:role/r", roleName: "x" })),
    );
    assert.match(message, /- roleName: applies only to a created role; remove it, or remove existingRoleArn/);
  });
});
