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

/**
 * The node role's name for these props, known at synth (the EC2NodeClass `spec.role`): the
 * existing role's, the given one, or `KarpenterNodeRole-<clusterName>`, the name the Karpenter
 * docs use, so runbooks and examples match.
 */
export function nodeRoleNameFor(props: { readonly clusterName: string; readonly roleName?: string; readonly existingRoleArn?: string }): string {
  if (props.existingRoleArn !== undefined) return roleNameFromArn(props.existingRoleArn);
  return props.roleName ?? `KarpenterNodeRole-${props.clusterName}`;
}

/** The role name is the last path segment of a role ARN (`arn:aws:iam::1:role/path/Name` → `Name`). */
function roleNameFromArn(arn: string): string {
  if (!Token.isUnresolved(arn)) return arn.slice(arn.lastIndexOf("/") + 1);
  return Fn.element(Fn.reverse(Fn.split("/", arn)), 0);
}

/** The controller role's name: the given one or `KarpenterController-<clusterName>`. */
export function controllerRoleNameFor(props: { readonly clusterName: string; readonly roleName?: string }): string {
  return props.roleName ?? `KarpenterController-${props.clusterName}`;
}

/**
 * The queue's name: the given one, or `Karpenter-<clusterName>` (recognisable among an account's
 * queues), shortened with a hash to SQS's 80 characters.
 */
export function interruptionQueueNameFor(props: { readonly clusterName: string; readonly queueName?: string }): string {
  return props.queueName ?? boundedName("Karpenter-", props.clusterName, 80);
}

/**
 * The Helm release names of Karpenter's two charts, unless configured otherwise: the names
 * Karpenter's own guides install them under, so an existing installation can be taken over.
 */
export const KARPENTER_RELEASE_NAMES = { crd: "karpenter-crd", controller: "karpenter" } as const;
