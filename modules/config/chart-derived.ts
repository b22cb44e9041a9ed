/**
 * The chart values the module derives from other keys of a configuration (feature gates a pool
 * needs, AWS_REGION, the GPU Operator's tolerations and sharing config), which
 * `additionalValues` may not change whatever the type of the override, and the chart value keys
 * the pinned charts read. Run by crossKeyProblems on the raw file; the chart constructs check
 * their props the same way.
 */
import { describeValues, missingEntries, overriddenValues, tolerationsFor } from "../core/helm-values.js";
import { quoted } from "../core/rules.js";
import { GPU_OPERATOR_CHART_VERSION, GPU_OPERATOR_DEFAULT_TOLERATIONS, KARPENTER_CHART_VERSION } from "../core/versions.js";
import { gpuOperatorSharingValues, sharingEnvProblems, sharingValueReason } from "../karpenter/gpu-sharing.js";
import { checkedChartVersion, unknownValueKeys } from "../validation/chart-keys.js";
import { nodePool } from "./pool-schema.js";
import { isRecord, listAt, recordAt, stringAt, type KeyProblem } from "./raw.js";

/** The pools (labels for messages) that make the module turn chart gates on. */
export interface GateUsers {
  readonly staticPools: readonly string[];
  readonly reservedPools: readonly string[];
  readonly sharingPools: readonly string[];
}

/** Every problem of `karpenter.additionalValues` and `gpuOperator.additionalValues` against what the module derives and what the charts read. */
export function chartValueProblems(raw: unknown, { staticPools, reservedPools, sharingPools }: GateUsers): KeyProblem[] {
  const out: KeyProblem[] = [];
  const issue = (path: (string | number)[], message: string) => out.push({ path, message });
  const region = stringAt(raw, "region");
  // Chart values the module derives from other keys: additionalValues may not change them,
  // whatever the type of the override (null, [], 0 and "false" included).
  const karpenterValues = recordAt(recordAt(raw, "karpenter"), "additionalValues");
  // Why the module turns each gate on (undefined: it does not).
  const nodeRepair = recordAt(raw, "nodeRepair").enabled !== false;
  const gateReasons: Record<string, string | undefined> = {
    staticCapacity: staticPools.length ? `node pool(s) ${staticPools.join(", ")} set replicas, which Karpenter ignores without the staticCapacity feature gate (the module turns it on for them)` : undefined,
    reservedCapacity: reservedPools.length ? `node pool(s) ${reservedPools.join(", ")} list "reserved" in capacityTypes, which Karpenter ignores without the reservedCapacity feature gate (the module turns it on for them)` : undefined,
    nodeRepair: nodeRepair ? "nodeRepair.enabled is true (the default), which turns on the nodeRepair feature gate (nodeRepair.enabled: false turns it off)" : undefined,
    nodeOverlay: sharingPools.length ? `node pool(s) ${sharingPools.join(", ")} set gpuSharing, which Karpenter plans without NodeOverlays unless the nodeOverlay feature gate is on (the module turns it on for them)` : undefined,
  };
  const neededGates = Object.fromEntries(Object.keys(gateReasons).filter((gate) => gateReasons[gate]).map((gate) => [gate, true]));
  // `settings` itself is the schema's (it holds values the module owns): not reported twice.
  const derivedGates = Object.keys(neededGates).length > 0 ? { settings: { featureGates: neededGates } } : {};
  for (const o of overriddenValues(derivedGates, karpenterValues).filter((o) => o.path.length > 1)) {
    const gate = o.path[2];
    const why = gate ? `${gateReasons[gate]}; remove it` : `the module turns on feature gates inside it (${Object.keys(neededGates).join(", ")}); set single gates instead`;
    issue(["karpenter", "additionalValues", ...o.path], `is ${quoted(o.given)}, but ${why}`);
  }
  const env = recordAt(karpenterValues, "controller").env;
  if (Array.isArray(env)) {
    env.forEach((e, i) => {
      if (isRecord(e) && e.name === "AWS_REGION" && e.value !== region) issue(["karpenter", "additionalValues", "controller", "env", i], `sets AWS_REGION to ${quoted(e.value)}, but the module sets it from region (${quoted(region)}): remove this entry`);
    });
  }
  // Keys the pinned charts never read: Helm would ignore them silently. Another chart version has other keys.
  for (const [chart, defaultVersion] of [["karpenter", KARPENTER_CHART_VERSION], ["gpuOperator", GPU_OPERATOR_CHART_VERSION]] as const) {
    const section = recordAt(raw, chart);
    if ((stringAt(section, "chartVersion") ?? defaultVersion) !== checkedChartVersion(chart)) continue;
    for (const u of unknownValueKeys(chart, recordAt(section, "additionalValues"))) issue([chart, "additionalValues", ...u.path], u.problem);
  }
  // The GPU Operator's tolerations: the chart's defaults and every pool's taints (as the charts stack derives them).
  const pools = listAt(raw, "nodePools").map((p) => nodePool.safeParse(p));
  if (pools.every((p) => p.success)) {
    const taints = pools.flatMap((p) => (p.success ? p.data.taints : []));
    const settings = pools.flatMap((p) => (p.success && p.data.gpuSharing ? [p.data.gpuSharing] : []));
    const sharing = gpuOperatorSharingValues(settings);
    for (const e of sharingEnvProblems(settings, recordAt(recordAt(raw, "gpuOperator"), "additionalValues"))) issue(["gpuOperator", "additionalValues", ...e.path], e.problem);
    const derived = {
      ...sharing,
      daemonsets: { tolerations: tolerationsFor(taints, GPU_OPERATOR_DEFAULT_TOLERATIONS.daemonsets) },
      "node-feature-discovery": { worker: { tolerations: tolerationsFor(taints, GPU_OPERATOR_DEFAULT_TOLERATIONS.nfdWorker) } },
    };
    for (const o of overriddenValues(derived, recordAt(recordAt(raw, "gpuOperator"), "additionalValues"))) {
      const sharingReason = sharingValueReason(o.path);
      if (sharingReason) {
        issue(["gpuOperator", "additionalValues", ...o.path], `is ${quoted(o.given)}, but ${sharingReason} from the pools' gpuSharing (${quoted(o.derived)}); remove it`);
        continue;
      }
      const derivedList = Array.isArray(o.derived) ? o.derived : [];
      const what = Array.isArray(o.given) ? `drops the tolerations ${describeValues(missingEntries(derivedList, o.given))}` : `is ${quoted(o.given)}`;
      issue(["gpuOperator", "additionalValues", ...o.path], `${what}, but the module tolerates the chart's defaults and every node pool's taint there (${describeValues(derivedList)}), so the operator runs on every GPU node: Helm replaces lists, so keep these and add yours`);
    }
  }
  return out;
}
