import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider/index.js";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { EksClusterConnection } from "../charts/cluster-connection.js";
import { capacityReport } from "../config/capacity.js";
import { nodeClassPropsOf, nodePoolPropsOf } from "../config/props.js";
import type { KarpenterGpuConfig } from "../config/schema.js";
import { GpuNodeClass } from "../nodepools/node-class.js";
import { GpuNodePool } from "../nodepools/node-pool.js";
import { QuotaGuard } from "../nodepools/quota-guard.js";
import { clusterConnectionPropsOf, configAsText, configuredAwsProvider } from "./aws-stack.js";

export interface GpuNodePoolsStackProps {
  /** A validated configuration (see `parseConfig` / `loadConfigFile`). */
  readonly config: KarpenterGpuConfig;
}

/**
 * The EC2NodeClasses and NodePools as `kubernetes_manifest` resources, in their own stack so
 * they are planned only after the chart stack has installed the Karpenter CRDs. On destroy they
 * go first: Karpenter drains and terminates their nodes (finalizers) while it and the node role
 * still exist.
 */
export class GpuNodePoolsStack extends TerraformStack {
  /** The node classes of the configuration, by name. */
  public readonly nodeClasses: Readonly<Record<string, GpuNodeClass>>;
  /** The node pools of the configuration, by name. */
  public readonly nodePools: Readonly<Record<string, GpuNodePool>>;
  /** Plan-time check of the pools' CPU caps against the EC2 GPU vCPU quotas. */
  public readonly quotaGuard: QuotaGuard;

  constructor(scope: Construct, id: string, props: GpuNodePoolsStackProps) {
    super(scope, id);
    const c = configAsText(props.config);
    configuredAwsProvider(this, c);
    const connection = new EksClusterConnection(this, "cluster", clusterConnectionPropsOf(c));
    new KubernetesProvider(this, "kubernetes", connection.kubernetesProvider());

    const classes: Record<string, GpuNodeClass> = {};
    for (const nc of c.nodeClasses) {
      classes[nc.name] = new GpuNodeClass(this, `nodeClass-${nc.name}`, nodeClassPropsOf(c, nc));
    }
    const pools: Record<string, GpuNodePool> = {};
    for (const p of c.nodePools) {
      // The class construct: its name and the dependency on it (the class is Ready first).
      pools[p.name] = new GpuNodePool(this, `nodePool-${p.name}`, { ...nodePoolPropsOf(p), nodeClassName: undefined, nodeClass: classes[p.nodeClass] });
    }
    this.nodeClasses = classes;
    this.nodePools = pools;
    this.quotaGuard = new QuotaGuard(this, "quotaGuard", { needs: capacityReport(c).buckets, mode: c.quotaGuard, region: c.region });
    new TerraformOutput(this, "nodePoolNames", { value: Object.keys(pools), description: "NodePools applied" });
  }
}
