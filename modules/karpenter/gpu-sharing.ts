/**
 * GPU sharing by time-slicing, wired end to end: the NVIDIA device plugin's sharing config (a
 * ConfigMap entry the GPU Operator creates), the node label that selects it, and the NodeOverlays
 * that tell Karpenter what the node will advertise. Without the overlays Karpenter believes a
 * g6.xlarge offers one `nvidia.com/gpu`, so four pods that each want a slice launch four nodes.
 *
 * - Device plugin config: NVIDIA k8s-device-plugin's `sharing.timeSlicing.resources[]` with
 *   `name: nvidia.com/gpu` and `replicas`; with `renameByDefault: false` the node advertises
 *   `nvidia.com/gpu` = GPUs × replicas (NVIDIA GPU Operator docs, "Time-Slicing GPUs in
 *   Kubernetes"). The GPU Operator chart creates the ConfigMap from `devicePlugin.config`
 *   (`create`, `name`, `default`, `data`: the gpu-operator v26.7.0 values.yaml), and a node's
 *   `nvidia.com/device-plugin.config` label picks the entry.
 * - NodeOverlay (`karpenter.sh/v1alpha1`, alpha, gate `nodeOverlay`): `capacity` replaces the
 *   instance type's resources of the same name in the scheduling simulation
 *   (kubernetes-sigs/karpenter v1.14.1 pkg/cloudprovider/types.go, `ApplyCapacityOverlay`:
 *   `lo.Assign(i.Capacity, updatedCapacity)`), for the types its requirements select.
 */
import type { NodeOverlay } from "../../.gen/karpenter/nodeoverlay.js";
import type { GpuInstanceType } from "./gpu-instances.js";

/** How a pool shares each GPU. */
export interface GpuSharing {
  /** Time-slicing: each GPU is advertised `replicas` times; pods share it in turns, without memory or fault isolation. */
  readonly timeSlicing: {
    /** Slices per GPU, 2 or more. A pod requesting `nvidia.com/gpu: 1` gets one slice. */
    readonly replicas: number;
  };
}

/** The node label the NVIDIA device plugin reads to pick its config entry. */
export const DEVICE_PLUGIN_CONFIG_LABEL = "nvidia.com/device-plugin.config";

/** The ConfigMap the GPU Operator creates for the sharing configs. */
export const DEVICE_PLUGIN_CONFIG_MAP = "karpenter-gpu-device-plugin-config";

/** The most slices per GPU the module accepts: a bound against typos, not a device-plugin limit. */
export const MAX_TIME_SLICING_REPLICAS = 64;

/** The config entry (and node label value) of a sharing setting, e.g. `time-slicing-4`. */
export function sharingConfigName(sharing: GpuSharing): string {
  return `time-slicing-${sharing.timeSlicing.replicas}`;
}

/** The device plugin config text of a sharing setting (k8s-device-plugin config file, version v1). */
export function devicePluginSharingConfig(sharing: GpuSharing): string {
  return ["version: v1", "sharing:", "  timeSlicing:", "    renameByDefault: false", "    resources:", "      - name: nvidia.com/gpu", `        replicas: ${sharing.timeSlicing.replicas}`, ""].join("\n");
}

/** The whole GPUs a count of `nvidia.com/gpu` stands for: slices / replicas with time-slicing. */
export function physicalGpus(count: number, sharing: GpuSharing | undefined): number {
  return sharing ? Math.floor(count / sharing.timeSlicing.replicas) : count;
}

/** What a node of this type advertises as `nvidia.com/gpu` under the sharing setting. */
export function sharedGpuCapacity(type: Pick<GpuInstanceType, "gpus">, sharing: GpuSharing): number {
  return type.gpus * sharing.timeSlicing.replicas;
}

/**
 * The NodeOverlays of a sharing pool: one per GPU count among the types the pool admits (the
 * overlay's capacity is per type: GPUs × replicas), selected by the pool's name and the GPU count.
 */
export function buildGpuSharingOverlays(poolName: string, sharing: GpuSharing, admitted: readonly Pick<GpuInstanceType, "gpus">[]): NodeOverlay[] {
  const counts = [...new Set(admitted.map((t) => t.gpus))].sort((a, b) => a - b);
  return counts.map((gpus) => ({
    apiVersion: "karpenter.sh/v1alpha1",
    kind: "NodeOverlay",
    metadata: { name: `${poolName}-${sharingConfigName(sharing)}-${gpus}gpu` },
    spec: {
      requirements: [
        { key: "karpenter.sh/nodepool", operator: "In", values: [poolName] },
        { key: "karpenter.k8s.aws/instance-gpu-count", operator: "In", values: [String(gpus)] },
      ],
      capacity: { "nvidia.com/gpu": String(sharedGpuCapacity({ gpus }, sharing)) },
    },
  }));
}

/**
 * The GPU Operator chart's `devicePlugin` values for these sharing settings: a ConfigMap the chart
 * creates with one entry per distinct setting (named as the nodes' label), no default entry (nodes
 * without the label keep one `nvidia.com/gpu` per GPU). Undefined without sharing.
 */
export function devicePluginValues(settings: readonly GpuSharing[]): { readonly config: { readonly create: true; readonly name: string; readonly default: ""; readonly data: Readonly<Record<string, string>> } } | undefined {
  if (settings.length === 0) return undefined;
  const data = Object.fromEntries([...new Map(settings.map((g) => [sharingConfigName(g), devicePluginSharingConfig(g)]))].sort(([a], [b]) => a.localeCompare(b)));
  return { config: { create: true, name: DEVICE_PLUGIN_CONFIG_MAP, default: "", data } };
}
