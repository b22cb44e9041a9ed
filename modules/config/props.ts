/**
 * From a configuration to construct props: what each GpuNodeClass and GpuNodePool is given. The
 * stacks build from these, and so does the CRD check of the configuration, so the two cannot
 * differ.
 */
import { nodeRoleNameFor } from "../core/names.js";
import { efaLayoutOfPools } from "../karpenter/efa.js";
import type { GpuNodeClassProps } from "../karpenter/node-class-spec.js";
import type { GpuNodePoolProps } from "../karpenter/node-pool-spec.js";
import type { KarpenterGpuConfig, NodeClassConfig, NodePoolConfig } from "./schema.js";

/** The GpuNodeClass props of a configured node class. */
export function nodeClassPropsOf(c: KarpenterGpuConfig, nc: NodeClassConfig): GpuNodeClassProps {
  return {
    name: nc.name,
    clusterName: c.clusterName,
    roleName: nodeRoleNameFor({ clusterName: c.clusterName, region: c.region, roleName: c.nodeRole.name, existingRoleArn: c.nodeRole.existingRoleArn }),
    // Mode `ids`: no tag anywhere, the classes name the subnets and security groups.
    ...(c.discovery?.mode === "ids" ? { subnetIds: c.discovery.subnetIds, securityGroupIds: c.discovery.securityGroupIds } : {}),
    // A hardened AMI's own terms (the spec hatch) replace the alias (crossKeyProblems refuses both given).
    amiAlias: nc.spec !== undefined && "amiSelectorTerms" in nc.spec ? undefined : nc.amiAlias,
    userData: nc.userData,
    spec: nc.spec,
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
    startupTaints: p.startupTaints,
    spec: p.spec,
    gpuSharing: p.gpuSharing,
  };
}
