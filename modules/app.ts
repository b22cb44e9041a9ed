import type { App } from "cdktf";
import { KarpenterAwsStack, stackNames } from "./aws-stack.js";
import type { KarpenterGpuConfig } from "./config.js";

/** The stacks of one cluster, built from a validated configuration. */
export interface KarpenterGpuStacks {
  readonly aws: KarpenterAwsStack;
}

/** Builds every stack for the configuration into `app`. */
export function buildStacks(app: App, config: KarpenterGpuConfig): KarpenterGpuStacks {
  const names = stackNames(config.clusterName);
  return { aws: new KarpenterAwsStack(app, names.aws, { config }) };
}
