/**
 * What the Karpenter controller checks on a NodePool after the API server has stored it: the
 * NodePool validation controller calls `RuntimeValidate`, and a NodePool that fails is marked
 * `ValidationSucceeded=False`, never becomes Ready and launches nothing (the apply then waits for
 * Ready until it times out). Ported from the pinned sources, so a chart bump re-reads these files:
 *
 * - kubernetes-sigs/karpenter v1.14.1 pkg/apis/v1/nodepool_validation.go (`RuntimeValidate`,
 *   `validateLabels`, `validateRequirementsNodePoolKeyDoesNotExist`),
 *   pkg/apis/v1/nodeclaim_validation.go (`validateTaintsField`, `ValidateRequirement`,
 *   `validateWellKnownValues`) and pkg/apis/v1/labels.go (`IsRestrictedLabel`,
 *   `WellKnownLabels`, `NormalizedLabels`);
 * - aws/karpenter-provider-aws v1.14.1 pkg/apis/v1/labels.go (`init`: the restricted domain
 *   `karpenter.k8s.aws`, the AWS well-known labels, the tenancy values);
 * - k8s.io/apimachinery pkg/util/validation (`IsQualifiedName`, `IsValidLabelValue`,
 *   `IsDNS1123Subdomain`), which those call.
 *
 * Also the API server's rule for a Node's taints (kubernetes pkg/apis/core/validation,
 * `validateNodeTaints`: the value is a label value), since the kubelet registers the node with
 * the pool's taints.
 */
import type { FieldPath } from "../core/field-path.js";
import { quoted } from "../core/rules.js";
import { normalizedLabelKey } from "../karpenter/labels.js";

/** One problem Karpenter's runtime validation finds, at a field of the NodePool. */
export interface RuntimeProblem {
  readonly path: FieldPath;
  readonly message: string;
}

const NODEPOOL_LABEL = "karpenter.sh/nodepool";

/** Karpenter core's well-known labels, with the AWS provider's added (labels.go of both). */
export const WELL_KNOWN_LABELS: ReadonlySet<string> = new Set([
  NODEPOOL_LABEL,
  "topology.kubernetes.io/zone",
  "topology.kubernetes.io/region",
  "node.kubernetes.io/instance-type",
  "kubernetes.io/arch",
  "kubernetes.io/os",
  "karpenter.sh/capacity-type",
  "node.kubernetes.io/windows-build",
  ...[
    "capacity-reservation-id",
    "capacity-reservation-type",
    "capacity-reservation-interruptible",
    "instance-hypervisor",
    "instance-encryption-in-transit-supported",
    "instance-category",
    "instance-capability-flex",
    "instance-family",
    "instance-generation",
    "instance-size",
    "instance-local-nvme",
    "instance-cpu",
    "instance-cpu-manufacturer",
    "instance-cpu-sustained-clock-speed-mhz",
    "instance-memory",
    "instance-ebs-bandwidth",
    "instance-network-bandwidth",
    "instance-gpu-name",
    "instance-gpu-manufacturer",
    "instance-gpu-count",
    "instance-gpu-memory",
    "instance-accelerator-name",
    "instance-accelerator-manufacturer",
    "instance-accelerator-count",
    "instance-tenancy",
    "placement-group-id",
    "placement-group-partition",
  ].map((l) => `karpenter.k8s.aws/${l}`),
  "topology.k8s.aws/zone-id",
]);

/** Label domains Karpenter reserves for itself (and their subdomains), unless the label is well known. */
const RESTRICTED_DOMAINS = ["karpenter.sh", "karpenter.k8s.aws"];
/** Labels that would break Karpenter's provisioning. */
const RESTRICTED_LABELS: ReadonlySet<string> = new Set(["kubernetes.io/hostname"]);
/** Requirement keys whose values Karpenter knows: an `In` with none of them admits nothing. */
const WELL_KNOWN_VALUES: Readonly<Record<string, readonly string[]>> = {
  "karpenter.sh/capacity-type": ["on-demand", "spot", "reserved"],
  "karpenter.k8s.aws/instance-tenancy": ["dedicated", "default"],
};
const SUPPORTED_OPERATORS: ReadonlySet<string> = new Set(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte"]);

// apimachinery's patterns. Each is applied only after the length check, so no input is longer
// than 253 characters when a pattern runs.
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_CHARS = "alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character";

/** apimachinery `IsQualifiedName`: an optional DNS-1123 subdomain prefix and '/', then a name of at most 63 characters. */
export function qualifiedNameProblems(value: string): string[] {
  const parts = value.split("/");
  if (parts.length > 2) return [`must be a name with at most one '/' (an optional prefix such as "example.com/" and a name)`];
  const name = parts.length === 2 ? parts[1] : parts[0];
  const out: string[] = [];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === "") out.push("must not have an empty prefix before '/'");
    else if (prefix.length > 253) out.push(`has a prefix of ${prefix.length} characters; at most 253 are allowed`);
    else if (!DNS1123_SUBDOMAIN.test(prefix)) out.push("has a prefix that is not a DNS-1123 subdomain (lower-case alphanumeric characters, '-' and '.', starting and ending with an alphanumeric character)");
  }
  if (name === "") out.push("must have a name (after the prefix, if any)");
  else if (name.length > 63) out.push(`has a name part of ${name.length} characters; at most 63 are allowed`);
  else if (!QUALIFIED_NAME_PART.test(name)) out.push(`has a name part that is not ${NAME_CHARS}`);
  return out;
}

/** apimachinery `IsValidLabelValue`: empty, or at most 63 characters of the name alphabet. */
export function labelValueProblems(value: string): string[] {
  if (value.length > 63) return [`is ${value.length} characters long; a label value has at most 63`];
  return LABEL_VALUE.test(value) ? [] : [`must be empty or ${NAME_CHARS}`];
}

/** karpenter `GetLabelDomain` + `IsRestrictedLabel`: why a label key is reserved, or undefined. */
export function restrictedLabelProblem(key: string): string | undefined {
  if (WELL_KNOWN_LABELS.has(key)) return undefined;
  const slash = key.indexOf("/");
  const domain = slash < 0 ? "" : key.slice(0, slash);
  const reserved = RESTRICTED_DOMAINS.find((d) => domain === d || domain.endsWith(`.${d}`));
  if (reserved) return `uses the domain ${reserved}, which Karpenter reserves for its own labels (only its well-known labels may be set)`;
  if (RESTRICTED_LABELS.has(key)) return "is reserved: Karpenter sets it on each node itself";
  return undefined;
}

const why = "Karpenter refuses the NodePool at runtime (it never becomes Ready)";

/** karpenter `validateLabels`, for the NodePool's template labels. */
function labelProblems(labels: Readonly<Record<string, string>>): RuntimeProblem[] {
  const at = ["spec", "template", "metadata", "labels"];
  return Object.entries(labels).flatMap(([key, value]) => {
    const keyProblems = [
      ...(key === NODEPOOL_LABEL ? ["is set by Karpenter on each node to the NodePool's name"] : []),
      ...qualifiedNameProblems(key),
      ...[restrictedLabelProblem(key)].filter((p) => p !== undefined),
    ];
    return [
      ...keyProblems.map((p) => ({ path: [...at, key], message: `label key ${quoted(key)} ${p}: ${why}` })),
      ...labelValueProblems(value).map((p) => ({ path: [...at, key], message: `label value ${quoted(value)} ${p}: ${why}` })),
    ];
  });
}

interface TaintLike {
  readonly key?: string;
  readonly value?: string;
  readonly effect?: string;
}

/**
 * karpenter `validateTaintsField` over `taints` then `startupTaints` (a key and effect may appear
 * once across both), plus the Node API's rule on taint values.
 */
function taintProblems(spec: { readonly taints?: readonly TaintLike[]; readonly startupTaints?: readonly TaintLike[] }): RuntimeProblem[] {
  const seen = new Set<string>();
  return (["taints", "startupTaints"] as const).flatMap((field) =>
    (spec[field] ?? []).flatMap((t, i) => {
      const at = ["spec", "template", "spec", field, i];
      const key = t.key ?? "";
      const value = t.value ?? "";
      const out: RuntimeProblem[] = [];
      for (const p of key === "" ? ["must not be empty"] : qualifiedNameProblems(key)) out.push({ path: [...at, "key"], message: `taint key ${quoted(key)} ${p}: ${why}` });
      if (value !== "") {
        for (const p of qualifiedNameProblems(value)) out.push({ path: [...at, "value"], message: `taint value ${quoted(value)} ${p}: ${why}` });
        // The kubelet registers the node with these taints; the API server takes a taint value only as a label value (no '/').
        if (value.includes("/") && qualifiedNameProblems(value).length === 0) {
          out.push({ path: [...at, "value"], message: `taint value ${quoted(value)} must not contain '/': the API server refuses a node taint whose value is not a label value, so the node could not register` });
        }
      }
      const id = `${key}\u0000${t.effect ?? ""}`;
      if (seen.has(id)) out.push({ path: at, message: `repeats the taint key ${quoted(key)} with effect ${t.effect ?? "(none)"} of an earlier taint or startup taint: ${why}` });
      seen.add(id);
      return out;
    }),
  );
}

interface RequirementLike {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
  readonly minValues?: number;
}

/** Go's strconv.Atoi on a 64-bit platform: an optional sign and decimal digits that fit an int64. */
function atoi(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]{1,25}$/.test(text)) return undefined;
  const n = BigInt(text);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

/** karpenter `ValidateRequirement` + `validateWellKnownValues` + the nodepool-key rule, for one requirement. */
export function requirementRuntimeProblems(r: RequirementLike, of: "NodePool" | "NodeOverlay" = "NodePool"): { field: "key" | "values" | "operator" | "minValues"; problem: string }[] {
  const key = normalizedLabelKey(r.key);
  const values = r.values ?? [];
  const out: { field: "key" | "values" | "operator" | "minValues"; problem: string }[] = [];
  if (!SUPPORTED_OPERATORS.has(r.operator)) out.push({ field: "operator", problem: `${quoted(r.operator)} is not an operator Karpenter supports (${[...SUPPORTED_OPERATORS].join(", ")})` });
  // NodePools only (validateRequirementsNodePoolKeyDoesNotExist): a NodeOverlay selects pools by this key.
  if (of === "NodePool" && key === NODEPOOL_LABEL) out.push({ field: "key", problem: `${quoted(r.key)} may not be required: Karpenter sets it to the NodePool's own name` });
  const restricted = restrictedLabelProblem(key);
  if (restricted) out.push({ field: "key", problem: `${quoted(r.key)} ${restricted}` });
  for (const p of qualifiedNameProblems(key)) out.push({ field: "key", problem: `${quoted(r.key)} ${p}` });
  values.forEach((v) => {
    for (const p of labelValueProblems(v)) out.push({ field: "values", problem: `value ${quoted(v)} ${p}` });
  });
  const known = WELL_KNOWN_VALUES[key];
  if (known && r.operator === "In" && values.length > 0) {
    const valid = values.filter((v) => known.includes(v));
    if (valid.length === 0) out.push({ field: "values", problem: `has no value Karpenter knows for ${key} (${known.join(", ")}), so it admits nothing` });
    else if (r.minValues !== undefined && valid.length < r.minValues) out.push({ field: "minValues", problem: `is ${r.minValues}, but only ${valid.length} of the values are ones Karpenter knows for ${key} (${known.join(", ")})` });
  }
  if (["Gt", "Lt", "Gte", "Lte"].includes(r.operator)) {
    const n = values.length === 1 ? atoi(values[0]) : undefined;
    if (n === undefined || n < 0n) out.push({ field: "values", problem: `must be a single non-negative whole number with operator ${r.operator} (got ${quoted(values)})` });
  }
  return out.map((p) => ({ ...p, problem: `${p.problem}: ${of === "NodePool" ? why : "Karpenter refuses the NodeOverlay at runtime (it is never applied)"}` }));
}

/** The parts of a built NodePool that `RuntimeValidate` reads. */
export interface RuntimeNodePool {
  readonly spec: {
    readonly template: {
      readonly metadata?: { readonly labels?: Readonly<Record<string, string>> };
      readonly spec: {
        readonly taints?: readonly TaintLike[];
        readonly startupTaints?: readonly TaintLike[];
        readonly requirements?: readonly RequirementLike[];
      };
    };
  };
}

/** Every problem `NodePool.RuntimeValidate` (Karpenter v1.14.1) finds, at the NodePool field it is about. */
export function nodePoolRuntimeProblems(pool: RuntimeNodePool): RuntimeProblem[] {
  const template = pool.spec.template;
  const at = ["spec", "template", "spec", "requirements"];
  return [
    ...labelProblems(template.metadata?.labels ?? {}),
    ...taintProblems(template.spec),
    ...(template.spec.requirements ?? []).flatMap((r, i) => requirementRuntimeProblems(r).map((p) => ({ path: [...at, i, p.field], message: p.problem }))),
  ];
}

/**
 * Resources a NodeOverlay may not set: the well-known ones Karpenter computes itself (core
 * `WellKnownResources` with the AWS provider's additions, labels.go of both).
 */
const WELL_KNOWN_RESOURCES: ReadonlySet<string> = new Set(["cpu", "memory", "ephemeral-storage", "pods", "vpc.amazonaws.com/pod-eni", "aws.amazon.com/neuron", "aws.amazon.com/neuroncore", "habana.ai/gaudi", "vpc.amazonaws.com/efa"]);

/** The parts of a NodeOverlay that its `RuntimeValidate` reads. */
export interface RuntimeNodeOverlay {
  readonly spec: { readonly requirements?: readonly RequirementLike[]; readonly capacity?: Readonly<Record<string, unknown>> };
}

/**
 * Every problem `NodeOverlay.RuntimeValidate` (Karpenter v1.14.1
 * pkg/apis/v1alpha1/nodeoverlay_validation.go) finds: its requirements as a NodePool's, and no
 * well-known resource in `capacity`. A NodeOverlay that fails is never applied.
 */
export function nodeOverlayRuntimeProblems(overlay: RuntimeNodeOverlay): RuntimeProblem[] {
  return [
    ...(overlay.spec.requirements ?? []).flatMap((r, i) =>
      requirementRuntimeProblems(r, "NodeOverlay").map((p) => ({ path: ["spec", "requirements", i, p.field], message: p.problem })),
    ),
    ...Object.keys(overlay.spec.capacity ?? {})
      .filter((name) => WELL_KNOWN_RESOURCES.has(name))
      .map((name) => ({ path: ["spec", "capacity", name], message: `${quoted(name)} is a resource Karpenter computes itself; a NodeOverlay may not set it` })),
  ];
}
