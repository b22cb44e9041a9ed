import { Release } from "@cdktf/provider-helm/lib/release/index.js";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { assignProvider } from "../core/provider.js";
import { mergeValues, overriddenValueProblems, tolerationsFor, toValuesYaml, type Toleration } from "../core/helm-values.js";
import { eksAddonRegistryFor } from "../core/registries.js";
import { namespaceProblem, throwIfProblems, warn } from "../core/rules.js";
import type { Taint } from "../karpenter/node-pool-spec.js";

/**
 * The `aws-efa-k8s-device-plugin` chart version: read from stable/aws-efa-k8s-device-plugin/Chart.yaml
 * of aws/eks-charts at commit 5239609242f3 (2026-08-03): chart v0.5.30, appVersion (plugin image) v0.5.20.
 */
export const EFA_DEVICE_PLUGIN_CHART_VERSION = "v0.5.30";
export const EFA_DEVICE_PLUGIN_CHART_REPOSITORY = "https://aws.github.io/eks-charts";

/**
 * The chart's default `tolerations` (values.yaml: `[]`). Its DaemonSet template adds
 * `CriticalAddonsOnly: Exists` on its own, outside the value, so the list this module sets
 * replaces nothing but the empty default.
 */
export const EFA_DEVICE_PLUGIN_DEFAULT_TOLERATIONS: readonly Toleration[] = [];

/** The values this module sets on the chart; the key exists in its values.yaml. */
export interface EfaDevicePluginChartValues {
  readonly tolerations: readonly Toleration[];
  readonly [key: string]: unknown;
}

export interface EfaDevicePluginProps {
  /**
   * Taints of every pool whose nodes have EFA. The plugin's DaemonSet must tolerate each, or
   * `vpc.amazonaws.com/efa` is never advertised on those nodes and pods requesting it stay Pending.
   */
  readonly efaNodeTaints: readonly Taint[];
  /**
   * The cluster's region: the plugin image is pulled from that region's EKS registry
   * (`image.repository`), not the chart's us-west-2 default, which nodes in China or GovCloud
   * cannot reach and nodes behind regional-only ECR endpoints do not.
   * @default - the chart's default (us-west-2)
   */
  readonly region?: string;
  /**
   * The plugin image repository, for a private mirror. Wins over `region`.
   * @default - `<the region's EKS registry>/eks/aws-efa-k8s-device-plugin`
   */
  readonly imageRepository?: string;
  /** Chart version. @default "v0.5.30" */
  readonly version?: string;
  /** Namespace, as in the chart's README. @default "kube-system" */
  readonly namespace?: string;
  /** Helm wait timeout, in seconds. @default 300 */
  readonly timeoutSeconds?: number;
  /** Further chart values, merged over the module's (objects merge, lists replace). @default {} */
  readonly additionalValues?: Readonly<Record<string, unknown>>;
  /** The Helm provider of the release (an aliased one for a second cluster in the stack). @default - the stack's default Helm provider */
  readonly provider?: TerraformProvider;
}

/**
 * The AWS EFA Kubernetes device plugin: advertises each node's EFA interfaces as the
 * `vpc.amazonaws.com/efa` resource. The EKS user guide ("Manage EFA devices on Amazon EKS") names
 * it as the mechanism for Karpenter nodes (the EFA DRA driver is not supported with Karpenter),
 * and the EKS AL2023 NVIDIA AMI ships the host components but not the plugin.
 *
 * The chart's own node affinity (`supportedInstanceLabels`: `node.kubernetes.io/instance-type In`
 * the EFA instance types) already keeps the DaemonSet to EFA-capable nodes; the module leaves it
 * alone and only adds the tolerations of the EFA pools' taints.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/device-management-efa.html
 * @see https://github.com/aws/eks-charts/tree/master/stable/aws-efa-k8s-device-plugin
 */
export class EfaDevicePlugin extends Construct {
  /** The `aws-efa-k8s-device-plugin` release. Escape hatch. */
  public readonly release: Release;
  /** The values given to the chart: the module's, with `additionalValues` merged over them. */
  public readonly values: EfaDevicePluginChartValues;
  /** The chart version installed. */
  public readonly version: string;

  constructor(scope: Construct, id: string, props: EfaDevicePluginProps) {
    super(scope, id);
    this.version = props.version ?? EFA_DEVICE_PLUGIN_CHART_VERSION;
    const registry = props.region === undefined ? undefined : eksAddonRegistryFor(props.region);
    if (props.region !== undefined && registry === undefined && props.imageRepository === undefined) {
      warn(this, `no EKS add-on image registry is known for region ${props.region}: the EFA device plugin image comes from the chart's default (us-west-2); set imageRepository if your nodes cannot pull from there`);
    }
    const repository = props.imageRepository ?? (registry && `${registry}/eks/aws-efa-k8s-device-plugin`);
    const derived = {
      tolerations: tolerationsFor(props.efaNodeTaints, EFA_DEVICE_PLUGIN_DEFAULT_TOLERATIONS),
      ...(repository ? { image: { repository } } : {}),
    };
    const namespace = props.namespace ?? "kube-system";
    throwIfProblems(this, "EfaDevicePlugin", [
      { prop: "namespace", problem: namespaceProblem(namespace) },
      ...overriddenValueProblems(derived, props.additionalValues, (path) => (path[0] === "image" ? "set the imageRepository prop instead" : "the module tolerates every EFA pool's taint (the efaNodeTaints prop)")),
    ]);
    this.values = mergeValues<EfaDevicePluginChartValues>(derived, props.additionalValues);
    this.release = new Release(this, "release", {
      name: "aws-efa-k8s-device-plugin",
      repository: EFA_DEVICE_PLUGIN_CHART_REPOSITORY,
      chart: "aws-efa-k8s-device-plugin",
      version: this.version,
      namespace,
      values: [toValuesYaml(this.values)],
      wait: true,
      timeout: props.timeoutSeconds ?? 300,
    });
    assignProvider(this, props.provider);
  }
}
