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
   * Account and cluster prerequisites to manage or check at plan time (Pod Identity agent,
   * Spot service-linked role).
   * @default - none looked at
   */
  readonly prerequisites?: Omit<ClusterPrerequisitesProps, "clusterName">;
  /** The AWS provider of everything this creates (an aliased one for a second region or account in the stack). @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * Everything Karpenter needs on the AWS side of an existing EKS cluster, wired together:
 * discovery tags, node role + access entry, interruption queue + rules, and the controller
 * role scoped to that node role and queue.
 */
export class KarpenterAws extends Construct {
  public readonly discovery: DiscoveryTags;
  public readonly nodeRole: KarpenterNodeRole;
  public readonly interruptionQueue: InterruptionQueue;
  public readonly controller: KarpenterControllerIam;
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
