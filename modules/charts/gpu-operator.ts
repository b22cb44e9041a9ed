import { Release } from "@cdktf/provider-helm/lib/release/index.js";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { assignProvider } from "../core/provider.js";
import { mergeValues, overriddenValueProblems, tolerationsFor, toValuesYaml, type Toleration } from "../core/helm-values.js";
import { namespaceProblem, throwIfProblems } from "../core/rules.js";
import { GPU_OPERATOR_CHART_REPOSITORY, GPU_OPERATOR_CHART_VERSION, GPU_OPERATOR_DEFAULT_TOLERATIONS } from "../core/versions.js";
import { checkedChartVersion, unknownValueKeys } from "../validation/chart-keys.js";
import { gpuOperatorSharingValues, sharingEnvProblems, sharingValueReason, type GpuSharing } from "../karpenter/gpu-sharing.js";
import { formatFieldPath } from "../core/field-path.js";
import type { Taint } from "../karpenter/node-pool-spec.js";

/** The values this module sets on the gpu-operator chart; every key exists in its values.yaml. */
export interface GpuOperatorChartValues {
  readonly driver: { readonly enabled: boolean; readonly [key: string]: unknown };
  readonly toolkit: { readonly enabled: boolean; readonly [key: string]: unknown };
  readonly daemonsets: { readonly tolerations: readonly Toleration[]; readonly [key: string]: unknown };
  readonly "node-feature-discovery": {
    readonly worker: { readonly tolerations: readonly Toleration[]; readonly [key: string]: unknown };
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

export interface GpuOperatorProps {
  /**
   * Taints of every GPU pool. The operator's DaemonSets (device plugin, GPU feature discovery,
   * DCGM exporter, validator) and the NFD worker must tolerate each, or `nvidia.com/gpu` is never
   * advertised on those nodes and GPU pods stay Pending.
   */
  readonly gpuNodeTaints: readonly Taint[];
  /** Chart version. @default "v26.7.0" */
  readonly version?: string;
  /** Namespace, created if missing. @default "gpu-operator" */
  readonly namespace?: string;
  /**
   * Install the NVIDIA driver and container toolkit from the operator. Off by default: the
   * AL2023 alias resolves to the EKS NVIDIA AMI, which already has both, and installing them at
   * boot adds minutes to every GPU node's start.
   * @default false
   */
  readonly installDriver?: boolean;
  /** Helm wait timeout, in seconds. @default 600 */
  readonly timeoutSeconds?: number;
  /**
   * The sharing settings of the GPU pools. Each time-slicing setting becomes an entry of the
   * device plugin's config (`devicePlugin.config`, a ConfigMap the chart creates), named as the
   * pools' nodes' `nvidia.com/device-plugin.config` label (`GpuNodePool` prop `gpuSharing` sets
   * it); nodes without the label keep the plugin's default, one `nvidia.com/gpu` per GPU. A MIG
   * setting fixes `mig.strategy: single` and keeps the MIG manager on with the config it writes
   * from each GPU's profiles (the nodes' `nvidia.com/mig.config` label picks one).
   * @default [] (no sharing config)
   */
  readonly gpuSharing?: readonly GpuSharing[];
  /** Further chart values, merged over the module's (objects merge, lists replace). @default {} */
  readonly additionalValues?: Readonly<Record<string, unknown>>;
  /** The Helm provider of the release (an aliased one for a second cluster in the stack). @default - the stack's default Helm provider */
  readonly provider?: TerraformProvider;
}

/**
 * The NVIDIA GPU Operator: device plugin, GPU feature discovery, DCGM exporter and validator on
 * every GPU node, tolerating the GPU pools' taints.
 * @see https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/getting-started.html
 */
export class GpuOperator extends Construct {
  /** The `gpu-operator` release. Escape hatch. */
  public readonly release: Release;
  /** The values given to the chart: the module's, with `additionalValues` merged over them. */
  public readonly values: GpuOperatorChartValues;
  /** The chart version installed. */
  public readonly version: string;

  constructor(scope: Construct, id: string, props: GpuOperatorProps) {
    super(scope, id);
    this.version = props.version ?? GPU_OPERATOR_CHART_VERSION;
    const installDriver = props.installDriver ?? false;
    // The values the module derives from its props, before additional values.
    const derived = {
      ...gpuOperatorSharingValues(props.gpuSharing ?? []),
      driver: { enabled: installDriver },
      toolkit: { enabled: installDriver },
      daemonsets: { tolerations: tolerationsFor(props.gpuNodeTaints, GPU_OPERATOR_DEFAULT_TOLERATIONS.daemonsets) },
      "node-feature-discovery": {
        worker: { tolerations: tolerationsFor(props.gpuNodeTaints, GPU_OPERATOR_DEFAULT_TOLERATIONS.nfdWorker) },
      },
    };
    const namespace = props.namespace ?? "gpu-operator";
    throwIfProblems(this, "GpuOperator", [
      { prop: "namespace", problem: namespaceProblem(namespace) },
      ...(this.version === checkedChartVersion("gpuOperator") ? unknownValueKeys("gpuOperator", props.additionalValues ?? {}).map((u) => ({ prop: ["additionalValues", ...u.path].join("."), problem: u.problem })) : []),
      ...sharingEnvProblems(props.gpuSharing ?? [], props.additionalValues).map((e) => ({ prop: formatFieldPath(["additionalValues", ...e.path]), problem: e.problem })),
      // Whatever the type of the override: null, [], false or "false" would undo what the module derived.
      ...overriddenValueProblems(derived, props.additionalValues, (path) =>
        path.includes("tolerations")
          ? "the module tolerates the chart's defaults and every GPU pool's taint (the gpuNodeTaints prop)"
          : path[0] === "driver" || path[0] === "toolkit"
            ? "set the installDriver prop instead"
            : sharingValueReason(path)
              ? `${sharingValueReason(path)} from the gpuSharing prop`
              : "the module sets values inside it; set single keys instead",
      ),
    ]);
    this.values = mergeValues<GpuOperatorChartValues>(derived, props.additionalValues);
    this.release = new Release(this, "release", {
      name: "gpu-operator",
      repository: GPU_OPERATOR_CHART_REPOSITORY,
      chart: "gpu-operator",
      version: this.version,
      namespace,
      createNamespace: true,
      values: [toValuesYaml(this.values)],
      // The operator's upgrade guide runs `helm upgrade --disable-openapi-validation`: with
      // operator.upgradeCRD (on by default) a pre-upgrade hook applies the new CRDs, and the
      // new chart's objects must not be checked against the old CRDs' schema before it runs.
      disableOpenapiValidation: true,
      wait: true,
      timeout: props.timeoutSeconds ?? 600,
    });
    assignProvider(this, props.provider);
  }
}
