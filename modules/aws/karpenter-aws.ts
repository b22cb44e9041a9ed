import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { assignProvider } from "../core/provider.js";
import { KarpenterControllerIam, type KarpenterControllerIamProps } from "./controller-iam.js";
import { DiscoveryTags, type DiscoveryTagsProps } from "./discovery-tags.js";
import { InterruptionQueue, type InterruptionQueueProps } from "./interruption-queue.js";
import { KarpenterNodeRole, type KarpenterNodeRoleProps } from "./node-role.js";
import { ClusterPrerequisites, type ClusterPrerequisitesProps } from "./prerequisites.js";

export interface KarpenterAwsProps {
  /** Name of the existing EKS cluster. */
  readonly clusterName: string;
  /** The cluster's region, e.g. `us-west-2`. */
  readonly region: string;
  /** Subnets and security groups to tag for discovery. */
  readonly discovery: Omit<DiscoveryTagsProps, "clusterName">;
  /** Node role settings. @default - role `KarpenterNodeRole-<clusterName>-<region>` with an EC2_LINUX access entry */
  readonly nodeRole?: Omit<KarpenterNodeRoleProps, "clusterName" | "region">;
  /** Controller role settings. @default - role `KarpenterController-<clusterName>-<region>` via EKS Pod Identity */
  readonly controller?: Omit<KarpenterControllerIamProps, "clusterName" | "region" | "nodeRoleArn" | "interruptionQueueArn" | "interruptionQueueKmsKeyArn">;
  /** Interruption queue settings. @default - queue `Karpenter-<clusterName>-<region>` with SSE-SQS */
  readonly interruptionQueue?: Omit<InterruptionQueueProps, "clusterName" | "region">;
  /**
   * Account and cluster prerequisites to manage or check at plan time (Pod Identity agent, node
   * monitoring agent, Spot service-linked role).
   * @default - none looked at
   */
  readonly prerequisites?: Omit<ClusterPrerequisitesProps, "clusterName">;
  /** The AWS provider of everything this creates (an aliased one for a second region or account in the stack). @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * Everything Karpenter needs on the AWS side of an existing EKS cluster, wired together:
 * discovery tags, node role + access entry, interruption queue + rules, the controller role
 * scoped to that node role and queue, and the cluster prerequisites it is asked to manage or check.
 */
export class KarpenterAws extends Construct {
  /** The discovery tags or lookups of the subnets and security groups, and the node classes' selector terms. */
  public readonly discovery: DiscoveryTags;
  /** The node role: its `roleName` is each EC2NodeClass's `spec.role`. */
  public readonly nodeRole: KarpenterNodeRole;
  /** The interruption queue: its `queueName` is the chart's `settings.interruptionQueue`. */
  public readonly interruptionQueue: InterruptionQueue;
  /** The controller role, scoped to the node role and the interruption queue. */
  public readonly controller: KarpenterControllerIam;
  /** The add-ons and the Spot service-linked role, managed here or checked at plan. */
  public readonly prerequisites: ClusterPrerequisites;

  constructor(scope: Construct, id: string, props: KarpenterAwsProps) {
    super(scope, id);
    this.prerequisites = new ClusterPrerequisites(this, "prerequisites", { clusterName: props.clusterName, provider: props.provider, ...props.prerequisites });
    this.discovery = new DiscoveryTags(this, "discovery", { clusterName: props.clusterName, provider: props.provider, ...props.discovery });
    this.nodeRole = new KarpenterNodeRole(this, "nodeRole", { clusterName: props.clusterName, region: props.region, provider: props.provider, ...props.nodeRole });
    this.interruptionQueue = new InterruptionQueue(this, "interruptionQueue", {
      clusterName: props.clusterName,
      region: props.region,
      provider: props.provider,
      ...props.interruptionQueue,
    });
    this.controller = new KarpenterControllerIam(this, "controller", {
      clusterName: props.clusterName,
      region: props.region,
      provider: props.provider,
      ...props.controller,
      nodeRoleArn: this.nodeRole.roleArn,
      interruptionQueueArn: this.interruptionQueue.queueArn,
      interruptionQueueKmsKeyArn: this.interruptionQueue.kmsKeyArn,
    });
    assignProvider(this, props.provider);
  }
}
