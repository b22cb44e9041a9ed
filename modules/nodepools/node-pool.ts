import type { Manifest } from "@cdktf/provider-kubernetes/lib/manifest/index.js";
import { Lazy, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import type { NodePool } from "../../.gen/karpenter/nodepool.js";
import { k8sNameProblem, throwIfProblems, warn } from "../core/rules.js";
import { ReplaceTrigger } from "../core/trigger.js";
import type { NodeOverlay } from "../../.gen/karpenter/nodeoverlay.js";
import { admittedInstanceTypes } from "../karpenter/efa.js";
import { buildGpuSharingOverlays } from "../karpenter/gpu-sharing.js";
import { buildGpuNodePool, defaultGpuLimit, managedRequirements, nodePoolPropOf, type GpuNodePoolProps } from "../karpenter/node-pool-spec.js";
import { scheduleProblem } from "../validation/cron.js";
import { budgetNodesProblem, cpuLimitProblem, goDurationProblem, gpuLimitProblem, gpuSharingProblems, requirementProblems, sharingProblemPath, taintProblems, templateLabelProblems } from "../validation/karpenter-rules.js";
import { WELL_KNOWN_LABELS } from "../validation/karpenter-runtime.js";
import { launchProblems, requirementTypoProblems, type PoolFieldNames } from "../validation/launchability.js";
import { nodePoolSpecProblems } from "../validation/escape-hatch.js";
import { formatFieldPath } from "../core/field-path.js";
import { manifestOf } from "./manifest.js";
import { GpuNodeClass } from "./node-class.js";

/** GpuNodePool's prop names, for launchability messages. */
const PROP_NAMES: PoolFieldNames = {
  pool: "instanceCategories",
  instanceCategories: "instanceCategories",
  architectures: "architectures",
  requirement: (i) => `requirements[${i}]`,
  label: (key) => `labels[${JSON.stringify(key)}]`,
  cpuLimit: "cpuLimit",
  gpuLimit: "gpuLimit",
};

/**
 * What the NodePool CRD allows a static pool (`replicas`) and a dynamic one, in prop names: a
 * static pool takes only a node limit, no weight; a dynamic one needs a CPU cap.
 */
function staticPoolProblems(props: GpuNodePoolProps): { prop: string; problem: string | undefined }[] {
  const wholeNodes = (v: number | undefined, min: number) => (v === undefined || (Number.isInteger(v) && v >= min) ? undefined : `must be a whole number of nodes, at least ${min} (got ${v})`);
  if (props.replicas === undefined) {
    return [
      { prop: "cpuLimit", problem: props.cpuLimit === undefined ? "is required unless replicas is set (a static pool)" : undefined },
      { prop: "nodeLimit", problem: wholeNodes(props.nodeLimit, 1) },
    ];
  }
  const notStatic = (what: string) => `is not allowed with replicas: ${what}; remove it`;
  return [
    { prop: "replicas", problem: wholeNodes(props.replicas, 0) },
    { prop: "nodeLimit", problem: wholeNodes(props.nodeLimit, 1) ?? (props.nodeLimit !== undefined && props.nodeLimit < props.replicas ? `is ${props.nodeLimit}, less than replicas (${props.replicas}): Karpenter would stop at ${props.nodeLimit} nodes` : undefined) },
    { prop: "cpuLimit", problem: props.cpuLimit !== undefined ? notStatic("a static NodePool allows only a node limit (nodeLimit)") : undefined },
    { prop: "gpuLimit", problem: props.gpuLimit !== undefined ? notStatic("a static NodePool allows only a node limit (nodeLimit)") : undefined },
    { prop: "memoryLimitGiB", problem: props.memoryLimitGiB !== undefined ? notStatic("a static NodePool allows only a node limit (nodeLimit)") : undefined },
    { prop: "weight", problem: props.weight !== undefined ? notStatic("Karpenter refuses weight on a static NodePool") : undefined },
  ];
}

/** GpuNodePool's props: the NodePool's, with the node class given by name or as the construct. */
export interface GpuNodePoolConstructProps extends Omit<GpuNodePoolProps, "nodeClassName"> {
  /**
   * The GpuNodeClass the pool launches with: its name goes into `nodeClassRef`, and the pool
   * depends on it, so the class is Ready before the pool is applied.
   * @default - `nodeClassName`
   */
  readonly nodeClass?: GpuNodeClass;
  /**
   * The EC2NodeClass's name, for a class made elsewhere (add the dependency yourself with `dependsOn`). Give this or `nodeClass`.
   * @default - the name of `nodeClass`
   */
  readonly nodeClassName?: string;
  /** The Kubernetes provider of the manifests (an aliased one for a second cluster in the stack). @default - the stack's default Kubernetes provider */
  readonly provider?: TerraformProvider;
}

/** A NodePool applied as a `kubernetes_manifest`, validated against the pinned Karpenter CRD (schema and CEL rules) at synth. */
export class GpuNodePool extends Construct {
  /** The typed object (what is applied). */
  public readonly model: NodePool;
  /** The `kubernetes_manifest`. Escape hatch. */
  public readonly manifest: Manifest;
  /** The NodePool's name. */
  public readonly name: string;
  /** With `gpuSharing`: the NodeOverlays, one per GPU count the pool admits. Escape hatches. */
  public readonly overlays: readonly Manifest[];
  /** With `gpuSharing`: the overlays as data. */
  public readonly overlayModels: readonly NodeOverlay[];

  constructor(scope: Construct, id: string, constructProps: GpuNodePoolConstructProps) {
    super(scope, id);
    const { nodeClass, provider, ...rest } = constructProps;
    // The class construct gives the name and the dependency: it must be Ready before the pool.
    const props: GpuNodePoolProps = {
      ...rest,
      nodeClassName: nodeClass?.name ?? rest.nodeClassName ?? "",
      dependsOn: nodeClass ? [...(rest.dependsOn ?? []), nodeClass.manifest] : rest.dependsOn,
    };
    this.name = props.name;
    const isStatic = props.replicas !== undefined;
    // A static pool has no CPU or GPU cap: any type it admits fits.
    const cpuLimit = isStatic ? Infinity : props.cpuLimit;
    const typos = (props.requirements ?? []).flatMap((r, i) => requirementTypoProblems(r, WELL_KNOWN_LABELS).map((t) => ({ prop: formatFieldPath(["requirements", i, ...t.path]), problem: t.problem })));
    throwIfProblems(this, "GpuNodePool", [
      { prop: "name", problem: k8sNameProblem(props.name) },
      {
        prop: "nodeClassName",
        problem:
          nodeClass && rest.nodeClassName !== undefined && rest.nodeClassName !== nodeClass.name
            ? `is ${JSON.stringify(rest.nodeClassName)}, but nodeClass is ${JSON.stringify(nodeClass.name)}: give one of the two`
            : !nodeClass && rest.nodeClassName === undefined
              ? "is required unless nodeClass is given (the GpuNodeClass construct)"
              : k8sNameProblem(props.nodeClassName),
      },
      ...staticPoolProblems(props),
      { prop: "cpuLimit", problem: isStatic || props.cpuLimit === undefined ? undefined : cpuLimitProblem(props.cpuLimit) },
      { prop: "gpuLimit", problem: isStatic || props.gpuLimit === undefined || props.cpuLimit === undefined ? undefined : gpuLimitProblem(props.gpuLimit, props.cpuLimit, props.gpuSharing) },
      ...(props.gpuSharing ? gpuSharingProblems(props.gpuSharing, props.labels, admittedInstanceTypes(props)).map((p) => ({ prop: formatFieldPath(sharingProblemPath(p.field)), problem: p.problem })) : []),
      {
        prop: "capacityReservationType",
        problem:
          props.capacityReservationType !== undefined && !(props.capacityTypes ?? []).includes("reserved")
            ? `is ${JSON.stringify(props.capacityReservationType)}, but capacityTypes does not list "reserved": reservations are launched as capacity type reserved; add it, or remove capacityReservationType`
            : undefined,
      },
      {
        prop: "memoryLimitGiB",
        problem: props.memoryLimitGiB === undefined || (Number.isInteger(props.memoryLimitGiB) && props.memoryLimitGiB > 0) ? undefined : `must be a positive whole number of GiB (got ${props.memoryLimitGiB})`,
      },
      ...(props.requirements ?? []).flatMap((r, i) => requirementProblems(r).map((p) => ({ prop: `requirements[${i}].${p.field}`, problem: p.problem }))),
      ...taintProblems(props.taints ?? []).map((p) => ({ prop: `taints[${p.field}]`, problem: p.problem })),
      ...taintProblems(props.startupTaints ?? []).map((p) => ({ prop: `startupTaints[${p.field}]`, problem: p.problem })),
      ...nodePoolSpecProblems(props.spec ?? {}).map((p) => ({ prop: formatFieldPath(["spec", ...p.path]), problem: p.problem })),
      ...templateLabelProblems(props.labels ?? {}).map((p) => ({ prop: `labels[${JSON.stringify(p.field)}]`, problem: p.problem })),
      // Before the CRD check, whose schedule pattern backtracks on long text (validation/cron.ts).
      ...(props.budgets ?? []).flatMap((budget, i) => [
        { prop: `budgets[${i}].nodes`, problem: budgetNodesProblem(budget.nodes) },
        { prop: `budgets[${i}].schedule`, problem: budget.schedule === undefined ? undefined : scheduleProblem(budget.schedule) },
        { prop: `budgets[${i}].duration`, problem: budget.duration === undefined ? undefined : goDurationProblem(budget.duration) },
      ]),
      ...(["expireAfter", "consolidateAfter", "terminationGracePeriod"] as const).map((prop) => ({ prop, problem: props[prop] === undefined ? undefined : goDurationProblem(props[prop]) })),
      ...typos,
      // A typo is named where it is; the pool's launchability is asked only without one.
      ...(cpuLimit === undefined || typos.length
        ? []
        : launchProblems(
            { name: props.name, managed: managedRequirements(props), requirements: props.requirements ?? [], labels: props.labels, cpuLimit, gpuLimit: isStatic ? Infinity : (props.gpuLimit ?? defaultGpuLimit(cpuLimit, props.gpuSharing)), sharing: props.gpuSharing },
            PROP_NAMES,
          ).map((p) => ({ prop: p.field, problem: p.problem }))),
    ]);
    this.model = buildGpuNodePool(props);
    const expireAfter = this.model.spec.template.spec.expireAfter;
    if (expireAfter !== "Never" && props.terminationGracePeriod === undefined) {
      warn(
        this,
        `NodePool ${props.name}: expireAfter is ${expireAfter} and terminationGracePeriod is not set. Karpenter deletes an expired node at once, ` +
          "outside the disruption budgets and without starting a replacement first; a pod with karpenter.sh/do-not-disrupt or a blocking PodDisruptionBudget then keeps the node cordoned (and billed) until it ends" +
          (isStatic ? ", and a static pool's nodes, started together, expire together" : "") +
          ". Set terminationGracePeriod to bound the drain, or expireAfter: Never to replace nodes only on drift.",
      );
    }
    // The CRD refuses switching between static and dynamic as an update: a change of kind replaces the NodePool.
    const kind = new ReplaceTrigger(this, "kind", isStatic ? "static" : "dynamic");
    this.manifest = manifestOf(this, "manifest", this.model, `NodePool ${props.name}`, (field) => nodePoolPropOf(field, props.spec), {
      dependsOn: props.dependsOn,
      // The trigger's output, not the resource: adding the trigger to an existing pool replaces
      // nothing. A plain address: Terraform takes no `${...}` in replace_triggered_by.
      lifecycle: { replaceTriggeredBy: [Lazy.stringValue({ produce: () => `${kind.terraformResourceType}.${kind.friendlyUniqueId}.output` })] },
      wait: { condition: [{ type: "Ready", status: "True" }] },
      // Deleting a pool drains and terminates its nodes (finalizers); GPU pods may take a while.
      timeouts: { create: "10m", update: "10m", delete: "30m" },
      // `kubectl scale nodepool` (the CRD has a scale subresource) makes kubectl a manager of
      // spec.replicas; without forcing, the next server-side apply would fail on that conflict.
      ...(props.replicas !== undefined ? { fieldManager: { name: "Terraform", forceConflicts: true } } : {}),
      provider,
    });
    // What the sharing pool's nodes will advertise, for Karpenter's scheduling simulation (alpha: the nodeOverlay gate).
    this.overlayModels = props.gpuSharing ? buildGpuSharingOverlays(props.name, props.gpuSharing, admittedInstanceTypes(props)) : [];
    this.overlays = this.overlayModels.map((overlay) =>
      // Terraform drops the dots of a MIG profile from an address: written as `_` instead.
      manifestOf(this, `overlay-${overlay.metadata.name.slice(props.name.length + 1).replaceAll(".", "_")}`, overlay, `NodeOverlay ${overlay.metadata.name}`, () => ["gpuSharing"], {
        // Ready once Karpenter (with the nodeOverlay gate on) has validated it.
        wait: { condition: [{ type: "Ready", status: "True" }] },
        timeouts: { create: "5m", update: "5m", delete: "5m" },
        provider,
      }),
    );
  }
}
