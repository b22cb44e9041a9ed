import { deployPolicyDocument, DEPLOY_STACKS, type DeployPolicyScope, type DeployStack, type IamPolicyDocument } from "../aws/deploy-policy.js";
import type { KarpenterGpuConfig } from "../config/schema.js";
import { CONTROLLER_POLICY_GROUPS, controllerPolicyNameFor, controllerRoleNameFor, INTERRUPTION_RULE_KEYS, interruptionQueueNameFor, interruptionRuleNameFor, nodeRoleNameFor } from "../core/names.js";
import { partitionOf } from "../core/rules.js";

/** The names a configuration gives what its stacks create, in the account `accountId`: what the deploy policy is scoped to. */
export function deployPolicyScopeOf(config: KarpenterGpuConfig, accountId: string): DeployPolicyScope {
  const c = config;
  const scope = { clusterName: c.clusterName, region: c.region };
  return {
    partition: partitionOf(c.region),
    region: c.region,
    accountId,
    clusterName: c.clusterName,
    nodeRoleName: nodeRoleNameFor({ ...scope, roleName: c.nodeRole.name, existingRoleArn: c.nodeRole.existingRoleArn }),
    nodeRoleCreated: c.nodeRole.existingRoleArn === undefined,
    controllerRoleName: controllerRoleNameFor({ ...scope, roleName: c.controller.roleName }),
    controllerPolicyNames: CONTROLLER_POLICY_GROUPS.map((group) => controllerPolicyNameFor({ ...scope, policyNames: c.controller.policyNames }, group)),
    controllerAdditionalPolicyArns: Object.values(c.controller.additionalPolicyArns ?? {}),
    queueName: interruptionQueueNameFor({ ...scope, queueName: c.interruptionQueue.name }),
    interruptionRuleNames: INTERRUPTION_RULE_KEYS.map((event) => interruptionRuleNameFor({ ...scope, ruleNames: c.interruptionQueue.ruleNames }, event)),
    kmsKeyArn: c.interruptionQueue.manageKmsKeyPolicy ? c.interruptionQueue.kmsKeyArn : undefined,
    subnetIds: c.discovery.subnetIds,
    securityGroupIds: c.discovery.securityGroupIds,
    additionalPolicyArns: Object.values(c.nodeRole.additionalPolicyArns ?? {}),
  };
}

/**
 * The least-privilege IAM policy of the identity that runs `cdktf deploy` for each stack of a
 * configuration (docs/deploy.md explains each statement). Every option's block types are
 * covered, so a config change never needs a wider policy, except a new node role policy,
 * KMS key, subnet or security group, whose ARN the policy names.
 */
export function deployPoliciesFor(config: KarpenterGpuConfig, accountId: string): Record<DeployStack, IamPolicyDocument> {
  const scope = deployPolicyScopeOf(config, accountId);
  return Object.fromEntries(DEPLOY_STACKS.map((stack) => [stack, deployPolicyDocument(stack, scope)])) as Record<DeployStack, IamPolicyDocument>;
}
