import type { App } from "cdktf";
import { KarpenterAwsStack, stackNames } from "./aws-stack.js";
import { KarpenterChartsStack } from "./charts-stack.js";
import type { KarpenterGpuConfig } from "./config.js";
import { GpuNodePoolsStack } from "./node-pools-stack.js";

/** The stacks of one cluster, built from a validated configuration. */
export interface KarpenterGpuStacks {
  readonly aws: KarpenterAwsStack;
  readonly charts: KarpenterChartsStack;
  readonly nodePools: GpuNodePoolsStack;
}

/**
 * Builds every stack for the configuration into `app`, chained so that `cdktf deploy '*'`
 * applies aws → charts → node pools (each planned after the one before is applied, so the
 * Karpenter CRDs exist when the manifests are planned) and `cdktf destroy '*'` goes the other
 * way (node pools, with their nodes, first; the IAM and queue Karpenter needs to drain, last).
 */
export function buildStacks(app: App, config: KarpenterGpuConfig): KarpenterGpuStacks {
  const names = stackNames(config.clusterName);
  const aws = new KarpenterAwsStack(app, names.aws, { config });
  const charts = new KarpenterChartsStack(app, names.charts, { config });
  charts.addDependency(aws);
  const nodePools = new GpuNodePoolsStack(app, names.nodePools, { config });
  nodePools.addDependency(charts);
  return { aws, charts, nodePools };
}
