/**
 * The EC2 GPU instance types Karpenter can launch, with the facts a capacity plan needs.
 *
 * Source: Karpenter's instance-types reference (https://karpenter.sh/docs/reference/instance-types/),
 * the labels Karpenter itself puts on these types (vCPU, memory, GPU count/name/memory, arch).
 * Quota buckets: EC2 Service Quotas for G and VT vs P instance families.
 *
 * Traps this table encodes: gr6/gr6f are category `gr`, not `g`; g4ad's GPUs are AMD; g6f and
 * gr6f carry fractional L4 GPUs and report 0 NVIDIA GPUs, so they never fit a `nvidia.com/gpu`
 * request; g5g is arm64.
 */

/** Which EC2 vCPU quota family an instance draws on. */
export type QuotaFamily = "G and VT" | "P";

export interface GpuInstanceType {
  /** e.g. `g5.xlarge`. */
  readonly type: string;
  /** `karpenter.k8s.aws/instance-family`, e.g. `g5`. */
  readonly family: string;
  /** `karpenter.k8s.aws/instance-category`: `g`, `gr` or `p`. */
  readonly category: "g" | "gr" | "p";
  readonly vcpu: number;
  readonly memoryMiB: number;
  /** Whole GPUs Karpenter counts (`karpenter.k8s.aws/instance-gpu-count`); 0 for fractional GPUs. */
  readonly gpus: number;
  /** `karpenter.k8s.aws/instance-gpu-name`, e.g. `a10g`. */
  readonly gpuName: string;
  /** `karpenter.k8s.aws/instance-gpu-manufacturer`. */
  readonly gpuManufacturer: "nvidia" | "amd";
  /** Memory per GPU (`karpenter.k8s.aws/instance-gpu-memory`). */
  readonly gpuMemoryMiB: number;
  readonly arch: "amd64" | "arm64";
  readonly quotaFamily: QuotaFamily;
  /** Physical network cards (EC2 `NetworkInfo.MaximumNetworkCards`); see EFA_NETWORK. */
  readonly networkCards: number;
  /** EFA interfaces the type takes (EC2 `EfaInfo.MaximumEfaInterfaces`, Karpenter's `vpc.amazonaws.com/efa`); 0 without EFA. */
  readonly efaInterfaces: number;
}

type Row = readonly [type: string, vcpu: number, memoryMiB: number, gpus: number, gpuName: string, gpuMemoryMiB: number, arch?: "arm64"];

// prettier-ignore
const ROWS: readonly Row[] = [
  ["g4ad.xlarge", 4, 16384, 1, "radeon-pro-v520", 8192],
  ["g4ad.2xlarge", 8, 32768, 1, "radeon-pro-v520", 8192],
  ["g4ad.4xlarge", 16, 65536, 1, "radeon-pro-v520", 8192],
  ["g4ad.8xlarge", 32, 131072, 2, "radeon-pro-v520", 8192],
  ["g4ad.16xlarge", 64, 262144, 4, "radeon-pro-v520", 8192],
  ["g4dn.xlarge", 4, 16384, 1, "t4", 16384],
  ["g4dn.2xlarge", 8, 32768, 1, "t4", 16384],
  ["g4dn.4xlarge", 16, 65536, 1, "t4", 16384],
  ["g4dn.8xlarge", 32, 131072, 1, "t4", 16384],
  ["g4dn.12xlarge", 48, 196608, 4, "t4", 16384],
  ["g4dn.16xlarge", 64, 262144, 1, "t4", 16384],
  ["g4dn.metal", 96, 393216, 8, "t4", 16384],
  ["g5.xlarge", 4, 16384, 1, "a10g", 22888],
  ["g5.2xlarge", 8, 32768, 1, "a10g", 22888],
  ["g5.4xlarge", 16, 65536, 1, "a10g", 22888],
  ["g5.8xlarge", 32, 131072, 1, "a10g", 22888],
  ["g5.12xlarge", 48, 196608, 4, "a10g", 22888],
  ["g5.16xlarge", 64, 262144, 1, "a10g", 22888],
  ["g5.24xlarge", 96, 393216, 4, "a10g", 22888],
  ["g5.48xlarge", 192, 786432, 8, "a10g", 22888],
  ["g5g.xlarge", 4, 8192, 1, "t4g", 16384, "arm64"],
  ["g5g.2xlarge", 8, 16384, 1, "t4g", 16384, "arm64"],
  ["g5g.4xlarge", 16, 32768, 1, "t4g", 16384, "arm64"],
  ["g5g.8xlarge", 32, 65536, 1, "t4g", 16384, "arm64"],
  ["g5g.16xlarge", 64, 131072, 2, "t4g", 16384, "arm64"],
  ["g5g.metal", 64, 131072, 2, "t4g", 16384, "arm64"],
  ["g6.xlarge", 4, 16384, 1, "l4", 22888],
  ["g6.2xlarge", 8, 32768, 1, "l4", 22888],
  ["g6.4xlarge", 16, 65536, 1, "l4", 22888],
  ["g6.8xlarge", 32, 131072, 1, "l4", 22888],
  ["g6.12xlarge", 48, 196608, 4, "l4", 22888],
  ["g6.16xlarge", 64, 262144, 1, "l4", 22888],
  ["g6.24xlarge", 96, 393216, 4, "l4", 22888],
  ["g6.48xlarge", 192, 786432, 8, "l4", 22888],
  ["g6e.xlarge", 4, 32768, 1, "l40s", 45776],
  ["g6e.2xlarge", 8, 65536, 1, "l40s", 45776],
  ["g6e.4xlarge", 16, 131072, 1, "l40s", 45776],
  ["g6e.8xlarge", 32, 262144, 1, "l40s", 45776],
  ["g6e.12xlarge", 48, 393216, 4, "l40s", 45776],
  ["g6e.16xlarge", 64, 524288, 1, "l40s", 45776],
  ["g6e.24xlarge", 96, 786432, 4, "l40s", 45776],
  ["g6e.48xlarge", 192, 1572864, 8, "l40s", 45776],
  ["g6f.large", 2, 8192, 0, "l4", 2861],
  ["g6f.xlarge", 4, 16384, 0, "l4", 2861],
  ["g6f.2xlarge", 8, 32768, 0, "l4", 5722],
  ["g6f.4xlarge", 16, 65536, 0, "l4", 11444],
  ["g7.2xlarge", 8, 32768, 1, "rtx-pro-4500", 32768],
  ["g7.4xlarge", 16, 65536, 1, "rtx-pro-4500", 32768],
  ["g7.8xlarge", 32, 131072, 1, "rtx-pro-4500", 32768],
  ["g7.12xlarge", 48, 196608, 2, "rtx-pro-4500", 32768],
  ["g7.24xlarge", 96, 393216, 4, "rtx-pro-4500", 32768],
  ["g7.48xlarge", 192, 786432, 8, "rtx-pro-4500", 32768],
  ["g7e.2xlarge", 8, 65536, 1, "rtx-pro-server-6000", 98304],
  ["g7e.4xlarge", 16, 131072, 1, "rtx-pro-server-6000", 98304],
  ["g7e.8xlarge", 32, 262144, 1, "rtx-pro-server-6000", 98304],
  ["g7e.12xlarge", 48, 524288, 2, "rtx-pro-server-6000", 98304],
  ["g7e.24xlarge", 96, 1048576, 4, "rtx-pro-server-6000", 98304],
  ["g7e.48xlarge", 192, 2097152, 8, "rtx-pro-server-6000", 98304],
  ["gr6.4xlarge", 16, 131072, 1, "l4", 22888],
  ["gr6.8xlarge", 32, 262144, 1, "l4", 22888],
  ["gr6f.4xlarge", 16, 131072, 0, "l4", 11444],
  ["p3.2xlarge", 8, 62464, 1, "v100", 16384],
  ["p3.8xlarge", 32, 249856, 4, "v100", 16384],
  ["p3.16xlarge", 64, 499712, 8, "v100", 16384],
  ["p3dn.24xlarge", 96, 786432, 8, "v100", 32768],
  ["p4d.24xlarge", 96, 1179648, 8, "a100", 40960],
  ["p4de.24xlarge", 96, 1179648, 8, "a100", 81920],
  ["p5.4xlarge", 16, 262144, 1, "h100", 81920],
  ["p5.48xlarge", 192, 2097152, 8, "h100", 81920],
  ["p5e.48xlarge", 192, 2097152, 8, "h200", 144384],
  ["p5en.48xlarge", 192, 2097152, 8, "h200", 144384],
  ["p6-b200.48xlarge", 192, 2097152, 8, "b200", 183359],
  ["p6-b300.48xlarge", 192, 4194304, 8, "b300", 275040],
];

const AMD_GPUS = new Set(["radeon-pro-v520"]);

/**
 * Network cards and EFA interfaces of the GPU types that support EFA: `[networkCards, efaInterfaces]`.
 * Every other type in ROWS has one network card and no EFA.
 *
 * Sources (Karpenter v1.14.1, aws/karpenter-provider-aws tag v1.14.1):
 * - EFA interfaces: the `vpc.amazonaws.com/efa` capacity of each type in Karpenter's instance-types
 *   reference (website/content/en/v1.14/reference/instance-types.md), which Karpenter takes from
 *   EC2's `EfaInfo.MaximumEfaInterfaces`. The same types, and no others of this table, are in the
 *   EFA device plugin chart's `supportedInstanceLabels` (aws/eks-charts, aws-efa-k8s-device-plugin
 *   v0.5.30), which cites the EC2 guide's list of EFA instance types.
 * - Network cards: the `NetworkCards` of each type in Karpenter's
 *   pkg/providers/instancetype/zz_generated.vpclimits.go (generated 2026-05-18).
 * p6-b300.48xlarge has one card more than EFA interfaces: its card 0 carries no EFA.
 */
// prettier-ignore
const EFA_NETWORK: Readonly<Record<string, readonly [networkCards: number, efaInterfaces: number]>> = {
  "g4dn.8xlarge": [1, 1], "g4dn.12xlarge": [1, 1], "g4dn.16xlarge": [1, 1], "g4dn.metal": [1, 1],
  "g5.8xlarge": [1, 1], "g5.12xlarge": [1, 1], "g5.16xlarge": [1, 1], "g5.24xlarge": [1, 1], "g5.48xlarge": [1, 1],
  "g6.8xlarge": [1, 1], "g6.12xlarge": [1, 1], "g6.16xlarge": [1, 1], "g6.24xlarge": [1, 1], "g6.48xlarge": [1, 1],
  "g6e.8xlarge": [1, 1], "g6e.12xlarge": [1, 1], "g6e.16xlarge": [1, 1], "g6e.24xlarge": [2, 2], "g6e.48xlarge": [4, 4],
  "g7.8xlarge": [1, 1], "g7.12xlarge": [1, 1], "g7.24xlarge": [1, 1], "g7.48xlarge": [2, 2],
  "g7e.8xlarge": [1, 1], "g7e.12xlarge": [1, 1], "g7e.24xlarge": [2, 2], "g7e.48xlarge": [4, 4],
  "gr6.8xlarge": [1, 1],
  "p3dn.24xlarge": [1, 1],
  "p4d.24xlarge": [4, 4], "p4de.24xlarge": [4, 4],
  "p5.4xlarge": [1, 1], "p5.48xlarge": [32, 32], "p5e.48xlarge": [32, 32], "p5en.48xlarge": [16, 16],
  "p6-b200.48xlarge": [8, 8], "p6-b300.48xlarge": [17, 16],
};

/** Every GPU instance type in the table. */
export const GPU_INSTANCE_TYPES: readonly GpuInstanceType[] = ROWS.map(([type, vcpu, memoryMiB, gpus, gpuName, gpuMemoryMiB, arch]) => {
  const family = type.slice(0, type.indexOf("."));
  const category = family.startsWith("gr") ? "gr" : family.startsWith("p") ? "p" : "g";
  return {
    type,
    family,
    category,
    vcpu,
    memoryMiB,
    gpus,
    gpuName,
    gpuManufacturer: AMD_GPUS.has(gpuName) ? "amd" : "nvidia",
    gpuMemoryMiB,
    arch: arch ?? "amd64",
    quotaFamily: category === "p" ? "P" : "G and VT",
    networkCards: EFA_NETWORK[type]?.[0] ?? 1,
    efaInterfaces: EFA_NETWORK[type]?.[1] ?? 0,
  };
});
