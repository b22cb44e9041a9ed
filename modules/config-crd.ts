/**
 * From a configuration to the NodePools and EC2NodeClasses it applies, and back: the props each
 * construct gets from the config, and the CRD check of the built objects with each problem
 * reported at the config key it came from (so `parseConfig` reports it like any other problem).
 */
import type { KarpenterGpuConfig, NodeClassConfig, NodePoolConfig } from "./config.js";
import type { FieldPath } from "./manifest.js";
import { modelProblems } from "./manifest.js";
import { efaLayoutOfPools } from "./efa.js";
import { buildGpuNodeClass, nodeClassPropOf, type GpuNodeClassProps } from "./node-class.js";
import { buildGpuNodePool, nodePoolPropOf, type GpuNodePoolProps } from "./node-pool.js";
import { nodeRoleNameFor } from "./node-role.js";

/** The GpuNodeClass props of a configured node class. */
export function nodeClassPropsOf(c: KarpenterGpuConfig, nc: NodeClassConfig): GpuNodeClassProps {
  return {
    name: nc.name,
    clusterName: c.clusterName,
    roleName: nodeRoleNameFor({ clusterName: c.clusterName, roleName: c.nodeRole.name, existingRoleArn: c.nodeRole.existingRoleArn }),
    amiAlias: nc.amiAlias,
    rootVolume: nc.rootVolume,
    instanceStorePolicy: nc.instanceStorePolicy,
    kubelet: nc.kubelet,
    capacityReservations: nc.capacityReservations,
    // Config tags go on the GPU instances and volumes too: they are where the money goes.
    tags: { ...c.tags, ...nc.tags },
    // The layout of the types the class's pools admit; parseConfig refuses a class whose pools admit several, or types without EFA.
    efa: nc.efa ? efaLayoutOfPools(c.nodePools.flatMap((pool, index) => (pool.nodeClass === nc.name ? [{ index, pool }] : []))) : undefined,
    placementGroup: nc.placementGroup === undefined ? undefined : nc.placementGroup.name !== undefined ? { name: nc.placementGroup.name } : { id: nc.placementGroup.id ?? "" },
  };
}

/** The GpuNodePool props of a configured node pool (without `dependsOn`). */
export function nodePoolPropsOf(p: NodePoolConfig): GpuNodePoolProps {
  return {
    name: p.name,
    nodeClassName: p.nodeClass,
    instanceCategories: p.instanceCategories,
    capacityTypes: p.capacityTypes,
    architectures: p.architectures,
    requirements: p.requirements,
    taints: p.taints,
    cpuLimit: p.limits.cpu,
    gpuLimit: p.limits.gpus,
    memoryLimitGiB: p.limits.memoryGiB,
    replicas: p.replicas,
    nodeLimit: p.limits.nodes,
    capacityReservationType: p.capacityReservationType,
    weight: p.weight,
    expireAfter: p.expireAfter,
    consolidationPolicy: p.disruption.consolidationPolicy,
    consolidateAfter: p.disruption.consolidateAfter,
    budgets: p.disruption.budgets,
    terminationGracePeriod: p.terminationGracePeriod,
    labels: p.labels,
  };
}

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
  return modelProblems(buildGpuNodePool(nodePoolPropsOf(pool))).map((p) => {
    const prop = nodePoolPropOf(p.path);
    const key = prop ? [...(POOL_KEYS[String(prop[0])] ?? [prop[0]]), ...prop.slice(1)] : [];
    return report(["nodePools", i, ...key], `NodePool ${pool.name}`, p.field, p.message);
  });
}

/**
 * Every problem the API server would find with the EC2NodeClass of `nodeClasses[i]`, each at the
 * config key the failing field came from: the class's own keys, `clusterName`, `nodeRole` or the
 * global `tags`.
 */
export function nodeClassCrdProblems(c: KarpenterGpuConfig, i: number): ConfigCrdProblem[] {
  const nc = c.nodeClasses[i];
  return modelProblems(buildGpuNodeClass(nodeClassPropsOf(c, nc))).map((p) =>
    report(nodeClassKey(c, i, nodeClassPropOf(p.path)), `EC2NodeClass ${nc.name}`, p.field, p.message),
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
