/**
 * A GPU NodePool as data: the props a pool is described by, the module's defaults, and the
 * `karpenter.sh/v1` NodePool built from them. No construct and no check here: the `GpuNodePool`
 * construct (nodepools/) and the configuration (config/) both build through `buildGpuNodePool`.
 */
import type { ITerraformDependable } from "cdktf";
import type { NodePool } from "../../.gen/karpenter/nodepool.js";
import { SHARING_LABELS, sharingLabels, sliceBounds, type GpuSharing } from "./gpu-sharing.js";
import type { FieldPath } from "../core/field-path.js";
import { mergeValues } from "../core/helm-values.js";

/** A Kubernetes taint. */
export interface Taint {
  /** The taint's key, e.g. `sku` or `nvidia.com/gpu`. */
  readonly key: string;
  /** The taint's value; a toleration with operator `Exists` matches any. */
  readonly value?: string;
  /** What it does to pods without a matching toleration: `NoSchedule` keeps new ones off, `PreferNoSchedule` only avoids the node, `NoExecute` also evicts running ones. */
  readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** A NodePool scheduling requirement beyond the ones the pool manages itself. */
export interface Requirement {
  /** The label the requirement reads, e.g. `karpenter.k8s.aws/instance-family` or `topology.kubernetes.io/zone`. */
  readonly key: string;
  /** How the label's value is matched; `Gt`, `Lt`, `Gte` and `Lte` compare it, as a whole number, with the one value. */
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" | "Gte" | "Lte";
  /** The values: one or more for `In` and `NotIn`, exactly one for the comparisons, none for `Exists` and `DoesNotExist`. */
  readonly values?: readonly string[];
  /** The least number of distinct values of the key the instance types of a launch must offer (alpha in the CRD). */
  readonly minValues?: number;
}

/** A disruption budget: how many nodes Karpenter may disrupt at once, for which reasons, when. */
export interface DisruptionBudget {
  /** A count (`"1"`) or a percentage (`"10%"`); `"0"` blocks. */
  readonly nodes: string;
  /** Reasons the budget applies to. @default - all reasons */
  readonly reasons?: readonly ("Underutilized" | "Empty" | "Drifted")[];
  /** Cron schedule when the budget is active (needs `duration`). @default - always */
  readonly schedule?: string;
  /** How long the budget is active after each `schedule` start, e.g. `8h`. */
  readonly duration?: string;
}

export interface GpuNodePoolProps {
  /** NodePool name (DNS-1123). */
  readonly name: string;
  /** Name of the EC2NodeClass the pool launches with. */
  readonly nodeClassName: string;
  /** GPU instance categories. `gr` (gr6, gr6f) is a category of its own. @default ["g", "p"] */
  readonly instanceCategories?: readonly ("g" | "p" | "gr")[];
  /** Capacity types. Spot only for fault-tolerant work (training with checkpoints). @default ["on-demand"] */
  readonly capacityTypes?: readonly ("spot" | "on-demand" | "reserved")[];
  /** CPU architectures (g5g is arm64). @default ["amd64"] */
  readonly architectures?: readonly ("amd64" | "arm64")[];
  /** Further requirements, after the managed ones. @default [] */
  readonly requirements?: readonly Requirement[];
  /** Taints keeping non-GPU pods off the nodes. @default [{ key: "sku", value: "gpu", effect: "NoSchedule" }] */
  readonly taints?: readonly Taint[];
  /**
   * Taints a new node starts with and an agent removes when the node is ready for it (a GPU
   * health check, a driver or image pre-pull DaemonSet); Karpenter does not count them when it
   * decides whether a pod fits. Pods need no toleration for them.
   * @default []
   * @see https://karpenter.sh/docs/concepts/nodepools/#spectemplatespecstarttaints
   */
  readonly startupTaints?: readonly Taint[];
  /**
   * Further NodePool spec fields, deep-merged over the module's (objects merge, lists replace),
   * such as `template.metadata.annotations`. Checked against the CRD like the rest; fields the
   * module writes from a typed prop are refused, naming the prop.
   * @default {}
   */
  readonly spec?: Readonly<Record<string, unknown>>;
  /**
   * Cap on the pool's total vCPUs. Size it to your EC2 vCPU quota. Required unless `replicas`
   * is set; refused with it (a static NodePool allows only a node limit).
   * @default - none: required unless `replicas` is set
   */
  readonly cpuLimit?: number;
  /**
   * Cap on the pool's total NVIDIA GPUs.
   * @default - cpuLimit / 4, rounded down: no GPU instance has fewer than 4 vCPUs per GPU, so
   * this is the most the CPU cap can reach; set it lower to cap GPUs on their own
   */
  readonly gpuLimit?: number;
  /** Cap on the pool's total memory, in GiB. @default - none */
  readonly memoryLimitGiB?: number;
  /** Preference among pools that fit a pod (higher first). Refused with `replicas`. @default - none */
  readonly weight?: number;
  /**
   * A static pool: Karpenter keeps this many nodes up whatever the pods (NodePool `replicas`,
   * alpha in Karpenter 1.14, behind the `staticCapacity` feature gate: `KarpenterChart` prop
   * `staticCapacity`). Static pools take no CPU, GPU or memory limit and no weight, and are never
   * consolidated: no `consolidationPolicy` is written, and `consolidateAfter` (which the CRD
   * requires in `disruption`) is written as `Never`. Switching a pool between static and dynamic
   * replaces the NodePool (the CRD refuses it as an update): its nodes are drained.
   * @default - none: the pool scales with its pods
   * @see https://karpenter.sh/docs/concepts/nodepools/#specreplicas
   */
  readonly replicas?: number;
  /**
   * The most nodes the pool may have at once (`limits.nodes`). Karpenter enforces it on every
   * pool (a launch that would pass it is skipped). With `replicas`: at least `replicas`; above it,
   * a drifted node's replacement can start before the old node goes.
   * @default - none: no node limit
   */
  readonly nodeLimit?: number;
  /**
   * Only reservations of this kind (`karpenter.k8s.aws/capacity-reservation-type`): `default`
   * (On-Demand Capacity Reservations) or `capacity-block` (Capacity Blocks for ML). Needs
   * `reserved` in `capacityTypes`; written after the other requirements, as `In [kind]` when the
   * pool is reserved-only and as `NotIn [other kind]` when it also lists on-demand or spot, whose
   * offerings carry no such label and must stay allowed.
   * @default - either kind
   */
  readonly capacityReservationType?: "default" | "capacity-block";
  /**
   * Node lifetime. An expired node is deleted at once: no disruption budget applies and no
   * replacement starts first (Karpenter 1.14.1 `pkg/controllers/nodeclaim/expiration`); pods
   * that block the drain (PDBs, `karpenter.sh/do-not-disrupt`) hold it until
   * `terminationGracePeriod`, or for ever without one.
   * @default "720h" for a pool that scales with its pods; "Never" for a static pool, whose nodes,
   * started together, would all expire together (drift, e.g. a new AMI, still replaces them
   * within the budgets)
   */
  readonly expireAfter?: string;
  /** When Karpenter may consolidate. @default "WhenEmptyOrUnderutilized" */
  readonly consolidationPolicy?: "WhenEmptyOrUnderutilized" | "WhenEmpty";
  /**
   * How long a node must be consolidatable before it is. Minutes, not seconds: a GPU node that
   * empties between two pods of a job (or two jobs) should not be torn down and relaunched.
   * @default "5m"
   */
  readonly consolidateAfter?: string;
  /**
   * Disruption budgets. `DEFAULT_GPU_BUDGETS` are the module's GPU defaults (the config uses them
   * for pools without a `disruption` block).
   * @default - Karpenter's default (10% of nodes)
   * @see https://karpenter.sh/docs/concepts/disruption/#disruption-budgets
   */
  readonly budgets?: readonly DisruptionBudget[];
  /**
   * Longest time Karpenter waits for a node's pods to leave when it disrupts the node; then it
   * deletes them, past PodDisruptionBudgets and `karpenter.sh/do-not-disrupt`.
   * @default - no limit: a busy GPU node is never forced out by Karpenter
   */
  readonly terminationGracePeriod?: string;
  /** Labels on every node of the pool (the NodeClaim template's labels). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Share each GPU, by time-slicing or MIG (exactly one). Time-slicing: the pool's nodes get the
   * `nvidia.com/device-plugin.config` label of the sharing config, and each GPU is advertised
   * `replicas` times. MIG: the nodes get the `nvidia.com/mig.config` label of the profile (and
   * the device plugin paused until the MIG manager has applied it), and each GPU is split into as
   * many instances as it holds of it (every admitted type's GPU must
   * have the profile). The `GpuOperator` must carry the same settings (its `gpuSharing` prop);
   * `GpuNodePool` writes NodeOverlays so Karpenter plans with the real capacity (Karpenter's
   * `nodeOverlay` gate must be on: `KarpenterChart` prop `nodeOverlay`). `gpuLimit` then counts
   * slices.
   * @default - no sharing: one `nvidia.com/gpu` per GPU
   * @see https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/gpu-sharing.html
   */
  readonly gpuSharing?: GpuSharing;
  /**
   * Resources the NodePool is created after and destroyed before, typically its EC2NodeClass,
   * so that on destroy the nodes drain while their node class still exists.
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The requirements every GPU pool starts with: the seed's three (category, capacity type,
 * arch) from the pool's settings, then two additions: only NVIDIA GPUs (g4ad is AMD), and at
 * least one whole GPU (g6f/gr6f carry fractional GPUs and report 0, so a `nvidia.com/gpu`
 * request never fits them).
 */
export function managedRequirements(
  props: Pick<GpuNodePoolProps, "instanceCategories" | "capacityTypes" | "architectures">,
): Requirement[] {
  return [
    { key: "karpenter.k8s.aws/instance-category", operator: "In", values: [...(props.instanceCategories ?? ["g", "p"])] },
    { key: "karpenter.sh/capacity-type", operator: "In", values: [...(props.capacityTypes ?? ["on-demand"])] },
    { key: "kubernetes.io/arch", operator: "In", values: [...(props.architectures ?? ["amd64"])] },
    { key: "karpenter.k8s.aws/instance-gpu-manufacturer", operator: "In", values: ["nvidia"] },
    { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["0"] },
  ];
}

/**
 * The most NVIDIA GPUs a CPU cap admits: every GPU instance type has at least 4 vCPUs per GPU.
 * With sharing the nodes advertise slices, and the limit counts those: `replicas` per GPU, or
 * with MIG the most instances any GPU holds of the profile.
 */
export function defaultGpuLimit(cpuLimit: number, sharing?: GpuSharing): number {
  return Math.floor(cpuLimit / 4) * (sharing ? sliceBounds(sharing).max : 1);
}

/**
 * How long an empty or underutilized GPU node waits before consolidation: long enough for the
 * next pod of a job, or the next job, to land on it (an estimate; the seed's 30 s relaunches GPU
 * nodes between pods).
 */
export const DEFAULT_CONSOLIDATE_AFTER = "5m";

/** How long a node of a pool that scales with its pods lives (Karpenter's own default). Static pools default to "Never". */
export const DEFAULT_EXPIRE_AFTER = "720h";

/**
 * The module's disruption budgets for GPU pools: on weekdays 08:00-18:00 UTC no node is disrupted
 * for drift (a new AMI) or underutilization, so busy GPU nodes are not replaced during working
 * hours; empty nodes still go, and at other times up to 10% of nodes at once. Budget schedules are
 * in UTC: set your own `budgets` for other hours.
 */
export const DEFAULT_GPU_BUDGETS: readonly DisruptionBudget[] = [
  { nodes: "0", reasons: ["Drifted", "Underutilized"], schedule: "0 8 * * mon-fri", duration: "10h" },
  { nodes: "10%" },
];

/**
 * The NodePool of a GPU pool, typed by the CRD of the pinned Karpenter chart (`.gen/karpenter/`).
 * On top of the seed spec it adds a `nvidia.com/gpu` limit and the NVIDIA-only, whole-GPU
 * requirements (see `managedRequirements`).
 */
export function buildGpuNodePool(props: GpuNodePoolProps): NodePool {
  const isStatic = props.replicas !== undefined;
  // Written as given (the construct refuses what a static pool may not have; the CRD check too).
  const limits: Record<string, number | string> = {};
  if (props.cpuLimit !== undefined) limits.cpu = props.cpuLimit;
  const gpuLimit = props.gpuLimit ?? (props.cpuLimit !== undefined && !isStatic ? defaultGpuLimit(props.cpuLimit, props.gpuSharing) : undefined);
  // The sharing config is picked by a node label the module sets (a label the user sets too is refused: validation).
  const labels = { ...props.labels, ...(props.gpuSharing ? sharingLabels(props.gpuSharing) : {}) };
  if (gpuLimit !== undefined) limits["nvidia.com/gpu"] = gpuLimit;
  if (props.memoryLimitGiB !== undefined) limits.memory = `${props.memoryLimitGiB}Gi`;
  if (props.nodeLimit !== undefined) limits.nodes = props.nodeLimit;
  // Its key and values are fixed, so the CRD never refuses it: written last, the user's requirements keep their positions.
  // On-demand and spot offerings carry no capacity-reservation-type label (Karpenter 1.14.1,
  // offering/base_resolver.go), so `In` would rule them out: with a fallback capacity type the
  // other kind of reservation is excluded instead (`NotIn` holds where the label is absent).
  const fallback = (props.capacityTypes ?? ["on-demand"]).some((t) => t !== "reserved");
  const otherKind = props.capacityReservationType === "default" ? "capacity-block" : "default";
  const reservationType: Requirement[] = props.capacityReservationType
    ? [{ key: "karpenter.k8s.aws/capacity-reservation-type", operator: fallback ? "NotIn" : "In", values: [fallback ? otherKind : props.capacityReservationType] }]
    : [];
  const budgets = props.budgets?.map(({ reasons, ...b }) => ({ ...b, ...(reasons ? { reasons: [...reasons] } : {}) }));
  const built: NodePool = {
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    metadata: { name: props.name },
    spec: {
      ...(props.replicas !== undefined ? { replicas: props.replicas } : {}),
      ...(props.weight !== undefined ? { weight: props.weight } : {}),
      ...(Object.keys(limits).length > 0 ? { limits } : {}),
      // A static pool is never consolidated: no policy, and "Never" for the field the CRD requires.
      disruption: isStatic
        ? { consolidateAfter: "Never", ...(budgets ? { budgets } : {}) }
        : {
            consolidationPolicy: props.consolidationPolicy ?? "WhenEmptyOrUnderutilized",
            consolidateAfter: props.consolidateAfter ?? DEFAULT_CONSOLIDATE_AFTER,
            ...(budgets ? { budgets } : {}),
          },
      template: {
        ...(Object.keys(labels).length ? { metadata: { labels } } : {}),
        spec: {
          expireAfter: props.expireAfter ?? (isStatic ? "Never" : DEFAULT_EXPIRE_AFTER),
          ...(props.terminationGracePeriod !== undefined ? { terminationGracePeriod: props.terminationGracePeriod } : {}),
          nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: props.nodeClassName },
          requirements: [...managedRequirements(props), ...(props.requirements ?? []), ...reservationType].map(({ values, ...r }) => ({
            ...r,
            ...(values ? { values: [...values] } : {}),
          })),
          taints: [...(props.taints ?? [{ key: "sku", value: "gpu", effect: "NoSchedule" as const }])].map((t) => ({ ...t })),
          ...(props.startupTaints?.length ? { startupTaints: props.startupTaints.map((t) => ({ ...t })) } : {}),
        },
      },
    },
  };
  return props.spec ? { ...built, spec: mergeValues(built.spec as unknown as Record<string, unknown>, props.spec) as unknown as NodePool["spec"] } : built;
}

/** The requirement props behind the managed requirements, by position; undefined: set by the module. */
const MANAGED_REQUIREMENT_PROPS = ["instanceCategories", "capacityTypes", "architectures", undefined, undefined] as const;

/**
 * Which prop a field of the built NodePool comes from, e.g. `spec.template.spec.taints[0].key`
 * → `taints[0].key`, `spec.limits.cpu` → `cpuLimit`; undefined for fields the module sets itself.
 */
export function nodePoolPropOf(field: FieldPath, hatch?: Readonly<Record<string, unknown>>): FieldPath | undefined {
  const [a, b, c, d, e, ...rest] = field;
  if (a === "metadata" && b === "name") return ["name"];
  if (a !== "spec") return undefined;
  if (b === "template" && c === "metadata" && d === "annotations" && hatch) return field;
  if (b === "weight") return ["weight"];
  if (b === "replicas") return ["replicas"];
  if (b === "limits") return c === "cpu" ? ["cpuLimit"] : c === "nvidia.com/gpu" ? ["gpuLimit"] : c === "memory" ? ["memoryLimitGiB"] : c === "nodes" ? ["nodeLimit"] : undefined;
  if (b === "disruption") {
    if (c === "consolidationPolicy" || c === "consolidateAfter") return [c];
    if (c === "budgets") return field.slice(2);
    return undefined;
  }
  if (b === "template" && c === "metadata") return d !== "labels" ? undefined : SHARING_LABELS.includes(String(e)) ? ["gpuSharing"] : ["labels", ...field.slice(4)];
  if (b !== "template" || c !== "spec") return undefined;
  if (d === "expireAfter") return ["expireAfter"];
  if (d === "terminationGracePeriod") return ["terminationGracePeriod"];
  if (d === "nodeClassRef") return e === "name" ? ["nodeClassName"] : undefined;
  if (d === "taints" || d === "startupTaints") return field.slice(3);
  if (d === "requirements") {
    if (typeof e !== "number") return ["requirements"];
    const managed = MANAGED_REQUIREMENT_PROPS.length;
    if (e >= managed) return ["requirements", e - managed, ...rest];
    const prop = MANAGED_REQUIREMENT_PROPS[e];
    return prop ? [prop] : undefined;
  }
  return undefined;
}
