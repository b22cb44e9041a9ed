import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KarpenterControllerIam } from "../../modules/aws/controller-iam.js";
import { at, errorOf, ofType, placeholders, synthStack, type Synth } from "../helpers.js";

const NODE_ROLE_ARN = "arn:aws:iam::111122223333:role/KarpenterNodeRole-prod-cluster";
const QUEUE_ARN = "arn:aws:sqs:us-west-2:111122223333:Karpenter-prod-cluster";
const base = { clusterName: "prod-cluster", region: "us-west-2", nodeRoleArn: NODE_ROLE_ARN, interruptionQueueArn: QUEUE_ARN };

type Cond = { test: string; variable: string; values: string[] };
type Stmt = { sid: string; effect: string; actions: string[]; resources: string[]; condition?: Cond[] };
const c = (test: string, variable: string, ...values: string[]): Cond => ({ test, variable, values });

/**
 * Karpenter v1.14's getting-started CloudFormation template, restated here by hand: six managed
 * policies with these statements. PARTITION and ACCOUNT stand for data.aws_partition and
 * data.aws_caller_identity; the region is the configured one.
 */
const ec2 = (r: string, acct = "*") => `arn:PARTITION:ec2:us-west-2:${acct}:${r}`;
const taggable = ["fleet/*", "instance/*", "volume/*", "network-interface/*", "launch-template/*", "spot-instances-request/*"].map((r) => ec2(r));
const PROFILES = "arn:PARTITION:iam::ACCOUNT:instance-profile/*";
const CLUSTER_ARN = "arn:PARTITION:eks:us-west-2:ACCOUNT:cluster/prod-cluster";
const OWNED_RES = c("StringEquals", "aws:ResourceTag/kubernetes.io/cluster/prod-cluster", "owned");
const OWNED_REQ = c("StringEquals", "aws:RequestTag/kubernetes.io/cluster/prod-cluster", "owned");
const CLUSTER_TAG = c("StringEquals", "aws:RequestTag/eks:eks-cluster-name", "prod-cluster");
const POOL_RES = c("StringLike", "aws:ResourceTag/karpenter.sh/nodepool", "*");
const POOL_REQ = c("StringLike", "aws:RequestTag/karpenter.sh/nodepool", "*");
const CLASS_RES = c("StringLike", "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass", "*");
const CLASS_REQ = c("StringLike", "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass", "*");
const REGION_RES = c("StringEquals", "aws:ResourceTag/topology.kubernetes.io/region", "us-west-2");
const REGION_REQ = c("StringEquals", "aws:RequestTag/topology.kubernetes.io/region", "us-west-2");
const allow = (sid: string, actions: string[], resources: string[], condition?: Cond[]): Stmt =>
  condition ? { sid, effect: "Allow", actions, resources, condition } : { sid, effect: "Allow", actions, resources };

const UPSTREAM_V1_14: Record<string, Stmt[]> = {
  NodeLifecycle: [
    allow("AllowScopedEC2InstanceAccessActions", ["ec2:RunInstances", "ec2:CreateFleet"], [
      ec2("image/*", ""), ec2("snapshot/*", ""), ec2("security-group/*"), ec2("subnet/*"), ec2("capacity-reservation/*"), ec2("placement-group/*"),
    ]),
    allow("AllowScopedEC2LaunchTemplateAccessActions", ["ec2:RunInstances", "ec2:CreateFleet"], [ec2("launch-template/*")], [OWNED_RES, POOL_RES]),
    allow("AllowScopedEC2InstanceActionsWithTags", ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"], taggable, [OWNED_REQ, CLUSTER_TAG, POOL_REQ]),
    allow("AllowScopedResourceCreationTagging", ["ec2:CreateTags"], taggable, [
      OWNED_REQ, CLUSTER_TAG, c("StringEquals", "ec2:CreateAction", "RunInstances", "CreateFleet", "CreateLaunchTemplate"), POOL_REQ,
    ]),
    allow("AllowScopedResourceTagging", ["ec2:CreateTags"], [ec2("instance/*")], [
      OWNED_RES, POOL_RES, c("StringEqualsIfExists", "aws:RequestTag/eks:eks-cluster-name", "prod-cluster"),
      c("ForAllValues:StringEquals", "aws:TagKeys", "eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"),
    ]),
    allow("AllowScopedDeletion", ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"], [ec2("instance/*"), ec2("launch-template/*")], [OWNED_RES, POOL_RES]),
  ],
  IAMIntegration: [
    allow("AllowPassingInstanceRole", ["iam:PassRole"], [NODE_ROLE_ARN], [c("StringEquals", "iam:PassedToService", "ec2.amazonaws.com", "ec2.amazonaws.com.cn")]),
    allow("AllowScopedInstanceProfileCreationActions", ["iam:CreateInstanceProfile"], [PROFILES], [OWNED_REQ, CLUSTER_TAG, REGION_REQ, CLASS_REQ]),
    allow("AllowScopedInstanceProfileTagActions", ["iam:TagInstanceProfile"], [PROFILES], [
      OWNED_RES, REGION_RES, OWNED_REQ, CLUSTER_TAG, REGION_REQ, CLASS_RES, CLASS_REQ,
    ]),
    allow("AllowScopedInstanceProfileActions", ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"], [PROFILES], [
      OWNED_RES, REGION_RES, CLASS_RES,
    ]),
  ],
  EKSIntegration: [allow("AllowAPIServerEndpointDiscovery", ["eks:DescribeCluster"], [CLUSTER_ARN])],
  Interruption: [allow("AllowInterruptionQueueActions", ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"], [QUEUE_ARN])],
  ZonalShift: [
    allow("AllowZonalShiftStatusReadOnly", ["arc-zonal-shift:GetManagedResource"], ["*"], [c("StringEquals", "arc-zonal-shift:ResourceIdentifier", CLUSTER_ARN)]),
  ],
  ResourceDiscovery: [
    allow("AllowRegionalReadActions", [
      "ec2:DescribeCapacityReservations", "ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeInstanceStatus",
      "ec2:DescribeInstanceTypeOfferings", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplates", "ec2:DescribePlacementGroups",
      "ec2:DescribeSecurityGroups", "ec2:DescribeSpotPriceHistory", "ec2:DescribeSubnets",
    ], ["*"], [c("StringEquals", "aws:RequestedRegion", "us-west-2")]),
    allow("AllowSSMReadActions", ["ssm:GetParameter"], ["arn:PARTITION:ssm:us-west-2::parameter/aws/service/*"]),
    allow("AllowPricingReadActions", ["pricing:GetProducts"], ["*"]),
    allow("AllowUnscopedInstanceProfileListAction", ["iam:ListInstanceProfiles"], ["*"]),
    allow("AllowInstanceProfileReadActions", ["iam:GetInstanceProfile"], [PROFILES]),
  ],
};

function synthController(props: Partial<ConstructorParameters<typeof KarpenterControllerIam>[2]> = {}): Synth {
  return synthStack((stack) => new KarpenterControllerIam(stack, "controller", { ...base, ...props }));
}

function statementsOf(s: Synth, group: string): Stmt[] {
  const doc = at(s.data, "aws_iam_policy_document", `controller/${group}Document`);
  return placeholders(doc.statement) as Stmt[];
}

describe("KarpenterControllerIam", () => {
  // With zonal shift on, the role carries all six upstream policies.
  const s = synthController({ zonalShift: true });

  for (const group of Object.keys(UPSTREAM_V1_14)) {
    it(`${group} policy grants exactly upstream v1.14's statements`, () => {
      assert.deepEqual(statementsOf(s, group), UPSTREAM_V1_14[group]);
    });
  }

  it("by default leaves out the ZonalShift policy: Karpenter reads zonal shifts only when settings.enableZonalShift is on", () => {
    const plain = synthController();
    assert.deepEqual(
      Object.values(ofType(plain.resource, "aws_iam_policy")).map((p) => p.name).sort(),
      ["EKSIntegration", "IAMIntegration", "Interruption", "NodeLifecycle", "ResourceDiscovery"].map((g) => `KarpenterController${g}Policy-prod-cluster-us-west-2`),
    );
    assert.equal(Object.keys(ofType(plain.resource, "aws_iam_role_policy_attachment")).length, 5);
    assert.doesNotMatch(JSON.stringify(plain.data), /arc-zonal-shift/);
  });

  it("with zonalShift creates the six upstream-named managed policies, all attached to the controller role", () => {
    const policies = ofType(s.resource, "aws_iam_policy");
    assert.deepEqual(
      Object.values(policies).map((p) => p.name).sort(),
      Object.keys(UPSTREAM_V1_14).map((g) => `KarpenterController${g}Policy-prod-cluster-us-west-2`).sort(),
    );
    const attachments = Object.values(ofType(s.resource, "aws_iam_role_policy_attachment"));
    assert.equal(attachments.length, 6);
    for (const a of attachments) assert.match(String(a.role), /aws_iam_role\.controller_role_\w+\.name/);
  });

  it("defaults to EKS Pod Identity: trust pods.eks.amazonaws.com and associate kube-system/karpenter", () => {
    const role = at(s.resource, "aws_iam_role", "controller/role");
    assert.equal(role.name, "KarpenterController-prod-cluster-us-west-2");
    const trust = at(s.data, "aws_iam_policy_document", "controller/assumeRolePolicy");
    assert.deepEqual(trust.statement, [
      { effect: "Allow", actions: ["sts:AssumeRole", "sts:TagSession"], resources: [], principals: [{ type: "Service", identifiers: ["pods.eks.amazonaws.com"] }] },
    ]);
    const assoc = at(s.resource, "aws_eks_pod_identity_association", "controller/podIdentityAssociation");
    assert.equal(assoc.cluster_name, "prod-cluster");
    assert.equal(assoc.namespace, "kube-system");
    assert.equal(assoc.service_account, "karpenter");
    assert.match(String(assoc.role_arn), /aws_iam_role\.controller_role_\w+\.arn/);
  });

  it("with IRSA trusts the OIDC provider for the service account and audience, and creates no association", () => {
    const oidc = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABCDEF";
    const irsa = synthController({ identity: { type: "irsa", oidcProviderArn: oidc }, namespace: "karpenter", serviceAccount: "ctrl" });
    const trust = at(irsa.data, "aws_iam_policy_document", "controller/assumeRolePolicy");
    assert.deepEqual(trust.statement, [
      {
        effect: "Allow",
        actions: ["sts:AssumeRoleWithWebIdentity"],
        resources: [],
        principals: [{ type: "Federated", identifiers: [oidc] }],
        condition: [
          c("StringEquals", "oidc.eks.us-west-2.amazonaws.com/id/ABCDEF:sub", "system:serviceaccount:karpenter:ctrl"),
          c("StringEquals", "oidc.eks.us-west-2.amazonaws.com/id/ABCDEF:aud", "sts.amazonaws.com"),
        ],
      },
    ]);
    assert.deepEqual(ofType(irsa.resource, "aws_eks_pod_identity_association"), {});
  });

  it("adds kms:Decrypt on the queue key, and only that, when the queue uses a customer KMS key", () => {
    const key = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const withKms = synthController({ interruptionQueueKmsKeyArn: key });
    assert.deepEqual(statementsOf(withKms, "Interruption"), [
      ...UPSTREAM_V1_14.Interruption,
      allow("AllowInterruptionQueueDecrypt", ["kms:Decrypt"], [key]),
    ]);
  });

  it("passes a custom role name and permissions boundary through", () => {
    const custom = synthController({ roleName: "karpenter-ctrl", permissionsBoundaryArn: "arn:aws:iam::111122223333:policy/boundary" });
    const role = at(custom.resource, "aws_iam_role", "controller/role");
    assert.equal(role.name, "karpenter-ctrl");
    assert.equal(role.permissions_boundary, "arn:aws:iam::111122223333:policy/boundary");
  });

  it("takes policy names by group, the rest keeping the default", () => {
    const named = synthController({ policyNames: { NodeLifecycle: "KarpenterControllerNodeLifecyclePolicy-prod-cluster" } });
    assert.equal(at(named.resource, "aws_iam_policy", "controller/NodeLifecyclePolicy").name, "KarpenterControllerNodeLifecyclePolicy-prod-cluster");
    assert.equal(at(named.resource, "aws_iam_policy", "controller/InterruptionPolicy").name, "KarpenterControllerInterruptionPolicy-prod-cluster-us-west-2");
  });

  it("attaches additional managed policies under their keys and adds statements as one inline policy", () => {
    const extra = synthController({
      additionalPolicyArns: { ssmRead: "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess" },
      additionalPolicyStatements: [
        { actions: ["ec2:DescribeCapacityBlockOfferings"], resources: ["*"] },
        { effect: "Deny", actions: ["ec2:RunInstances"], resources: ["arn:aws:ec2:*:*:instance/*"], conditions: [{ test: "StringNotEquals", variable: "aws:PrincipalTag/team", values: ["$${aws:username}"] }] },
      ],
    });
    assert.equal(at(extra.resource, "aws_iam_role_policy_attachment", "controller/additional-ssmRead").policy_arn, "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess");
    const inline = at(extra.resource, "aws_iam_role_policy", "controller/additionalPolicy");
    assert.equal(inline.name, "additional");
    assert.match(String(inline.role), /aws_iam_role\.controller_role_\w+\.id/);
    assert.deepEqual(at(extra.data, "aws_iam_policy_document", "controller/additionalDocument").statement, [
      { effect: "Allow", actions: ["ec2:DescribeCapacityBlockOfferings"], resources: ["*"] },
      { effect: "Deny", actions: ["ec2:RunInstances"], resources: ["arn:aws:ec2:*:*:instance/*"], condition: [{ test: "StringNotEquals", variable: "aws:PrincipalTag/team", values: ["$${aws:username}"] }] },
    ]);
    assert.deepEqual(ofType(synthController({}).resource, "aws_iam_role_policy"), {});
  });

  it("names each bad additional statement field, bad policy names and IAM's inline size quota in one error", () => {
    const message = errorOf(() =>
      synthController({
        policyNames: { Interruption: "bad name" },
        additionalPolicyArns: { x: "not-an-arn" },
        additionalPolicyStatements: [
          { actions: ["ec2 DescribeImages"], resources: ["bucket"], conditions: [{ test: "StringEqual", variable: "team", values: [] }] },
          { actions: [], resources: [] },
        ],
      }),
    );
    for (const line of [
      /- policyNames\.Interruption: must be an IAM policy name: 1-128 letters, digits or any of "\+=,\.@_-" \(got "bad name"\)/,
      /- additionalPolicyArns\.x: must be an IAM policy ARN/,
      /- additionalPolicyStatements\[0\]\.actions\[0\]: must be an IAM action "<service>:<Action>" \(wildcards \* and \? allowed\) or "\*" \(got "ec2 DescribeImages"\)/,
      /- additionalPolicyStatements\[0\]\.resources\[0\]: must be a resource ARN/,
      /- additionalPolicyStatements\[0\]\.conditions\[0\]\.test: must be an IAM condition operator .*\(got "StringEqual"\)/,
      /- additionalPolicyStatements\[0\]\.conditions\[0\]\.variable: must be a condition key/,
      /- additionalPolicyStatements\[0\]\.conditions\[0\]\.values: must list at least one value/,
      /- additionalPolicyStatements\[1\]\.actions: must list at least one action/,
    ]) {
      assert.match(message, line);
    }
    const big = errorOf(() => synthController({ additionalPolicyStatements: [{ actions: ["s3:GetObject"], resources: Array.from({ length: 400 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`) }] }));
    assert.match(big, /- additionalPolicyStatements: make a policy of about \d+ characters; IAM allows 10240 in a role's inline policies/);
  });

  it("names every bad prop in one error", () => {
    const message = errorOf(() =>
      synthController({ roleName: "x".repeat(65), region: "uswest2", identity: { type: "irsa", oidcProviderArn: "oidc" } }),
    );
    assert.match(message, /KarpenterControllerIam at 'test\/controller' has invalid props:/);
    assert.match(message, /- region: must be an AWS region code such as "us-west-2" \(got "uswest2"\)/);
    assert.match(message, /- roleName: IAM role names are limited to 64 characters; "x{65}" has 65\. Set a shorter name explicitly/);
    assert.match(message, /- identity\.oidcProviderArn: must be an IAM OIDC provider ARN/);
  });
});
