import { Release } from "@cdktf/provider-helm/lib/release/index.js";
import { Construct } from "constructs";
import { mergeValues, toValuesYaml, type Toleration } from "../core/helm-values.js";
import { GPU_OPERATOR_CHART_REPOSITORY, GPU_OPERATOR_CHART_VERSION } from "../core/versions.js";
import type { Taint } from "../karpenter/node-pool-spec.js";

/** The chart's own default tolerations; Helm replaces lists, so they are repeated to keep them. */
export const GPU_OPERATOR_DEFAULT_TOLERATIONS = {
  daemonsets: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
  nfdWorker: [
    { key: "node-role.kubernetes.io/control-plane", operator: "Equal", value: "", effect: "NoSchedule" },
    { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
  ],
} as const satisfies Record<string, readonly Toleration[]>;

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
  /** Further chart values, merged over the module's (objects merge, lists replace). @default {} */
  readonly additionalValues?: Readonly<Record<string, unknown>>;
}

/** Tolerations that let a pod onto nodes with these taints, after `base`, without duplicates. */
export function tolerationsFor(taints: readonly Taint[], base: readonly Toleration[] = []): Toleration[] {
  const out: Toleration[] = [...base];
  const seen = new Set(out.map((t) => JSON.stringify([t.key, t.operator, t.value ?? "", t.effect ?? ""])));
  for (const taint of taints) {
    const t: Toleration =
      taint.value === undefined
        ? { key: taint.key, operator: "Exists", effect: taint.effect }
        : { key: taint.key, operator: "Equal", value: taint.value, effect: taint.effect };
    const id = JSON.stringify([t.key, t.operator, t.value ?? "", t.effect ?? ""]);
    if (!seen.has(id)) out.push(t);
    seen.add(id);
  }
  return out;
}

/**
 * The NVIDIA GPU Operator: device plugin, GPU feature discovery, DCGM exporter and validator on
 * every GPU node, tolerating the GPU pools' taints.
 * @see https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/getting-started.html
 */
export class GpuOperator extends Construct {
  /** The `gpu-operator` release. Escape hatch. */
  public readonly release: Release;
  public readonly values: GpuOperatorChartValues;
  public readonly version: string;

  constructor(scope: Construct, id: string, props: GpuOperatorProps) {
    super(scope, id);
    this.version = props.version ?? GPU_OPERATOR_CHART_VERSION;
    const installDriver = props.installDriver ?? false;
    this.values = mergeValues<GpuOperatorChartValues>(
      {
        driver: { enabled: installDriver },
        toolkit: { enabled: installDriver },
        daemonsets: { tolerations: tolerationsFor(props.gpuNodeTaints, GPU_OPERATOR_DEFAULT_TOLERATIONS.daemonsets) },
        "node-feature-discovery": {
          worker: { tolerations: tolerationsFor(props.gpuNodeTaints, GPU_OPERATOR_DEFAULT_TOLERATIONS.nfdWorker) },
        },
      },
      props.additionalValues,
    );
    this.release = new Release(this, "release", {
      name: "gpu-operator",
      repository: GPU_OPERATOR_CHART_REPOSITORY,
      chart: "gpu-operator",
      version: this.version,
      namespace: props.namespace ?? "gpu-operator",
      createNamespace: true,
      values: [toValuesYaml(this.values)],
      // The operator's upgrade guide runs `helm upgrade --disable-openapi-validation`: with
      // operator.upgradeCRD (on by default) a pre-upgrade hook applies the new CRDs, and the
      // new chart's objects must not be checked against the old CRDs' schema before it runs.
      disableOpenapiValidation: true,
      wait: true,
      timeout: props.timeoutSeconds ?? 600,
    });
  }
}
