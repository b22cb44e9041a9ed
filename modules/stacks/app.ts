import { AnnotationMetadataEntryType, type App } from "cdktf";
import { Construct } from "constructs";
import { requireTerraform } from "../charts/ephemeral.js";
import { parseConfig } from "../config/parse.js";
import { type KarpenterGpuConfig, type KarpenterGpuConfigInput } from "../config/schema.js";
import { stackNames } from "../core/names.js";
import { KarpenterAwsStack } from "./aws-stack.js";
import { useLocalState, useTerraformCloud } from "./backend.js";
import { KarpenterChartsStack } from "./charts-stack.js";
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
export function buildStacks(app: Construct, validated: KarpenterGpuConfig): KarpenterGpuStacks {
  // Each stack makes the configuration's strings literal text (configAsText): not here too, or twice.
  const config = validated;
  const names = stackNames(config.clusterName);
  const aws = new KarpenterAwsStack(app, names.aws, { config });
  const charts = new KarpenterChartsStack(app, names.charts, { config });
  charts.addDependency(aws);
  const nodePools = new GpuNodePoolsStack(app, names.nodePools, { config });
  nodePools.addDependency(charts);
  for (const stack of [aws, charts, nodePools]) {
    // One Terraform requirement for all three stacks, so a workspace set up for one runs all.
    requireTerraform(stack);
    if (!useTerraformCloud(stack, config.terraformCloud)) useLocalState(stack);
  }
  return { aws, charts, nodePools };
}

/**
 * Everything in one construct: validates a configuration object (the same shape as the config
 * file, defaults optional) and builds the three chained stacks under it. The stacks keep their
 * names (`<clusterName>-aws`, ...), so two `KarpenterGpu` of two clusters sit side by side in one
 * app. Throws `ConfigError` naming every bad field. Use the constructs directly to compose your
 * own stacks instead.
 *
 * @example
 * const app = new App();
 * new KarpenterGpu(app, "prod", { clusterName: "prod", region: "us-west-2", discovery: {...}, nodeClasses: [...], nodePools: [...] });
 * app.synth();
 */
export class KarpenterGpu extends Construct implements KarpenterGpuStacks {
  /** The validated configuration, defaults applied. */
  public readonly config: KarpenterGpuConfig;
  /** The AWS stack, `<clusterName>-aws`. */
  public readonly aws: KarpenterAwsStack;
  /** The charts stack, `<clusterName>-charts`, applied after the AWS stack. */
  public readonly charts: KarpenterChartsStack;
  /** The node-pools stack, `<clusterName>-nodepools`, applied after the charts stack. */
  public readonly nodePools: GpuNodePoolsStack;

  /** `scope` is usually the App: the stacks must not be inside another stack. */
  constructor(scope: Construct, id: string, props: KarpenterGpuConfigInput) {
    super(scope, id);
    this.config = parseConfig(props, `KarpenterGpu ${id}`);
    ({ aws: this.aws, charts: this.charts, nodePools: this.nodePools } = buildStacks(this, this.config));
  }
}

/**
 * The warnings the constructs of `app` added (`warn`), as `<construct path>: <message>` lines.
 * cdktf writes them only into the synthesized manifest.json; the app prints them, so that
 * `npm run synth` shows them where users look.
 */
export function synthWarnings(app: App): string[] {
  return app.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => `${c.node.path}: ${String(m.data)}`));
}
