import { capacityReport, formatCapacityReport } from "../modules/capacity.js";
import type { KarpenterGpuConfig } from "../modules/config.js";

/** `karpenter-gpu capacity [--json]`: per pool, what the caps admit and which quotas to request. */
export function runCapacity(config: KarpenterGpuConfig, args: readonly string[], out: (text: string) => void): number {
  const report = capacityReport(config);
  out(args.includes("--json") ? `${JSON.stringify(report, null, 2)}\n` : formatCapacityReport(report));
  return 0;
}
