/**
 * Can a GPU pool ever launch a node? Its requirements (the ones the module sets and the user's)
 * are intersected with the GPU instance table; a pool that admits no type, or only types larger
 * than its caps, would synthesize and apply, then leave every GPU pod Pending. This finds the
 * requirement that empties the pool and says why, in the caller's names for the fields.
 */
import { quoted, shortList } from "../core/rules.js";
import { GPU_INSTANCE_TYPES, type GpuInstanceType } from "../karpenter/gpu-instances.js";
import { sharedGpuCapacity, type GpuSharing } from "../karpenter/gpu-sharing.js";
import { closestName, editDistance } from "../core/suggest.js";
import { isEvaluated, labelRequirements, labelValue, normalizedLabelKey, satisfies, type LabelRequirement } from "../karpenter/labels.js";

type Requirement = LabelRequirement;

/** The pool settings launchability depends on (from a pool's config or a GpuNodePool's props). */
export interface PoolShape {
  /** The NodePool's name, for messages. */
  readonly name: string;
  /**
   * The requirements the module sets, in this order: instance category, capacity type,
   * architecture, GPU manufacturer, GPU count (`managedRequirements`).
   */
  readonly managed: readonly Requirement[];
  /** The user's requirements. */
  readonly requirements: readonly Requirement[];
  /** The template labels: Karpenter adds each as `key In [value]` to the requirements. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly cpuLimit: number;
  /** The GPU cap (`nvidia.com/gpu`: slices with sharing), default applied. */
  readonly gpuLimit: number;
  /** How the pool shares its GPUs: a node then advertises slices, not GPUs. */
  readonly sharing?: GpuSharing;
}

/** How the caller names the fields, for messages: config keys or construct props. */
export interface PoolFieldNames {
  /** The pool itself, for requirements the module adds. */
  readonly pool: string;
  readonly instanceCategories: string;
  readonly architectures: string;
  readonly requirement: (index: number) => string;
  readonly label: (key: string) => string;
  readonly cpuLimit: string;
  readonly gpuLimit: string;
}

export interface LaunchProblem {
  /** The field that empties the pool, in the caller's names. */
  readonly field: string;
  readonly problem: string;
}

interface Step {
  readonly field: string;
  /** How the step reads in a message. */
  readonly what: string;
  readonly requirement: Requirement;
}

const show = (r: Requirement) => `${r.key} ${r.operator}${r.values?.length ? ` [${r.values.join(", ")}]` : ""}`;

/** The types admitted by every requirement of `steps` (undecidable ones admit). */
function admittedBy(steps: readonly Step[], types: readonly GpuInstanceType[] = GPU_INSTANCE_TYPES): GpuInstanceType[] {
  return types.filter((t) => steps.every((s) => satisfies(t, s.requirement) !== false));
}

/** Short list of type names: families when a family is whole, else types. */
function describeTypes(types: readonly GpuInstanceType[]): string {
  const families = [...new Set(types.map((t) => t.family))];
  const whole = families.filter((f) => GPU_INSTANCE_TYPES.filter((t) => t.family === f).every((t) => types.includes(t)));
  const parts = [...whole.map((f) => `${f}.*`), ...types.filter((t) => !whole.includes(t.family)).map((t) => t.type)];
  return shortList(parts, 6);
}

/** Why a requirement admits no type of the table on its own: an unknown or wrongly written value. */
function aloneProblem(r: Requirement): string {
  const known = [...new Set(GPU_INSTANCE_TYPES.map((t) => labelValue(t, r.key)!))];
  if (r.operator === "In" && r.values?.length) {
    const unknown = r.values.filter((v) => !known.includes(v));
    const hints = unknown.map((v) => {
      const lower = known.find((k) => k === v.toLowerCase());
      return lower ? `${quoted(v)} (the label's values are lower case: ${quoted(lower)})` : quoted(v);
    });
    const list = known.length <= 40 ? `; known values: ${known.sort().join(", ")}` : "";
    return `no GPU instance type has ${r.key} ${hints.join(" or ")}${list}`;
  }
  return `no GPU instance type satisfies it`;
}

/**
 * Every reason the pool can never launch a node; empty when it can. Requirements on labels the
 * table does not know (zones, capacity type, ...) are taken to admit every type.
 */
export function launchProblems(pool: PoolShape, names: PoolFieldNames): LaunchProblem[] {
  const [category, , arch, manufacturer, gpuCount] = pool.managed;
  const steps: Step[] = [
    { field: names.instanceCategories, what: names.instanceCategories, requirement: category },
    { field: names.architectures, what: names.architectures, requirement: arch },
    { field: names.pool, what: "the module's NVIDIA-only requirement", requirement: manufacturer },
    { field: names.pool, what: "the module's whole-GPU requirement", requirement: gpuCount },
    ...pool.requirements.map((r, i) => ({ field: names.requirement(i), what: names.requirement(i), requirement: r })),
    ...labelRequirements(pool.labels).map((r) => ({ field: names.label(r.key), what: `the label ${names.label(r.key)}`, requirement: r })),
  ];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (admittedBy(steps.slice(0, i + 1)).length > 0) continue;
    const alone = admittedBy([step]);
    if (alone.length === 0) {
      return [{ field: step.field, problem: `${show(step.requirement)} leaves pool ${pool.name} no instance type to launch: ${aloneProblem(step.requirement)}` }];
    }
    // The step admits types on its own: name the earlier steps that exclude them.
    const excluders = steps.slice(0, i).filter((s) => alone.some((t) => satisfies(t, s.requirement) === false));
    const by = excluders.map((s) => `${s.what} (${show(s.requirement)})`).join(" and ");
    return [{ field: step.field, problem: `${show(step.requirement)} leaves pool ${pool.name} no instance type to launch: the types it admits (${describeTypes(alone)}) are all excluded by ${by}` }];
  }
  // Types remain: can one of them fit within the caps?
  const admitted = admittedBy(steps);
  const gpuLimit = pool.gpuLimit;
  // What a node counts against the GPU cap: its GPUs, or its slices with sharing.
  const advertised = (t: GpuInstanceType) => (pool.sharing ? sharedGpuCapacity(t, pool.sharing) : t.gpus);
  if (!admitted.some((t) => t.vcpu <= pool.cpuLimit && advertised(t) <= gpuLimit)) {
    const smallest = [...admitted].sort((a, b) => a.vcpu - b.vcpu || advertised(a) - advertised(b))[0];
    const field = smallest.vcpu > pool.cpuLimit ? names.cpuLimit : names.gpuLimit;
    const gpus = `${smallest.gpus} GPU${smallest.gpus === 1 ? "" : "s"}${pool.sharing ? ` (${advertised(smallest)} nvidia.com/gpu shared)` : ""}`;
    return [{
      field,
      problem: `no instance type pool ${pool.name} admits fits within its caps (cpu ${pool.cpuLimit}, nvidia.com/gpu ${gpuLimit}): the smallest, ${smallest.type}, has ${smallest.vcpu} vCPUs and ${gpus}, so the pool can never launch a node`,
    }];
  }
  return [];
}

/**
 * Typos in a requirement, as errors at the field they are in (`key`, `values[k]`):
 * - a key a few edits from one of Karpenter's well-known labels: as written it would be a custom
 *   label the pool's nodes get, and it would narrow nothing;
 * - an `In` or `NotIn` value on a key the GPU instance table knows (family, type, GPU name,
 *   category, size, generation, ...) that no GPU type of the table has, with the nearest known
 *   values. Karpenter would quietly use the other values (`In`) or exclude nothing (`NotIn`).
 * The table is Karpenter 1.14's instance-types reference: a type newer than it is refused like a
 * typo, as a pool naming only such a type already was (it admits no type of the table).
 */
export function requirementTypoProblems(r: Requirement, wellKnown: ReadonlySet<string>): { path: ["key"] | ["values", number]; problem: string }[] {
  const key = normalizedLabelKey(r.key);
  if (!wellKnown.has(key)) {
    const meant = closestName(r.key, [...wellKnown]);
    return meant ? [{ path: ["key"], problem: `${quoted(r.key)} is not a label Karpenter knows; did you mean ${quoted(meant)}? As written it would be a custom label the pool's nodes get, and it would narrow nothing` }] : [];
  }
  if ((r.operator !== "In" && r.operator !== "NotIn") || !isEvaluated(key)) return [];
  const known = [...new Set(GPU_INSTANCE_TYPES.map((t) => labelValue(t, key)!))].sort();
  return (r.values ?? []).flatMap((v, k) => {
    if (known.includes(v)) return [];
    return [{ path: ["values", k] as ["values", number], problem: `${quoted(v)}: no GPU instance type in the module's table (Karpenter 1.14's instance-types reference) has ${key} ${quoted(v)}; ${nearest(v, known)}` }];
  });
}

/** "did you mean" the closest known value, or the known values (nearest first when many). */
function nearest(value: string, known: readonly string[]): string {
  const lower = known.find((k) => k === value.toLowerCase());
  if (lower) return `the label's values are lower case: ${quoted(lower)}`;
  // Values are short: a did-you-mean needs at most one edit per three characters ("g6ee" → "g6e"), else "zz" would mean "g5".
  const meant = closestName(value, known);
  if (meant && editDistance(value.toLowerCase(), meant.toLowerCase()) <= Math.max(1, Math.floor(value.length / 3))) return `did you mean ${quoted(meant)}?`;
  if (known.length <= 12) return `known values: ${known.join(", ")}`;
  const byDistance = [...known].sort((a, b) => editDistance(value.toLowerCase(), a.toLowerCase()) - editDistance(value.toLowerCase(), b.toLowerCase()));
  return `nearest known values: ${byDistance.slice(0, 5).join(", ")}`;
}
