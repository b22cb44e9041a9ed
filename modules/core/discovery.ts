/**
 * How Karpenter finds the subnets and security groups of a cluster's nodes: by the discovery tag
 * (written by this module, or already there) or by ID. The EC2NodeClass selector terms of each
 * mode, built the same way by the AWS stack (which tags or checks) and the node classes.
 * @see https://karpenter.sh/docs/concepts/nodeclasses/#specsubnetselectorterms
 */
import { Fn, Token } from "cdktf";
import { DISCOVERY_TAG_KEY } from "./names.js";

/**
 * - `tag`: the module writes `karpenter.sh/discovery=<cluster>` on the subnets and security
 *   groups, after checking at plan that no other cluster's value is there.
 * - `existing`: the tags are already there (a VPC module wrote them); the module checks them at
 *   plan and writes nothing.
 * - `ids`: node classes select the subnets and security groups by ID; no tag anywhere. For VPCs
 *   several clusters share.
 */
export const DISCOVERY_MODES = ["tag", "existing", "ids"] as const;
/**
 * How node classes find a cluster's subnets and security groups: by the discovery tag the module
 * writes (`tag`), by the tag already there (`existing`), or by ID (`ids`); `DISCOVERY_MODES` says more.
 */
export type DiscoveryMode = (typeof DISCOVERY_MODES)[number];

/** Selector terms as the EC2NodeClass CRD takes them: `{ tags }` or `{ id }`. */
export type SelectorTerm = { readonly tags: Readonly<Record<string, string>> } | { readonly id: string };

/** True when the list, or any of its items, is a Terraform token (known only at plan). */
export function hasTokens(list: readonly string[]): boolean {
  return Token.isUnresolved(list) || list.some((v) => Token.isUnresolved(v));
}

/** The discovery tag as a selector term. */
export function tagTerms(clusterName: string): SelectorTerm[] {
  return [{ tags: { [DISCOVERY_TAG_KEY]: clusterName } }];
}

/**
 * One `{ id }` term per ID. A list token (a data source's `ids`, another stack's output) becomes
 * a Terraform expression that builds the terms at plan; it must be known at plan, as
 * `kubernetes_manifest` plans the whole object.
 */
export function idTerms(ids: readonly string[]): SelectorTerm[] {
  if (!Token.isUnresolved(ids)) return ids.map((id) => ({ id }));
  return Token.asAny(Fn.jsondecode(Fn.format("[%s]", [Fn.join(",", Fn.formatlist(Fn.rawString('{"id":"%s"}'), [ids]))]))) as unknown as SelectorTerm[];
}
