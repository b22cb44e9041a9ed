/**
 * GPU sharing, wired end to end: the node label that picks the GPU Operator's config (the device
 * plugin's time-slicing entry, or the MIG manager's profile), the chart values that config needs,
 * and the NodeOverlays that tell Karpenter what the node will advertise. Without the overlays
 * Karpenter believes a g6.xlarge offers one `nvidia.com/gpu`, so four pods that each want a slice
 * launch four nodes.
 *
 * - Device plugin config: NVIDIA k8s-device-plugin's `sharing.timeSlicing.resources[]` with
 *   `name: nvidia.com/gpu` and `replicas`; with `renameByDefault: false` the node advertises
 *   `nvidia.com/gpu` = GPUs × replicas (NVIDIA GPU Operator docs, "Time-Slicing GPUs in
 *   Kubernetes"). The GPU Operator chart creates the ConfigMap from `devicePlugin.config`
 *   (`create`, `name`, `default`, `data`: the gpu-operator v26.7.0 values.yaml), and a node's
 *   `nvidia.com/device-plugin.config` label picks the entry.
 * - MIG: the node's `nvidia.com/mig.config` label names a MIG manager config (`all-1g.10gb`),
 *   which splits every GPU of the node into that many instances (see mig-profiles.ts); with the
 *   chart's `mig.strategy: single` the device plugin advertises each instance as one
 *   `nvidia.com/gpu` (NVIDIA GPU Operator docs, "GPU Operator with MIG").
 * - NodeOverlay (`karpenter.sh/v1alpha1`, alpha, gate `nodeOverlay`): `capacity` replaces the
 *   instance type's resources of the same name in the scheduling simulation
 *   (kubernetes-sigs/karpenter v1.14.1 pkg/cloudprovider/types.go, `ApplyCapacityOverlay`:
 *   `lo.Assign(i.Capacity, updatedCapacity)`), for the types its requirements select.
 */
import type { NodeOverlay } from "../../.gen/karpenter/nodeoverlay.js";
import type { GpuInstanceType } from "./gpu-instances.js";
import { migConfigName, migGpuOf, migGpus, migSlices } from "./mig-profiles.js";

/** How a pool shares each GPU: exactly one of `timeSlicing` and `mig`. */
export interface GpuSharing {
  /** Time-slicing: each GPU is advertised `replicas` times; pods share it in turns, without memory or fault isolation. */
  readonly timeSlicing?: {
    /** Slices per GPU, 2 or more. A pod requesting `nvidia.com/gpu: 1` gets one slice. */
    readonly replicas: number;
  };
  /** MIG: each GPU is split into isolated instances (own memory, cache and compute); a pod requesting `nvidia.com/gpu: 1` gets one instance. */
  readonly mig?: {
    /** The MIG manager config the nodes get, `all-<profile>` (e.g. `all-1g.10gb`): every GPU holds as many instances of that profile as it can. */
    readonly profile: string;
  };
}

/** The node label the NVIDIA device plugin reads to pick its config entry. */
export const DEVICE_PLUGIN_CONFIG_LABEL = "nvidia.com/device-plugin.config";

/** The node label the NVIDIA MIG manager reads to pick the MIG config it applies. */
export const MIG_CONFIG_LABEL = "nvidia.com/mig.config";

/** The node label the MIG manager sets while and after it applies a config: `pending`, `rebooting`, `success` or `failed`. */
export const MIG_CONFIG_STATE_LABEL = "nvidia.com/mig.config.state";

/**
 * The node label that lets the GPU Operator run the device plugin on a node. A MIG pool's nodes
 * start with it at `paused-for-mig-change`: the operator keeps a non-empty value it finds
 * (gpu-operator v26.7.0 controllers/state_manager.go, `addGPUStateLabels`), so the device plugin
 * does not advertise the whole GPUs before the MIG manager has split them (it is deployed only
 * once GPU feature discovery has found MIG, later than the device plugin). The MIG manager sets
 * it to `true` once it has applied the config (mig-parted v0.15.0 pkg/mig/reconfigure,
 * `restartKubernetesGPUClients`). Until then `nvidia.com/gpu` is 0, so Karpenter keeps the node
 * uninitialized and plans with the overlay's capacity instead of binding pods to whole GPUs.
 */
export const DEVICE_PLUGIN_DEPLOY_LABEL = "nvidia.com/gpu.deploy.device-plugin";

/** The value of DEVICE_PLUGIN_DEPLOY_LABEL while the MIG manager changes a node's MIG layout. */
export const PAUSED_FOR_MIG_CHANGE = "paused-for-mig-change";

/** The ConfigMap the GPU Operator creates for the sharing configs. */
export const DEVICE_PLUGIN_CONFIG_MAP = "karpenter-gpu-device-plugin-config";

/** The most slices per GPU the module accepts: a bound against typos, not a device-plugin limit. */
export const MAX_TIME_SLICING_REPLICAS = 64;

/** The node label value of a sharing setting: the device plugin's config entry (`time-slicing-4`) or the MIG config (`all-1g.10gb`). */
export function sharingConfigName(sharing: GpuSharing): string {
  return sharing.mig ? sharing.mig.profile : `time-slicing-${sharing.timeSlicing?.replicas}`;
}

/** The node labels that make a node apply the sharing setting (with MIG, the device plugin paused until it is applied). */
export function sharingLabels(sharing: GpuSharing): Readonly<Record<string, string>> {
  if (sharing.mig) return { [MIG_CONFIG_LABEL]: sharing.mig.profile, [DEVICE_PLUGIN_DEPLOY_LABEL]: PAUSED_FOR_MIG_CHANGE };
  return { [DEVICE_PLUGIN_CONFIG_LABEL]: sharingConfigName(sharing) };
}

/** The node labels the module sets for sharing settings, which a pool may not set itself. */
export const SHARING_LABELS: readonly string[] = [DEVICE_PLUGIN_CONFIG_LABEL, MIG_CONFIG_LABEL, DEVICE_PLUGIN_DEPLOY_LABEL];

/** The device plugin config text of a time-slicing setting (k8s-device-plugin config file, version v1). */
export function devicePluginSharingConfig(replicas: number): string {
  return ["version: v1", "sharing:", "  timeSlicing:", "    renameByDefault: false", "    resources:", "      - name: nvidia.com/gpu", `        replicas: ${replicas}`, ""].join("\n");
}

/** Slices one GPU of this type is advertised as: `replicas`, or the MIG profile's instances; undefined when the GPU has no such MIG profile. */
export function slicesPerGpu(sharing: GpuSharing, type: Pick<GpuInstanceType, "gpuName" | "gpuMemoryMiB">): number | undefined {
  return sharing.mig ? migSlices(sharing.mig.profile, type) : sharing.timeSlicing?.replicas;
}

/**
 * The fewest and most slices per GPU the setting gives: `replicas` both ways with time-slicing;
 * with MIG, over the `admitted` types that have the profile, or without them over every GPU that
 * has it (1 for a profile no GPU has, which validation refuses).
 */
export function sliceBounds(sharing: GpuSharing, admitted?: readonly Pick<GpuInstanceType, "gpuName" | "gpuMemoryMiB">[]): { readonly min: number; readonly max: number } {
  if (!sharing.mig) return { min: sharing.timeSlicing?.replicas ?? 1, max: sharing.timeSlicing?.replicas ?? 1 };
  const config = sharing.mig.profile;
  const ofAdmitted = (admitted ?? []).flatMap((t) => migSlices(config, t) ?? []);
  const counts = ofAdmitted.length ? ofAdmitted : migGpus().flatMap(([, gpu]) => Object.entries(gpu.profiles).flatMap(([profile, n]) => (migConfigName(profile) === config ? [n] : [])));
  return counts.length ? { min: Math.min(...counts), max: Math.max(...counts) } : { min: 1, max: 1 };
}

/** The whole GPUs a count of `nvidia.com/gpu` stands for at most: slices / the fewest slices per GPU (of the admitted types, when given). */
export function physicalGpus(count: number, sharing: GpuSharing | undefined, admitted?: readonly Pick<GpuInstanceType, "gpuName" | "gpuMemoryMiB">[]): number {
  return sharing ? Math.floor(count / sliceBounds(sharing, admitted).min) : count;
}

/** What a node of this type advertises as `nvidia.com/gpu` under the sharing setting (its GPUs without a MIG profile: 0). */
export function sharedGpuCapacity(type: Pick<GpuInstanceType, "gpus" | "gpuName" | "gpuMemoryMiB">, sharing: GpuSharing): number {
  return type.gpus * (slicesPerGpu(sharing, type) ?? 0);
}

/**
 * The NodeOverlays of a sharing pool, selected by the pool's name and the instance labels that
 * decide the capacity: with time-slicing one per GPU count (GPUs × replicas); with MIG one per
 * GPU model and count (GPUs × the profile's instances on that GPU). Types whose GPU lacks the
 * MIG profile get none (validation refuses such pools).
 */
export function buildGpuSharingOverlays(poolName: string, sharing: GpuSharing, admitted: readonly Pick<GpuInstanceType, "gpus" | "gpuName" | "gpuMemoryMiB">[]): NodeOverlay[] {
  const overlay = (suffix: string, selectors: readonly (readonly [key: string, value: string])[], capacity: number): NodeOverlay => ({
    apiVersion: "karpenter.sh/v1alpha1",
    kind: "NodeOverlay",
    metadata: { name: `${poolName}-${sharingConfigName(sharing)}-${suffix}` },
    spec: {
      requirements: [{ key: "karpenter.sh/nodepool", operator: "In", values: [poolName] }, ...selectors.map(([key, value]) => ({ key, operator: "In" as const, values: [value] }))],
      capacity: { "nvidia.com/gpu": String(capacity) },
    },
  });
  if (!sharing.mig) {
    const counts = [...new Set(admitted.map((t) => t.gpus))].sort((a, b) => a - b);
    return counts.map((gpus) => overlay(`${gpus}gpu`, [["karpenter.k8s.aws/instance-gpu-count", String(gpus)]], gpus * (sharing.timeSlicing?.replicas ?? 1)));
  }
  const groups = new Map<string, Pick<GpuInstanceType, "gpus" | "gpuName" | "gpuMemoryMiB">>();
  for (const t of admitted) if (slicesPerGpu(sharing, t) !== undefined) groups.set(`${t.gpuName}/${t.gpuMemoryMiB}/${t.gpus}`, t);
  return [...groups.values()]
    .sort((a, b) => a.gpuName.localeCompare(b.gpuName) || a.gpuMemoryMiB - b.gpuMemoryMiB || a.gpus - b.gpus)
    .map((t) =>
      overlay(
        `${migGpuOf(t)!.slug}-${t.gpus}gpu`,
        [
          ["karpenter.k8s.aws/instance-gpu-name", t.gpuName],
          ["karpenter.k8s.aws/instance-gpu-memory", String(t.gpuMemoryMiB)],
          ["karpenter.k8s.aws/instance-gpu-count", String(t.gpus)],
        ],
        sharedGpuCapacity(t, sharing),
      ),
    );
}

/** What a pool's sharing settings need from the GPU Operator chart: the device plugin's time-slicing entries, and MIG's strategy. */
export interface GpuOperatorSharingValues {
  readonly devicePlugin?: { readonly config: { readonly create: true; readonly name: string; readonly default: ""; readonly data: Readonly<Record<string, string>> } };
  readonly mig?: { readonly strategy: "single" };
  readonly migManager?: { readonly enabled: true; readonly config: { readonly name: "" } };
}

/**
 * The GPU Operator chart values for these sharing settings:
 * - time-slicing: a ConfigMap the chart creates with one entry per distinct setting (named as the
 *   nodes' label), no default entry (nodes without the label keep one `nvidia.com/gpu` per GPU);
 * - MIG: `mig.strategy: single` (each instance is one `nvidia.com/gpu`; the chart's default,
 *   written so that no override can change it), the MIG manager on, and no custom MIG config
 *   name, so that the manager writes its config from each GPU's profiles (what the overlays count).
 * Empty without sharing.
 */
export function gpuOperatorSharingValues(settings: readonly GpuSharing[]): GpuOperatorSharingValues {
  const replicas = [...new Set(settings.flatMap((g) => (g.timeSlicing ? [g.timeSlicing.replicas] : [])))];
  const data = Object.fromEntries(replicas.map((r) => [sharingConfigName({ timeSlicing: { replicas: r } }), devicePluginSharingConfig(r)] as const).sort(([a], [b]) => a.localeCompare(b)));
  return {
    ...(replicas.length ? { devicePlugin: { config: { create: true, name: DEVICE_PLUGIN_CONFIG_MAP, default: "", data } } } : {}),
    ...(settings.some((g) => g.mig) ? { mig: { strategy: "single" }, migManager: { enabled: true, config: { name: "" } } } : {}),
  };
}

/** Why the module owns a GPU Operator value it derives from sharing settings (undefined: not one of them). */
export function sharingValueReason(path: readonly (string | number)[]): string | undefined {
  if (path[0] === "devicePlugin") return "the module writes the device plugin's time-slicing config there";
  if (path[0] === "mig") return "the module sets the single MIG strategy (each MIG instance one nvidia.com/gpu, as the NodeOverlays count)";
  if (path[0] === "migManager") return "the module needs the MIG manager on, writing its config from each GPU's own profiles (what the NodeOverlays count)";
  return undefined;
}

/**
 * GPU Operator container env entries that would undo a MIG pool's settings behind the values the
 * module derives: the operator applies a component's `env` after its own (gpu-operator v26.7.0
 * controllers/object_controls.go), so `CONFIG_FILE` on the MIG manager replaces the config it
 * writes from each GPU's profiles, and `MIG_STRATEGY` on the device plugin replaces the single
 * strategy. Paths are relative to the chart values; empty without a MIG setting.
 */
export function sharingEnvProblems(settings: readonly GpuSharing[], values: Readonly<Record<string, unknown>> | undefined): { readonly path: (string | number)[]; readonly problem: string }[] {
  if (!settings.some((g) => g.mig)) return [];
  const owned: readonly (readonly [component: string, name: string, why: string])[] = [
    ["migManager", "CONFIG_FILE", "a MIG pool's nodes need the MIG manager's own config, written from each GPU's profiles (what the NodeOverlays count)"],
    ["devicePlugin", "MIG_STRATEGY", "a MIG pool needs the single MIG strategy (each instance one nvidia.com/gpu, as the NodeOverlays count)"],
  ];
  const out: { path: (string | number)[]; problem: string }[] = [];
  for (const [component, name, why] of owned) {
    const section = values?.[component];
    const env = section && typeof section === "object" ? (section as Record<string, unknown>).env : undefined;
    if (!Array.isArray(env)) continue;
    env.forEach((e, i) => {
      if (e && typeof e === "object" && (e as Record<string, unknown>).name === name) out.push({ path: [component, "env", i], problem: `sets ${name}, but ${why}: remove this entry` });
    });
  }
  return out;
}
