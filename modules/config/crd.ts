/**
 * The NodePools and EC2NodeClasses a configuration applies, checked against the pinned CRDs,
 * with each problem reported at the config key it came from (so `parseConfig` reports it like
 * any other problem).
 */
import type { FieldPath } from "../core/field-path.js";
import { admittedInstanceTypes } from "../karpenter/efa.js";
import { buildGpuSharingOverlays } from "../karpenter/gpu-sharing.js";
import { buildGpuNodeClass, nodeClassPropOf } from "../karpenter/node-class-spec.js";
import { buildGpuNodePool, nodePoolPropOf } from "../karpenter/node-pool-spec.js";
import { modelProblems } from "../validation/model.js";
import { nodeClassPropsOf, nodePoolPropsOf } from "./props.js";
import type { KarpenterGpuConfig, NodePoolConfig } from "./schema.js";

/** Config keys of the NodePool props whose names differ (relative to the pool). */
const POOL_KEYS: Readonly<Record<string, FieldPath>> = {
  nodeClassName: ["nodeClass"],
  cpuLimit: ["limits", "cpu"],
  gpuLimit: ["limits", "gpus"],
  memoryLimitGiB: ["limits", "memoryGiB"],
  nodeLimit: ["limits", "nodes"],
  consolidationPolicy: ["disruption", "consolidationPolicy"],
  consolidateAfter: ["disruption", "consolidateAfter"],
  budgets: ["disruption", "budgets"],
};

/** A problem of a configured object against its CRD: the config key, and the message naming the object and field. */
export interface ConfigCrdProblem {
  readonly path: FieldPath;
  readonly message: string;
}

const report = (at: FieldPath, label: string, field: string, message: string): ConfigCrdProblem => ({ path: at, message: `${message} (${label}: ${field})` });

/**
 * Every problem the API server would find with the NodePool of `nodePools[i]`, each at the
 * config key the failing field came from (the pool itself when the module sets the field).
 */
export function nodePoolCrdProblems(pool: NodePoolConfig, i: number): ConfigCrdProblem[] {
  const poolProblems = modelProblems(buildGpuNodePool(nodePoolPropsOf(pool))).map((p) => {
    const prop = nodePoolPropOf(p.path, pool.spec);
    const key = prop ? [...(POOL_KEYS[String(prop[0])] ?? [prop[0]]), ...prop.slice(1)] : [];
    return report(["nodePools", i, ...key], `NodePool ${pool.name}`, p.field, p.message);
  });
  // A sharing pool's NodeOverlays come from its gpuSharing (and the types it admits).
  const overlays = pool.gpuSharing ? buildGpuSharingOverlays(pool.name, pool.gpuSharing, admittedInstanceTypes(pool)) : [];
  const overlayProblems = overlays.flatMap((o) => modelProblems(o).map((p) => report(["nodePools", i, "gpuSharing"], `NodeOverlay ${o.metadata.name}`, p.field, p.message)));
  return [...poolProblems, ...overlayProblems];
}

/**
 * Every problem the API server would find with the EC2NodeClass of `nodeClasses[i]`, each at the
 * config key the failing field came from: the class's own keys, `clusterName`, `nodeRole` or the
 * global `tags`.
 */
export function nodeClassCrdProblems(c: KarpenterGpuConfig, i: number): ConfigCrdProblem[] {
  const nc = c.nodeClasses[i];
  return modelProblems(buildGpuNodeClass(nodeClassPropsOf(c, nc))).map((p) =>
    report(nodeClassKey(c, i, nodeClassPropOf(p.path, nc.spec)), `EC2NodeClass ${nc.name}`, p.field, p.message),
  );
}

/** Both, for every node class and node pool of a valid configuration. */
export function configCrdProblems(c: KarpenterGpuConfig): ConfigCrdProblem[] {
  return [...c.nodeClasses.flatMap((_, i) => nodeClassCrdProblems(c, i)), ...c.nodePools.flatMap((p, i) => nodePoolCrdProblems(p, i))];
}

/** The config key of a node class prop: tags come from the class's own tags or the global ones. */
function nodeClassKey(c: KarpenterGpuConfig, i: number, prop: FieldPath | undefined): FieldPath {
  if (!prop) return ["nodeClasses", i];
  const [first, ...rest] = prop;
  if (first === "clusterName") return ["clusterName"];
  if (first === "roleName") return c.nodeRole.existingRoleArn ? ["nodeRole", "existingRoleArn"] : ["nodeRole", "name"];
  if (first === "tags" && rest.length > 0 && !Object.hasOwn(c.nodeClasses[i].tags ?? {}, String(rest[0]))) return ["tags", ...rest];
  return ["nodeClasses", i, ...prop];
}
