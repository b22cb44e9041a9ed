import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { TerraformOutput, TerraformStack } from "cdktf";
import { literalDeep } from "../core/literal.js";
import type { Construct } from "constructs";
import { EfaSecurityGroupCheck } from "../aws/efa-security-group-check.js";
import { KarpenterAws } from "../aws/karpenter-aws.js";
import type { EksClusterConnectionProps } from "../charts/cluster-connection.js";
import { nodeMonitoringAgentMode, podIdentityAgentMode, type KarpenterGpuConfig } from "../config/schema.js";

export interface KarpenterAwsStackProps {
  /** A validated configuration (see `parseConfig` / `loadConfigFile`). */
  readonly config: KarpenterGpuConfig;
}

/**
 * The AWS half of Karpenter as its own Terraform stack (own state): discovery tags, node role,
 * controller IAM and interruption queue, with the outputs the chart and node-pool stacks use.
 */
export class KarpenterAwsStack extends TerraformStack {
  /** Discovery tags, node role, controller IAM, interruption queue and prerequisites, from the configuration. */
  public readonly karpenter: KarpenterAws;

  constructor(scope: Construct, id: string, props: KarpenterAwsStackProps) {
    super(scope, id);
    const c = configAsText(props.config);
    configuredAwsProvider(this, c);
    const spotPools = c.nodePools.filter((p) => p.capacityTypes.includes("spot")).map((p) => p.name);

    this.karpenter = new KarpenterAws(this, "karpenter", {
      clusterName: c.clusterName,
      region: c.region,
      discovery: c.discovery,
      nodeRole: {
        roleName: c.nodeRole.name,
        existingRoleArn: c.nodeRole.existingRoleArn,
        createAccessEntry: c.nodeRole.createAccessEntry,
        additionalPolicyArns: c.nodeRole.additionalPolicyArns,
        permissionsBoundaryArn: c.nodeRole.permissionsBoundaryArn,
      },
      controller: {
        identity:
          c.controller.identity === "irsa"
            ? { type: "irsa", oidcProviderArn: c.controller.oidcProviderArn ?? "" }
            : { type: "podIdentity" },
        roleName: c.controller.roleName,
        policyNames: c.controller.policyNames,
        additionalPolicyArns: c.controller.additionalPolicyArns,
        additionalPolicyStatements: c.controller.additionalPolicyStatements,
        namespace: c.controller.namespace,
        serviceAccount: c.controller.serviceAccount,
        permissionsBoundaryArn: c.controller.permissionsBoundaryArn,
        zonalShift: c.karpenter.zonalShift,
      },
      prerequisites: {
        podIdentityAgent: podIdentityAgentMode(c),
        nodeMonitoringAgent: nodeMonitoringAgentMode(c),
        // `create` keeps the role whatever the pools: deleting it when the last spot pool goes would
        // run before that pool's nodes are drained (this stack applies first), and AWS refuses to
        // delete it while any Spot Instance of the account runs. `present` checks only when needed.
        spotServiceLinkedRole: c.spotServiceLinkedRole === "create" || spotPools.length ? c.spotServiceLinkedRole : undefined,
        spotPools,
      },
      interruptionQueue: {
        queueName: c.interruptionQueue.name,
        ruleNames: c.interruptionQueue.ruleNames,
        messageRetentionSeconds: c.interruptionQueue.messageRetentionSeconds,
        kmsKeyArn: c.interruptionQueue.kmsKeyArn,
        manageKmsKeyPolicy: c.interruptionQueue.manageKmsKeyPolicy,
      },
    });

    // EFA needs the nodes' security group to let all traffic among the nodes: looked at, never changed.
    if (c.nodeClasses.some((nc) => nc.efa)) new EfaSecurityGroupCheck(this, "efaSecurityGroup", { securityGroupIds: c.discovery.securityGroupIds });

    const k = this.karpenter;
    const outputs: Record<string, { value: string; description: string }> = {
      nodeRoleName: { value: k.nodeRole.roleName, description: "Karpenter node role name (EC2NodeClass spec.role)" },
      nodeRoleArn: { value: k.nodeRole.roleArn, description: "Karpenter node role ARN" },
      controllerRoleArn: { value: k.controller.roleArn, description: "Karpenter controller role ARN" },
      interruptionQueueName: { value: k.interruptionQueue.queueName, description: "Interruption queue name (chart settings.interruptionQueue)" },
      interruptionQueueUrl: { value: k.interruptionQueue.queueUrl, description: "Interruption queue URL" },
      interruptionQueueArn: { value: k.interruptionQueue.queueArn, description: "Interruption queue ARN" },
    };
    if (k.interruptionQueue.eventBridgeKeyPolicyJson) {
      outputs.eventBridgeKeyPolicyJson = {
        value: k.interruptionQueue.eventBridgeKeyPolicyJson,
        description: "Key-policy statement that lets EventBridge use the queue's KMS key",
      };
    }
    for (const [id, o] of Object.entries(outputs)) new TerraformOutput(this, id, o);
  }
}

/**
 * The configuration as a stack builds from it: every string of it made literal text for
 * Terraform (`${file(...)}` in a chart value is never evaluated), whoever builds the stack, the
 * app or a library user with `parseConfig`'s result. Backend settings are the exception:
 * Terraform does not evaluate them (and the config checks them). Each stack applies it once.
 */
export function configAsText(config: KarpenterGpuConfig): KarpenterGpuConfig {
  return { ...literalDeep(config), terraformCloud: config.terraformCloud };
}

/**
 * The AWS provider every stack uses: the config's region and credentials (`aws.profile`,
 * `aws.assumeRole`), and its tags on every resource.
 */
export function configuredAwsProvider(scope: Construct, config: KarpenterGpuConfig): AwsProvider {
  const assumeRole = config.aws?.assumeRole;
  return new AwsProvider(scope, "aws", {
    region: config.region,
    profile: config.aws?.profile,
    assumeRole: assumeRole ? [{ roleArn: assumeRole.roleArn, sessionName: assumeRole.sessionName, externalId: assumeRole.externalId }] : undefined,
    // Config tags go on every resource through the provider, so nothing is left untagged.
    defaultTags: Object.keys(config.tags).length ? [{ tags: { ...config.tags } }] : undefined,
  });
}

/** How the chart and node-pool stacks reach the cluster: as the AWS provider's identity, with `exec` too. */
export function clusterConnectionPropsOf(config: KarpenterGpuConfig): EksClusterConnectionProps {
  return { clusterName: config.clusterName, region: config.region, auth: config.kubernetesAuth, awsProfile: config.aws?.profile, assumeRoleArn: config.aws?.assumeRole?.roleArn };
}
