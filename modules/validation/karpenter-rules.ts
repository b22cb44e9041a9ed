/**
 * Rules on node pools and node classes that the Karpenter CRDs do not state (those are checked
 * from the CRDs themselves, see crd.ts): what the Karpenter controller and EBS enforce, and what
 * this module needs. Shared by the configuration schema (paths like
 * `nodePools[0].requirements[1].values`) and the GpuNodePool / GpuNodeClass constructs (props
 * like `requirements[1].values`), so a rule is written once.
 *
 * Each returns `{ field, problem }` pairs with the field relative to the object checked.
 */
import { MAX_AWS_TAGS, quantityValue, quoted, shortList } from "../core/rules.js";
import { closestName } from "../core/suggest.js";
import { GPU_INSTANCE_TYPES, type GpuInstanceType } from "../karpenter/gpu-instances.js";
import { MAX_TIME_SLICING_REPLICAS, SHARING_LABELS, sliceBounds, type GpuSharing } from "../karpenter/gpu-sharing.js";
import { MIG_WITHOUT_COUNTS, migConfigName, migConfigNames, migGpuOf, migSlices } from "../karpenter/mig-profiles.js";
import { normalizedLabelKey } from "../karpenter/labels.js";
import { GP3_DEFAULTS, type RootVolumeProps } from "../karpenter/node-class-spec.js";
import { defaultGpuLimit } from "../karpenter/node-pool-spec.js";
import type { Requirement, Taint } from "../karpenter/node-pool-spec.js";

export interface FieldProblem {
  readonly field: string;
  readonly problem: string;
}

/** Requirement keys the pool sets from its own settings; a requirement may not repeat them. */
export const MANAGED_REQUIREMENT_KEYS: Readonly<Record<string, string>> = {
  "karpenter.k8s.aws/instance-category": "set instanceCategories instead",
  "karpenter.sh/capacity-type": "set capacityTypes instead",
  "kubernetes.io/arch": "set architectures instead",
  "karpenter.k8s.aws/instance-gpu-manufacturer": "it is always nvidia in a GPU pool; remove this requirement",
};

/**
 * A user requirement: not one the pool manages, and no values with Exists / DoesNotExist (the
 * controller ignores them). Key patterns and restrictions, In without values, the Gt/Lt/Gte/Lte
 * value and minValues are the CRD's rules.
 */
export function requirementProblems(r: Requirement): FieldProblem[] {
  const out: FieldProblem[] = [];
  const managedBy = MANAGED_REQUIREMENT_KEYS[normalizedLabelKey(r.key)];
  if (managedBy) out.push({ field: "key", problem: `${quoted(r.key)} is set by the pool itself: ${managedBy}` });
  const n = r.values?.length ?? 0;
  if ((r.operator === "Exists" || r.operator === "DoesNotExist") && n > 0) out.push({ field: "values", problem: `must be empty with operator ${r.operator}` });
  return out;
}

/**
 * Template labels: not on a key the pool manages. Karpenter adds each label to the pool's
 * requirements (karpenter/labels.ts, `labelRequirements`), so `kubernetes.io/arch: arm64` would
 * quietly override `architectures`. Returns the label keys at fault.
 */
export function templateLabelProblems(labels: Readonly<Record<string, string>>): FieldProblem[] {
  return Object.keys(labels).flatMap((key) => {
    const managedBy = MANAGED_REQUIREMENT_KEYS[normalizedLabelKey(key)];
    return managedBy ? [{ field: key, problem: `is set by the pool itself (Karpenter reads a template label as a requirement): ${managedBy.replace("remove this requirement", "remove this label")}` }] : [];
  });
}

/** Taints: one value per key and effect on a node. */
export function taintProblems(taints: readonly Taint[]): FieldProblem[] {
  const seen = new Set<string>();
  return taints.flatMap((t, i) => {
    const id = `${t.key}:${t.effect}`;
    const dup = seen.has(id);
    seen.add(id);
    return dup ? [{ field: `${i}`, problem: `conflicts with an earlier taint with key ${quoted(t.key)} and effect ${t.effect}; a node carries one value per key and effect` }] : [];
  });
}

/** The smallest GPU instance has 4 vCPUs; a CPU cap below that admits no node. */
export function cpuLimitProblem(cpu: number): string | undefined {
  if (!Number.isInteger(cpu) || cpu < 4) return `must be a whole number of vCPUs, at least 4 (the smallest GPU instance has 4) (got ${cpu})`;
  if (cpu > MAX_CPU_LIMIT) return `must be at most ${MAX_CPU_LIMIT} vCPUs (got ${cpu}): a cap no EC2 quota reaches caps nothing`;
  return undefined;
}

/** The largest CPU cap accepted: about 5,200 of the largest GPU instances (192 vCPUs). */
export const MAX_CPU_LIMIT = 1_000_000;

/**
 * A GPU cap is a positive whole number the CPU cap can reach (no GPU type has fewer than 4 vCPUs
 * per GPU); with time-slicing it counts slices (`replicas` per GPU).
 */
export function gpuLimitProblem(gpus: number, cpu: number, sharing?: GpuSharing): string | undefined {
  if (!Number.isInteger(gpus) || gpus < 1) return `must be a whole number of GPUs, at least 1 (got ${gpus})`;
  const reachable = defaultGpuLimit(cpu, sharing);
  if (gpus > reachable) {
    const what = sharing ? `GPU slices (${Math.floor(cpu / 4)} GPUs, no GPU instance having fewer than 4 vCPUs per GPU, × ${sliceBounds(sharing).max} slices${sharing.mig ? ` at most per GPU with ${sharing.mig.profile}` : ""})` : "GPUs (no GPU instance has fewer than 4 vCPUs per GPU)";
    return `is ${gpus}, but limits.cpu ${cpu} admits at most ${reachable} ${what}: raise limits.cpu or lower limits.gpus`;
  }
  return undefined;
}

/** The config names of the MIG manager the module cannot promise a capacity for, and why. */
const REFUSED_MIG_CONFIGS: Readonly<Record<string, string>> = {
  "all-disabled": "turns MIG off: leave gpuSharing out for whole GPUs",
  "all-enabled": "turns MIG on without creating instances, so the node advertises no GPU",
  "all-balanced": "mixes profiles on each GPU, which needs the device plugin's mixed MIG strategy (resources nvidia.com/mig-<profile>); the module uses the single strategy, where every instance is one nvidia.com/gpu",
};

/**
 * GPU sharing settings: exactly one of timeSlicing and mig; whole replicas from 2 to
 * MAX_TIME_SLICING_REPLICAS; a MIG config the MIG manager writes for some GPU (all-<profile>) and
 * that every type the pool admits has (`admitted`: the pool's types, as far as the instance table
 * tells); and none of the sharing labels set by hand (field `labels/<key>`).
 */
export function gpuSharingProblems(sharing: GpuSharing, labels: Readonly<Record<string, string>> | undefined, admitted: readonly GpuInstanceType[]): FieldProblem[] {
  const out: FieldProblem[] = [];
  if ((sharing.timeSlicing === undefined) === (sharing.mig === undefined)) {
    out.push({ field: "", problem: "must set exactly one of timeSlicing and mig" });
  } else if (sharing.timeSlicing) {
    const replicas = sharing.timeSlicing.replicas;
    if (!Number.isInteger(replicas) || replicas < 2 || replicas > MAX_TIME_SLICING_REPLICAS) {
      out.push({ field: "timeSlicing.replicas", problem: `must be a whole number of slices per GPU from 2 to ${MAX_TIME_SLICING_REPLICAS} (got ${quoted(replicas)})` });
    }
  } else if (sharing.mig) {
    const problem = migProfileProblem(sharing.mig.profile, admitted);
    if (problem) out.push({ field: "mig.profile", problem });
  }
  for (const key of SHARING_LABELS) {
    if (labels && Object.hasOwn(labels, key)) out.push({ field: `labels/${key}`, problem: `is set by the module from gpuSharing (the GPU Operator's sharing config, or the device plugin held until MIG is applied: the NodeOverlays count on it); remove this label` });
  }
  return out;
}

/** Where a gpuSharingProblems field sits in a pool (config keys and construct props alike). */
export function sharingProblemPath(field: string): string[] {
  if (field.startsWith("labels/")) return ["labels", field.slice("labels/".length)];
  return ["gpuSharing", ...(field ? field.split(".") : [])];
}

/** A MIG config name the module can count on every admitted type, or why not. */
function migProfileProblem(profile: string, admitted: readonly GpuInstanceType[]): string | undefined {
  const known = migConfigNames();
  if (Object.hasOwn(REFUSED_MIG_CONFIGS, profile)) return `is ${quoted(profile)}, which ${REFUSED_MIG_CONFIGS[profile]}; pick one profile for every GPU, such as all-1g.10gb`;
  if (!known.includes(profile)) {
    const hint = closestName(profile, known) ?? (known.includes(`all-${profile}`) ? `all-${profile}` : closestName(`all-${profile.replaceAll("+", ".")}`, known));
    return `is ${quoted(profile)}, which is no MIG config of a GPU the module knows: ${hint ? `did you mean ${hint}? ` : ""}the MIG manager names them all-<profile> (${shortList(known, 6)})`;
  }
  const lacking = new Map<string, string[]>();
  for (const t of admitted) {
    if (migSlices(profile, t) !== undefined) continue;
    const gpu = migGpuOf(t);
    const why = gpu ? `${t.gpuName} ${Math.round(t.gpuMemoryMiB / 1024)} GB: ${shortList(Object.keys(gpu.profiles).map(migConfigName), 3)}` : `${t.gpuName}: ${MIG_WITHOUT_COUNTS.has(t.gpuName) ? "MIG, with no instance counts the module can source" : "no MIG"}`;
    lacking.set(why, [...(lacking.get(why) ?? []), t.type]);
  }
  if (lacking.size === 0) return undefined;
  const fit = GPU_INSTANCE_TYPES.filter((t) => migSlices(profile, t) !== undefined).map((t) => t.family);
  const detail = [...lacking].map(([why, types]) => `${shortList(types, 3)} (${why})`).join("; ");
  return `is ${quoted(profile)}, but the pool admits types whose GPU has no such MIG profile: ${detail}. Only ${[...new Set(fit)].join(", ")} have it: restrict the pool to them (requirements on karpenter.k8s.aws/instance-family), or use timeSlicing`;
}

/** IOPS limits per volume type: the most per GiB, and in all. */
const IOPS_LIMITS = { gp3: { perGiB: 500, max: 80000 }, io1: { perGiB: 50, max: 64000 }, io2: { perGiB: 1000, max: 256000 } } as const;

/** EBS rules for a root volume, with this module's gp3 defaults applied. */
export function rootVolumeProblems(v: RootVolumeProps): FieldProblem[] {
  const out: FieldProblem[] = [];
  const type = v.type ?? "gp3";
  const size = v.sizeGiB ?? 200;
  if (!Number.isInteger(size) || size < 20 || size > 16384) out.push({ field: "sizeGiB", problem: `must be a whole number of GiB from 20 to 16384 (got ${size})` });
  if (v.throughputMiBps !== undefined && type !== "gp3") out.push({ field: "throughputMiBps", problem: `applies to gp3 volumes only (type is ${type})` });
  if (type === "gp2") {
    if (v.iops !== undefined) out.push({ field: "iops", problem: "does not apply to gp2 volumes (their IOPS follow their size); use gp3" });
    return out;
  }
  if ((type === "io1" || type === "io2") && v.iops === undefined) out.push({ field: "iops", problem: `is required for ${type} volumes` });
  const iops = v.iops ?? (type === "gp3" ? GP3_DEFAULTS.iops : undefined);
  if (iops !== undefined) {
    const limit = IOPS_LIMITS[type];
    const most = Math.min(limit.max, limit.perGiB * size);
    if (!Number.isInteger(iops) || iops < 3000 || iops > most) {
      out.push({ field: "iops", problem: `must be a whole number from 3000 to ${most} for a ${size} GiB ${type} volume (${type} allows ${limit.perGiB} IOPS per GiB, ${limit.max} at most) (got ${iops})` });
    }
  }
  if (type === "gp3") {
    const throughput = v.throughputMiBps ?? GP3_DEFAULTS.throughputMiBps;
    const gp3Iops = iops ?? GP3_DEFAULTS.iops;
    if (!Number.isInteger(throughput) || throughput < 125 || throughput > 2000) {
      out.push({ field: "throughputMiBps", problem: `must be a whole number of MiB/s from 125 to 2000 (got ${throughput})` });
    } else if (throughput > gp3Iops / 4) {
      out.push({ field: "throughputMiBps", problem: `is ${throughput} MiB/s, but gp3 allows at most IOPS / 4 = ${Math.floor(gp3Iops / 4)} MiB/s with ${gp3Iops} IOPS: raise iops or lower throughputMiBps` });
    }
  }
  return out;
}

/** AL2023 aliases only: the node class sets amiFamily AL2023 and the AL2023 root device /dev/xvda. */
export function amiAliasProblem(alias: string): string | undefined {
  return /^al2023@(latest|v[0-9]+)$/.test(alias) ? undefined : `must be an AL2023 AMI alias such as "al2023@latest" or "al2023@v20250101" (got ${quoted(alias)})`;
}

/** The EC2NodeClass CRD's pattern for a placement group ID. */
const PLACEMENT_GROUP_ID = /^pg-[0-9a-z]+$/;

/** What is wrong with a placement group reference, or undefined. */
export function placementGroupProblems(pg: { readonly name?: unknown; readonly id?: unknown }): { field: string; problem: string }[] {
  const hasName = pg.name !== undefined;
  const hasId = pg.id !== undefined;
  if (hasName && hasId) return [{ field: "", problem: `must set name or id, not both (got name ${quoted(pg.name)} and id ${quoted(pg.id)})` }];
  if (!hasName && !hasId) return [{ field: "", problem: "must set name (the placement group's name) or id (pg-...)" }];
  // EC2: a placement group name is up to 255 ASCII characters.
  if (hasName && (typeof pg.name !== "string" || !/^[\x20-\x7e]{1,255}$/.test(pg.name))) return [{ field: "name", problem: `must be a placement group name: 1-255 ASCII characters (got ${quoted(pg.name)})` }];
  if (hasId && (typeof pg.id !== "string" || !PLACEMENT_GROUP_ID.test(pg.id))) return [{ field: "id", problem: `must be a placement group ID such as "pg-0123456789abcdef0" (got ${quoted(pg.id)})` }];
  return [];
}

/** The largest budget node count: Karpenter reads a count into an int32 (see budgetNodesProblem). */
export const MAX_BUDGET_NODES = 2_147_483_647;

/**
 * A budget's `nodes`: a count or a percentage (the CRD's pattern, checked here with the same
 * rule), and a count that fits an int32. Karpenter v1.14.1 turns a count into
 * `intstr.FromInt(strconv.Atoi(nodes))` (kubernetes-sigs/karpenter pkg/apis/v1/nodepool.go,
 * `GetIntStrFromValue`), which keeps only the low 32 bits: 4294967296 would become 0 and block
 * every disruption.
 */
export function budgetNodesProblem(nodes: string): string | undefined {
  const expected = `must be a count such as "1" or a percentage such as "10%"`;
  if (!/^((100|[0-9]{1,2})%|[0-9]+)$/.test(nodes)) return `${expected} (got ${quoted(nodes)})`;
  if (!nodes.endsWith("%") && Number(nodes) > MAX_BUDGET_NODES) return `must be at most ${MAX_BUDGET_NODES} nodes (got ${nodes}): Karpenter reads the count as a 32-bit integer`;
  return undefined;
}

/** Go's time.Duration: at most 2^63 - 1 nanoseconds (about 292 years, 2562047h47m16.854775807s). */
const MAX_GO_DURATION_NS = 2n ** 63n - 1n;
const NS_PER_UNIT: Readonly<Record<string, bigint>> = { h: 3_600_000_000_000n, m: 60_000_000_000n, s: 1_000_000_000n };

/**
 * A duration Karpenter can hold: its fields are Go `time.Duration`s (metav1.Duration, parsed with
 * `time.ParseDuration`, which refuses anything past 2^63 - 1 nanoseconds as "invalid duration").
 * The CRD patterns allow any number of digits, so `9999999h` passes the API server and then cannot
 * be read by the controller. Takes the CRD's forms (digits and h/m/s units, or `Never`); other
 * text is left to the CRD check.
 */
export function goDurationProblem(text: string): string | undefined {
  if (text === "Never" || !/^([0-9]+[hms])+$/.test(text)) return undefined;
  let ns = 0n;
  for (const [, digits, unit] of text.matchAll(/([0-9]+)([hms])/g)) ns += BigInt(digits) * NS_PER_UNIT[unit];
  return ns > MAX_GO_DURATION_NS ? `must be at most 2562047h (about 292 years: Go's time.Duration) (got ${quoted(text)})` : undefined;
}

/**
 * The tags Karpenter v1.14.1 puts on every instance, volume and launch template of a node class
 * besides the class's `spec.tags`: `kubernetes.io/cluster/<cluster>`, `karpenter.sh/nodepool`,
 * `eks:eks-cluster-name`, `karpenter.k8s.aws/ec2nodeclass` (aws/karpenter-provider-aws
 * pkg/utils/utils.go, `GetTags`), then `Name` and `karpenter.sh/nodeclaim` on the instance
 * (pkg/controllers/nodeclaim/tagging/controller.go).
 */
export function karpenterInstanceTagKeys(clusterName: string): string[] {
  return [`kubernetes.io/cluster/${clusterName}`, "karpenter.sh/nodepool", "eks:eks-cluster-name", "karpenter.k8s.aws/ec2nodeclass", "Name", "karpenter.sh/nodeclaim"];
}

/**
 * Whether an instance of a class with these `spec.tags` keys (the module's global tags, the
 * class's own and the discovery tag) stays within EC2's 50 tags once Karpenter adds its own: a
 * launch past the limit fails for every instance of the class.
 */
export function instanceTagCountProblem(specTagKeys: Iterable<string>, clusterName: string): string | undefined {
  const spec = new Set(specTagKeys);
  const all = new Set([...spec, ...karpenterInstanceTagKeys(clusterName)]);
  if (all.size <= MAX_AWS_TAGS) return undefined;
  return `gives each instance ${all.size} tags (${spec.size} of the node class, ${all.size - spec.size} that Karpenter adds); EC2 allows at most ${MAX_AWS_TAGS} on a resource, so every launch would fail: remove ${all.size - MAX_AWS_TAGS}`;
}

/**
 * A kubelet eviction threshold (`evictionHard` / `evictionSoft` value) the kubelet accepts. The
 * CRD's pattern allows an empty string, zero and negative quantities; the kubelet then fails to
 * start (kubernetes pkg/kubelet/eviction/helpers.go, `parseThresholdStatement`: a quantity must
 * parse and be positive, a percentage lie in 0-100%, and `0%` / `100%` are dropped without a
 * word), so the node never joins. Checked after the CRD's pattern: only its forms reach here.
 */
export function evictionThresholdProblem(value: string): string | undefined {
  const expected = `must be a positive quantity such as "500Mi" or a percentage such as "10%"`;
  if (value === "") return `${expected} (got ""): the kubelet cannot parse an empty threshold and would not start`;
  if (value.endsWith("%")) {
    const percent = Number(value.slice(0, -1));
    if (!(percent >= 0 && percent <= 100)) return `${expected} (got ${quoted(value)}): the kubelet takes percentages from 0% to 100% only`;
    // "0%" and "100%" are dropped; other spellings of 0 never trigger, of 100 evict every pod.
    if (percent === 0 || percent === 100) return `${expected} between 0% and 100% (got ${quoted(value)}): the kubelet ignores "0%" and "100%", another 0 never triggers and another 100 evicts every pod; leave the signal out instead`;
    return undefined;
  }
  const amount = quantityValue(value);
  if (amount === undefined) return undefined; // not a quantity: the CRD's pattern reports it
  if (amount === 0) return `${expected} (got ${quoted(value)}): the kubelet refuses a zero threshold and would not start`;
  if (amount < 0) return `${expected} (got ${quoted(value)}): the kubelet refuses a negative threshold and would not start`;
  return undefined;
}
