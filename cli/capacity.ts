import { capacityReport, formatCapacityReport } from "../modules/config/capacity.js";
import type { KarpenterGpuConfig } from "../modules/config/schema.js";

/**
 * `karpenter-gpu capacity [--json]`: per pool, what the caps admit and which quotas to request.
 * Exits 1 when a pool can launch no node (a config that passed validation never has one).
 */
export function runCapacity(config: KarpenterGpuConfig, args: readonly string[], out: (text: string) => void): number {
  const report = capacityReport(config);
  out(args.includes("--json") ? `${JSON.stringify(report, null, 2)}\n` : formatCapacityReport(report));
  return report.pools.some((p) => !p.admitted.some((a) => a.maxNodes > 0)) ? 1 : 0;
}
