import { boundedName } from "../core/names.js";
import { condition, type PolicyStatement } from "./policy.js";

/** What the controller's permissions are scoped to. Values may be Terraform tokens. */
export interface ControllerPolicyScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly clusterName: string;
  /** ARN of the node role: the only role the controller may pass to EC2. */
  readonly nodeRoleArn: string;
  /** ARN of the interruption queue the controller reads. */
  readonly queueArn: string;
  /** ARN of the customer KMS key that encrypts the queue, if any. */
  readonly queueKmsKeyArn?: string;
}

/** The six policies of Karpenter's getting-started template, in its order. */
export const CONTROLLER_POLICY_GROUPS = [
  "NodeLifecycle",
  "IAMIntegration",
  "EKSIntegration",
  "Interruption",
  "ZonalShift",
  "ResourceDiscovery",
] as const;
export type ControllerPolicyGroup = (typeof CONTROLLER_POLICY_GROUPS)[number];

/** The name of a controller policy: upstream's, with a hash for long cluster names (IAM allows 128 characters). */
export function controllerPolicyNameFor(group: ControllerPolicyGroup, clusterName: string): string {
  return boundedName(`KarpenterController${group}Policy-`, clusterName, 128);
}

/**
 * The Karpenter v1.14 controller's permissions, grouped as in the upstream getting-started
 * CloudFormation template: the same actions, resources and scoping conditions. Every write
 * is scoped to resources tagged for this cluster (`kubernetes.io/cluster/<name>=owned`,
 * `eks:eks-cluster-name`) and to Karpenter's own tags (`karpenter.sh/nodepool`,
 * `karpenter.k8s.aws/ec2nodeclass`); reads are limited to the region.
 *
 * One addition: with a customer-managed KMS key on the queue, `kms:Decrypt` on that key,
 * without which ReceiveMessage on an SSE-KMS queue fails.
 *
 * @see https://karpenter.sh/docs/reference/cloudformation/
 */
export function controllerPolicyStatements(s: ControllerPolicyScope): Record<ControllerPolicyGroup, PolicyStatement[]> {
  const ec2 = (resource: string, account = "*") => `arn:${s.partition}:ec2:${s.region}:${account}:${resource}`;
  const instanceProfiles = `arn:${s.partition}:iam::${s.accountId}:instance-profile/*`;
  const clusterArn = `arn:${s.partition}:eks:${s.region}:${s.accountId}:cluster/${s.clusterName}`;
  const owned = (kind: "ResourceTag" | "RequestTag") =>
    condition("StringEquals", `aws:${kind}/kubernetes.io/cluster/${s.clusterName}`, "owned");
  const clusterNameTag = condition("StringEquals", "aws:RequestTag/eks:eks-cluster-name", s.clusterName);
  const anyNodePool = (kind: "ResourceTag" | "RequestTag") => condition("StringLike", `aws:${kind}/karpenter.sh/nodepool`, "*");
  const anyNodeClass = (kind: "ResourceTag" | "RequestTag") =>
    condition("StringLike", `aws:${kind}/karpenter.k8s.aws/ec2nodeclass`, "*");
  const inRegion = (kind: "ResourceTag" | "RequestTag") =>
    condition("StringEquals", `aws:${kind}/topology.kubernetes.io/region`, s.region);
  const taggableOnCreate = [
    ec2("fleet/*"),
    ec2("instance/*"),
    ec2("volume/*"),
    ec2("network-interface/*"),
    ec2("launch-template/*"),
    ec2("spot-instances-request/*"),
  ];

  return {
    NodeLifecycle: [
      {
        sid: "AllowScopedEC2InstanceAccessActions",
        actions: ["ec2:RunInstances", "ec2:CreateFleet"],
        resources: [
          ec2("image/*", ""),
          ec2("snapshot/*", ""),
          ec2("security-group/*"),
          ec2("subnet/*"),
          ec2("capacity-reservation/*"),
          ec2("placement-group/*"),
        ],
      },
      {
        sid: "AllowScopedEC2LaunchTemplateAccessActions",
        actions: ["ec2:RunInstances", "ec2:CreateFleet"],
        resources: [ec2("launch-template/*")],
        conditions: [owned("ResourceTag"), anyNodePool("ResourceTag")],
      },
      {
        sid: "AllowScopedEC2InstanceActionsWithTags",
        actions: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
        resources: taggableOnCreate,
        conditions: [owned("RequestTag"), clusterNameTag, anyNodePool("RequestTag")],
      },
      {
        sid: "AllowScopedResourceCreationTagging",
        actions: ["ec2:CreateTags"],
        resources: taggableOnCreate,
        conditions: [
          owned("RequestTag"),
          clusterNameTag,
          condition("StringEquals", "ec2:CreateAction", "RunInstances", "CreateFleet", "CreateLaunchTemplate"),
          anyNodePool("RequestTag"),
        ],
      },
      {
        sid: "AllowScopedResourceTagging",
        actions: ["ec2:CreateTags"],
        resources: [ec2("instance/*")],
        conditions: [
          owned("ResourceTag"),
          anyNodePool("ResourceTag"),
          condition("StringEqualsIfExists", "aws:RequestTag/eks:eks-cluster-name", s.clusterName),
          condition("ForAllValues:StringEquals", "aws:TagKeys", "eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"),
        ],
      },
      {
        sid: "AllowScopedDeletion",
        actions: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
        resources: [ec2("instance/*"), ec2("launch-template/*")],
        conditions: [owned("ResourceTag"), anyNodePool("ResourceTag")],
      },
    ],
    IAMIntegration: [
      {
        sid: "AllowPassingInstanceRole",
        actions: ["iam:PassRole"],
        resources: [s.nodeRoleArn],
        conditions: [condition("StringEquals", "iam:PassedToService", "ec2.amazonaws.com", "ec2.amazonaws.com.cn")],
      },
      {
        sid: "AllowScopedInstanceProfileCreationActions",
        actions: ["iam:CreateInstanceProfile"],
        resources: [instanceProfiles],
        conditions: [owned("RequestTag"), clusterNameTag, inRegion("RequestTag"), anyNodeClass("RequestTag")],
      },
      {
        sid: "AllowScopedInstanceProfileTagActions",
        actions: ["iam:TagInstanceProfile"],
        resources: [instanceProfiles],
        conditions: [
          owned("ResourceTag"),
          inRegion("ResourceTag"),
          owned("RequestTag"),
          clusterNameTag,
          inRegion("RequestTag"),
          anyNodeClass("ResourceTag"),
          anyNodeClass("RequestTag"),
        ],
      },
      {
        sid: "AllowScopedInstanceProfileActions",
        actions: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
        resources: [instanceProfiles],
        conditions: [owned("ResourceTag"), inRegion("ResourceTag"), anyNodeClass("ResourceTag")],
      },
    ],
    EKSIntegration: [
      { sid: "AllowAPIServerEndpointDiscovery", actions: ["eks:DescribeCluster"], resources: [clusterArn] },
    ],
    Interruption: [
      {
        sid: "AllowInterruptionQueueActions",
        actions: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
        resources: [s.queueArn],
      },
      ...(s.queueKmsKeyArn === undefined
        ? []
        : [{ sid: "AllowInterruptionQueueDecrypt", actions: ["kms:Decrypt"], resources: [s.queueKmsKeyArn] }]),
    ],
    ZonalShift: [
      {
        sid: "AllowZonalShiftStatusReadOnly",
        actions: ["arc-zonal-shift:GetManagedResource"],
        resources: ["*"],
        conditions: [condition("StringEquals", "arc-zonal-shift:ResourceIdentifier", clusterArn)],
      },
    ],
    ResourceDiscovery: [
      {
        sid: "AllowRegionalReadActions",
        actions: [
          "ec2:DescribeCapacityReservations",
          "ec2:DescribeImages",
          "ec2:DescribeInstances",
          "ec2:DescribeInstanceStatus",
          "ec2:DescribeInstanceTypeOfferings",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplates",
          "ec2:DescribePlacementGroups",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeSpotPriceHistory",
          "ec2:DescribeSubnets",
        ],
        resources: ["*"],
        conditions: [condition("StringEquals", "aws:RequestedRegion", s.region)],
      },
      {
        sid: "AllowSSMReadActions",
        actions: ["ssm:GetParameter"],
        resources: [`arn:${s.partition}:ssm:${s.region}::parameter/aws/service/*`],
      },
      { sid: "AllowPricingReadActions", actions: ["pricing:GetProducts"], resources: ["*"] },
      { sid: "AllowUnscopedInstanceProfileListAction", actions: ["iam:ListInstanceProfiles"], resources: ["*"] },
      { sid: "AllowInstanceProfileReadActions", actions: ["iam:GetInstanceProfile"], resources: [instanceProfiles] },
    ],
  };
}
