/**
 * The MIG profiles of the GPUs in the instance table, and how many instances of each a GPU holds.
 *
 * How a pool's label becomes slices: the GPU Operator v26.7.0 runs k8s-mig-manager v0.15.0
 * (chart values `migManager.version`), which, when no custom config is given
 * (`migManager.config.name` empty, the chart's default), writes its config on each node from the
 * GPU's own profile list (NVIDIA/mig-parted v0.15.0 `pkg/mig/builder/builder.go`,
 * `buildMigConfigSpec`): one config `all-<profile>` per GPU instance profile, `+` written as
 * `.`, with the profile's maximum instance count on that GPU. A node labelled
 * `nvidia.com/mig.config: all-1g.10gb` is therefore split into as many `1g.10gb` instances as
 * the GPU holds, and with `mig.strategy: single` the device plugin advertises each as one
 * `nvidia.com/gpu` (NVIDIA GPU Operator docs, "GPU Operator with MIG").
 *
 * The counts are the "Number of Instances Available" of NVIDIA's Multi-Instance GPU User Guide,
 * "Supported MIG Profiles" (https://docs.nvidia.com/datacenter/tesla/mig-user-guide/supported-mig-profiles.html),
 * for the GPU each EC2 family carries; the guide does not cover the B300, whose counts are the
 * GPU Operator's (assets/state-mig-manager/0400_configmap.yaml at v26.7.0, the `# B300` block).
 * That static fallback config of the operator (used only when discovery finds no profile:
 * charts/gpu-operator-v26.7.0/default-mig-parted-config.yaml) gives the same counts for every
 * GPU; `__tests__/validation/gpu-sharing.test.ts` checks every one against it, selecting its
 * device-filter entries by the PCI device IDs below.
 *
 * GPUs left out on purpose: T4, T4G, A10G, L4, L40S and V100 have no MIG; the RTX PRO 4500 of
 * g7 has MIG (at most 2 instances, says the user guide's list of supported GPUs), but neither
 * the guide's profile tables nor the operator's config gives its profiles and their counts, so a
 * pool that admits it cannot promise Karpenter a number.
 */
import type { GpuInstanceType } from "./gpu-instances.js";

/** A MIG-capable GPU of the instance table. */
export interface MigGpu {
  /** Short name used in object names, e.g. `h100-80gb`. */
  readonly slug: string;
  /** NVIDIA's product name. */
  readonly model: string;
  /** PCI device and vendor ID, as the MIG manager's `device-filter` writes it. */
  readonly pciDeviceId: string;
  /** GPU instance profile (e.g. `1g.10gb`, `1g.10gb+me`) → instances one GPU holds. */
  readonly profiles: Readonly<Record<string, number>>;
}

/** The profiles of the 80 GB A100 and H100 (the same names and counts). */
const PROFILES_80GB = { "1g.10gb": 7, "1g.10gb+me": 1, "1g.20gb": 4, "2g.20gb": 3, "3g.40gb": 2, "4g.40gb": 1, "7g.80gb": 1 };

/** Keyed by `<instance-gpu-name>/<instance-gpu-memory MiB>`: the a100 of p4d and p4de differ only in memory. */
// prettier-ignore
const MIG_GPUS: Readonly<Record<string, MigGpu>> = {
  "a100/40960": { slug: "a100-40gb", model: "A100-SXM4-40GB", pciDeviceId: "0x20B010DE", profiles: { "1g.5gb": 7, "1g.5gb+me": 1, "1g.10gb": 4, "2g.10gb": 3, "3g.20gb": 2, "4g.20gb": 1, "7g.40gb": 1 } },
  "a100/81920": { slug: "a100-80gb", model: "A100-SXM4-80GB", pciDeviceId: "0x20B210DE", profiles: PROFILES_80GB },
  "h100/81920": { slug: "h100-80gb", model: "H100-SXM5-80GB", pciDeviceId: "0x233010DE", profiles: PROFILES_80GB },
  "h200/144384": { slug: "h200-141gb", model: "H200-SXM-141GB", pciDeviceId: "0x233510DE", profiles: { "1g.18gb": 7, "1g.18gb+me": 1, "1g.35gb": 4, "2g.35gb": 3, "3g.71gb": 2, "4g.71gb": 1, "7g.141gb": 1 } },
  "b200/183359": { slug: "b200", model: "B200", pciDeviceId: "0x290110DE", profiles: { "1g.23gb": 7, "1g.23gb+me": 1, "1g.45gb": 4, "2g.45gb": 3, "3g.90gb": 2, "4g.90gb": 1, "7g.180gb": 1 } },
  "b300/275040": { slug: "b300", model: "B300", pciDeviceId: "0x318210DE", profiles: { "1g.34gb": 7, "1g.34gb+me": 1, "1g.67gb": 4, "2g.67gb": 3, "3g.135gb": 2, "4g.135gb": 1, "7g.269gb": 1 } },
  "rtx-pro-server-6000/98304": { slug: "rtx-pro-6000", model: "RTX PRO 6000 Blackwell Server Edition", pciDeviceId: "0x2BB510DE", profiles: { "1g.24gb": 4, "1g.24gb+gfx": 4, "1g.24gb-me": 4, "1g.24gb+me.all": 1, "2g.48gb": 2, "2g.48gb+gfx": 2, "2g.48gb-me": 2, "2g.48gb+me.all": 1, "4g.96gb": 1, "4g.96gb+gfx": 1 } },
};

/** GPUs of the table that have MIG without instance counts the module can source (see above). */
export const MIG_WITHOUT_COUNTS: ReadonlySet<string> = new Set(["rtx-pro-4500"]);

/** The MIG GPU of an instance type; undefined when its GPU has no MIG (or none the module can count). */
export function migGpuOf(type: Pick<GpuInstanceType, "gpuName" | "gpuMemoryMiB">): MigGpu | undefined {
  return MIG_GPUS[`${type.gpuName}/${type.gpuMemoryMiB}`];
}

/** Every MIG GPU of the table, with its key. */
export function migGpus(): readonly (readonly [key: string, gpu: MigGpu])[] {
  return Object.entries(MIG_GPUS);
}

/** The MIG manager's config name of a GPU instance profile: `1g.10gb+me` → `all-1g.10gb.me`. */
export function migConfigName(profile: string): string {
  return `all-${profile.replaceAll("+", ".")}`;
}

/** Every config name the MIG manager writes for some GPU of the table, sorted. */
export function migConfigNames(): string[] {
  return [...new Set(Object.values(MIG_GPUS).flatMap((g) => Object.keys(g.profiles).map(migConfigName)))].sort();
}

/** The instances of a MIG config (`all-1g.10gb`) one GPU of this type holds; undefined when its GPU has no such profile. */
export function migSlices(config: string, type: Pick<GpuInstanceType, "gpuName" | "gpuMemoryMiB">): number | undefined {
  const gpu = migGpuOf(type);
  if (!gpu) return undefined;
  const profile = Object.keys(gpu.profiles).find((p) => migConfigName(p) === config);
  return profile === undefined ? undefined : gpu.profiles[profile];
}
