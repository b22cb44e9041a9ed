/**
 * The names the module gives what it creates or selects, in one place: each is computed the same
 * way by the construct that creates the thing and by the code that refers to it (the config,
 * another stack, the CLI), so they cannot disagree.
 */
import { createHash } from "node:crypto";
import { Fn, Token } from "cdktf";

/** The tag key Karpenter's `subnetSelectorTerms` / `securityGroupSelectorTerms` select on. */
export const DISCOVERY_TAG_KEY = "karpenter.sh/discovery";

/**
 * Stack names for a cluster; they are Terraform state names (and Terraform Cloud workspace
 * suffixes), so two clusters never share state.
 */
export function stackNames(clusterName: string) {
  return { aws: `${clusterName}-aws`, charts: `${clusterName}-charts`, nodePools: `${clusterName}-nodepools` } as const;
}

/**
 * `${prefix}${clusterName}` when it fits in `maxLength`, else the cluster name cut short and
 * followed by a hash of the whole name, so names stay unique, stable and within AWS limits.
 * Used for names nobody types (policies, rules); user-facing names are validated instead.
 */
export function boundedName(prefix: string, clusterName: string, maxLength: number): string {
  const full = `${prefix}${clusterName}`;
  if (Token.isUnresolved(clusterName) || full.length <= maxLength) return full;
  const hash = createHash("sha256").update(clusterName).digest("hex").slice(0, 8);
  return `${prefix}${clusterName.slice(0, maxLength - prefix.length - hash.length - 1)}-${hash}`;
}

/** The six controller policies of Karpenter's getting-started template, in its order. */
export const CONTROLLER_POLICY_GROUPS = ["NodeLifecycle", "IAMIntegration", "EKSIntegration", "Interruption", "ZonalShift", "ResourceDiscovery"] as const;
/** One of the controller's policy groups (`CONTROLLER_POLICY_GROUPS`): each is one managed IAM policy. */
export type ControllerPolicyGroup = (typeof CONTROLLER_POLICY_GROUPS)[number];

/** The interruption events, each with its own EventBridge rule (the keys are the rules' construct ids). */
export const INTERRUPTION_RULE_KEYS = ["healthEvent", "spotInterrupt", "rebalance", "instanceStateChange", "capacityReservationInterrupt"] as const;
/** One of the interruption events (`INTERRUPTION_RULE_KEYS`): each has its own EventBridge rule. */
export type InterruptionEvent = (typeof INTERRUPTION_RULE_KEYS)[number];

/** Where a name is unique: IAM names are account-wide, so the region is part of every default. */
export interface NameScope {
  readonly clusterName: string;
  readonly region: string;
}

/**
 * `<prefix><cluster>-<region>`, cut with a hash to `maxLength`. EKS cluster names are unique per
 * account and region only, and IAM names are account-wide: without the region, the same cluster
 * name in a second region (or the names of Karpenter's getting-started CloudFormation, which has
 * no region) would collide with `EntityAlreadyExists`.
 */
export function scopedName(prefix: string, scope: NameScope, maxLength: number): string {
  // boundedName leaves a name holding a token (known at plan) whole.
  return boundedName(prefix, `${scope.clusterName}-${scope.region}`, maxLength);
}

/**
 * The node role's name for these props, known at synth (the EC2NodeClass `spec.role`): the
 * existing role's, the given one, or `KarpenterNodeRole-<cluster>-<region>`.
 */
export function nodeRoleNameFor(props: NameScope & { readonly roleName?: string; readonly existingRoleArn?: string }): string {
  if (props.existingRoleArn !== undefined) return roleNameFromArn(props.existingRoleArn);
  return props.roleName ?? scopedName("KarpenterNodeRole-", props, 64);
}

/** The role name is the last path segment of a role ARN (`arn:aws:iam::1:role/path/Name` → `Name`). */
function roleNameFromArn(arn: string): string {
  if (!Token.isUnresolved(arn)) return arn.slice(arn.lastIndexOf("/") + 1);
  return Fn.element(Fn.reverse(Fn.split("/", arn)), 0);
}

/** The controller role's name: the given one or `KarpenterController-<cluster>-<region>`. */
export function controllerRoleNameFor(props: NameScope & { readonly roleName?: string }): string {
  return props.roleName ?? scopedName("KarpenterController-", props, 64);
}

/**
 * A controller policy's name: the given one or upstream's `KarpenterController<Group>Policy-`
 * followed by `<cluster>-<region>` (IAM allows 128 characters).
 */
export function controllerPolicyNameFor(props: NameScope & { readonly policyNames?: Readonly<Partial<Record<ControllerPolicyGroup, string>>> }, group: ControllerPolicyGroup): string {
  return props.policyNames?.[group] ?? scopedName(`KarpenterController${group}Policy-`, props, 128);
}

/**
 * The queue's name: the given one, or `Karpenter-<cluster>-<region>` (recognisable among an
 * account's queues), shortened with a hash to SQS's 80 characters.
 */
export function interruptionQueueNameFor(props: NameScope & { readonly queueName?: string }): string {
  return props.queueName ?? scopedName("Karpenter-", props, 80);
}

/** An EventBridge rule's name: the given one or `Karpenter<Event>-<cluster>-<region>` (64 characters at most). */
export function interruptionRuleNameFor(props: NameScope & { readonly ruleNames?: Readonly<Partial<Record<InterruptionEvent, string>>> }, event: InterruptionEvent): string {
  return props.ruleNames?.[event] ?? scopedName(`Karpenter${event[0].toUpperCase()}${event.slice(1)}-`, props, 64);
}

/**
 * The Helm release names of Karpenter's two charts, unless configured otherwise: the names
 * Karpenter's own guides install them under, so an existing installation can be taken over.
 */
export const KARPENTER_RELEASE_NAMES = { crd: "karpenter-crd", controller: "karpenter" } as const;
