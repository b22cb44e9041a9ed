import type { Construct } from "constructs";
import { configuredAwsProvider } from "./aws-stack.js";
import { EksClusterConnection } from "./cluster-connection.js";
import type { KarpenterGpuConfig } from "./config.js";
import { GpuNodeClass } from "./node-class.js";
import { GpuNodePool } from "./node-pool.js";
import { nodeRoleNameFor } from "./node-role.js";
import { QuotaGuard } from "./quota-guard.js";
import { capacityReport } from "./capacity.js";
import { KubernetesProvider, TerraformOutput, TerraformStack } from "./cjs-deps.js";

export interface GpuNodePoolsStackProps {
  readonly config: KarpenterGpuConfig;
}

/**
 * The EC2NodeClasses and NodePools as `kubernetes_manifest` resources, in their own stack so
 * they are planned only after the chart stack has installed the Karpenter CRDs. On destroy they
 * go first: Karpenter drains and terminates their nodes (finalizers) while it and the node role
 * still exist.
 */
export class GpuNodePoolsStack extends TerraformStack {
  public readonly nodeClasses: Readonly<Record<string, GpuNodeClass>>;
  public readonly nodePools: Readonly<Record<string, GpuNodePool>>;
  /** Plan-time check of the pools' CPU caps against the EC2 GPU vCPU quotas. */
  public readonly quotaGuard: QuotaGuard;

  constructor(scope: Construct, id: string, props: GpuNodePoolsStackProps) {
    super(scope, id);
    const c = props.config;
    configuredAwsProvider(this, c);
    const connection = new EksClusterConnection(this, "cluster", { clusterName: c.clusterName, region: c.region, auth: c.kubernetesAuth });
    new KubernetesProvider(this, "kubernetes", connection.kubernetesProvider());

    const roleName = nodeRoleNameFor({ clusterName: c.clusterName, roleName: c.nodeRole.name, existingRoleArn: c.nodeRole.existingRoleArn });
    const classes: Record<string, GpuNodeClass> = {};
    for (const nc of c.nodeClasses) {
      classes[nc.name] = new GpuNodeClass(this, `nodeClass-${nc.name}`, {
        name: nc.name,
        clusterName: c.clusterName,
        roleName,
        amiAlias: nc.amiAlias,
        rootVolume: nc.rootVolume,
        instanceStorePolicy: nc.instanceStorePolicy,
        // Config tags go on the GPU instances and volumes too: they are where the money goes.
        tags: { ...c.tags, ...nc.tags },
      });
    }
    const pools: Record<string, GpuNodePool> = {};
    for (const p of c.nodePools) {
      const pool = new GpuNodePool(this, `nodePool-${p.name}`, {
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
        weight: p.weight,
        expireAfter: p.expireAfter,
        consolidationPolicy: p.disruption.consolidationPolicy,
        consolidateAfter: p.disruption.consolidateAfter,
        budgets: p.disruption.budgets,
        dependsOn: [classes[p.nodeClass].manifest],
      });
      pools[p.name] = pool;
    }
    this.nodeClasses = classes;
    this.nodePools = pools;
    this.quotaGuard = new QuotaGuard(this, "quotaGuard", { needs: capacityReport(c).buckets, mode: c.quotaGuard, region: c.region });
    new TerraformOutput(this, "nodePoolNames", { value: Object.keys(pools), description: "NodePools applied" });
  }
}
