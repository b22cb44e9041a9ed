/** The EC2 vCPU quotas GPU nodes draw on (Service Quotas, service code `ec2`). */
import type { QuotaFamily } from "./gpu-instances.js";

/** An EC2 vCPU quota Karpenter GPU nodes draw on (Service Quotas, service code `ec2`). */
export interface QuotaBucket {
  /** Service Quotas quota code, e.g. `L-DB2E81BA`. */
  readonly code: string;
  /** The quota's name in the Service Quotas console. */
  readonly name: string;
  /** The instance family the quota counts. */
  readonly family: QuotaFamily;
  /** On-Demand (reserved capacity included) or Spot. */
  readonly market: "on-demand" | "spot";
}

/**
 * The four GPU vCPU quotas (values are vCPUs). A capacity reservation counts against the
 * on-demand quota of its family when it is created (see `poolCapacity` for what that means for
 * reserved pools).
 */
export const QUOTA_BUCKETS: readonly QuotaBucket[] = [
  { code: "L-DB2E81BA", name: "Running On-Demand G and VT instances", family: "G and VT", market: "on-demand" },
  { code: "L-3819A6DF", name: "All G and VT Spot Instance Requests", family: "G and VT", market: "spot" },
  { code: "L-417A185B", name: "Running On-Demand P instances", family: "P", market: "on-demand" },
  { code: "L-7212CCBC", name: "All P Spot Instance Requests", family: "P", market: "spot" },
];

export function quotaBucketFor(family: QuotaFamily, capacityType: "spot" | "on-demand" | "reserved"): QuotaBucket {
  const market = capacityType === "spot" ? "spot" : "on-demand";
  return QUOTA_BUCKETS.find((b) => b.family === family && b.market === market)!;
}

/** Per quota bucket, what all pools together may draw: the vCPUs to request. */
export interface BucketTotal {
  /** The quota. */
  readonly bucket: QuotaBucket;
  /** The pools that draw on it. */
  readonly pools: readonly string[];
  /** The most vCPUs those pools may run in it together. */
  readonly vcpus: number;
}
