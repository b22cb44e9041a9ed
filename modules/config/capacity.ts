/**
 * What each GPU pool can reach under its caps, and which EC2 vCPU quotas it draws on: the
 * numbers to compare with Service Quotas before `VcpuLimitExceeded` shows up in production.
 */
import { admittedInstanceTypes, describeEfaLayout, type EfaLayout } from "../karpenter/efa.js";
import type { GpuInstanceType } from "../karpenter/gpu-instances.js";
import { isEvaluated } from "../karpenter/labels.js";
import { physicalGpus, sharedGpuCapacity, sharingConfigName, slicesPerGpu, type GpuSharing } from "../karpenter/gpu-sharing.js";
import { defaultGpuLimit, managedRequirements } from "../karpenter/node-pool-spec.js";
import { type BucketTotal, QUOTA_BUCKETS, type QuotaBucket, quotaBucketFor } from "../karpenter/quota.js";
import { nodeClassPropsOf } from "./props.js";
import type { KarpenterGpuConfig, NodePoolConfig } from "./schema.js";

const CAPACITY_TYPE = "karpenter.sh/capacity-type";

/** An instance type a pool admits, and how far the pool's caps let it go with that type alone. */
export interface AdmittedType {
  readonly type: string;
  readonly vcpu: number;
  readonly gpus: number;
  readonly gpuName: string;
  /** Most nodes of this type the caps allow: min(cpu cap / vCPU, GPU cap / GPUs). */
  readonly maxNodes: number;
  /** GPUs at `maxNodes`. */
  readonly maxGpus: number;
}

/** What a pool may draw from one quota bucket. */
export interface BucketUse {
  readonly bucket: QuotaBucket;
  /** The most vCPUs the pool can run in this bucket under its caps: the quota it needs. */
  readonly vcpus: number;
}

export interface PoolCapacity {
  readonly pool: string;
  /** The vCPU cap; for a static pool, the most vCPUs its nodes can have (nodes × the largest admitted type). */
  readonly cpuLimit: number;
  /** The GPU cap; for a static pool, the most GPUs its nodes can have. */
  readonly gpuLimit: number;
  /** A static pool: the nodes it keeps (`replicas`) and the most it may have (`limits.nodes`, else `replicas` + 1 for a replacement). */
  readonly static?: { readonly replicas: number; readonly maxNodes: number };
  /** Whether the pool may launch reserved capacity, and of which kind (`capacityReservationType`, or any). */
  readonly reserved?: { readonly reservationType: "default" | "capacity-block" | "any"; readonly only: boolean };
  readonly capacityTypes: readonly string[];
  readonly admitted: readonly AdmittedType[];
  readonly buckets: readonly BucketUse[];
  /** Requirement keys the report cannot evaluate from the instance table (it may admit more than Karpenter will). */
  readonly unevaluated: readonly string[];
  /** The pool's node class and its multi-node networking (set by `capacityReport`, which knows the classes). */
  readonly nodeClass?: PoolNodeClass;
  /** Voluntary disruption settings (set by `capacityReport`). */
  readonly disruption?: PoolDisruption;
  /** With GPU sharing: how, the pool's cap in slices, and the `nvidia.com/gpu` a node of each GPU model and count advertises. */
  readonly sharing?: PoolSharing;
}

/** How a sharing pool's nodes advertise their GPUs. */
export interface PoolSharing {
  readonly method: "time-slicing" | "mig";
  /** The config the nodes' label picks: `time-slicing-<replicas>` or the MIG config, e.g. `all-1g.10gb`. */
  readonly config: string;
  /** The pool's GPU cap (`limits.gpus` or its default), in slices. */
  readonly sliceLimit: number;
  readonly perNode: readonly { readonly gpuName: string; readonly gpus: number; readonly slicesPerGpu: number; readonly slices: number }[];
}

/** What a pool's node class does for multi-node training. */
export interface PoolNodeClass {
  readonly name: string;
  /** The network-card layout its EFA interfaces are written for; undefined without EFA. */
  readonly efa?: EfaLayout;
  /** The placement group it launches into, by name or ID; undefined without one. */
  readonly placementGroup?: { readonly name?: string; readonly id?: string };
  /** The AMI alias; `@latest` drifts every node at each AMI release. */
  readonly amiAlias?: string;
}

/** How Karpenter may disrupt a pool's nodes (what keeps busy GPU nodes alive). */
export interface PoolDisruption {
  readonly consolidationPolicy: string;
  readonly consolidateAfter: string;
  /** The budgets as written; empty: Karpenter's default (10% of nodes). */
  readonly budgets: readonly { readonly nodes: string; readonly reasons?: readonly string[]; readonly schedule?: string; readonly duration?: string }[];
  /** Unset: Karpenter never forces a busy node out. */
  readonly terminationGracePeriod?: string;
}

export interface CapacityReport {
  readonly cluster: string;
  readonly region: string;
  readonly pools: readonly PoolCapacity[];
  readonly buckets: readonly BucketTotal[];
}

/**
 * The capacity of one pool, from its validated config.
 *
 * Quotas: spot and on-demand capacity draw on the spot and on-demand quota of each instance
 * family the pool admits. Reserved capacity draws on none: EC2 counts an On-Demand Capacity
 * Reservation against the on-demand quota when the reservation is created (CreateCapacityReservation
 * fails beyond it), and an instance launched into it only fills what is already reserved. So
 * `reserved` adds no bucket, and a pool whose only capacity type is `reserved` needs no quota
 * here. A pool that lists `reserved` with `on-demand` counts its whole cap against the on-demand
 * quota, as before: its reservations and its on-demand overflow together take at most the cap.
 *
 * Size: a dynamic pool reaches at most its CPU and GPU caps. A static pool (`replicas`) has no
 * such caps: it has at most `limits.nodes` nodes (else `replicas`), so it reaches at most that
 * many nodes of the largest type it admits, per family.
 */
export function poolCapacity(pool: NodePoolConfig): PoolCapacity {
  const requirements = [...managedRequirements(pool), ...pool.requirements];
  // Capacity type is not an instance property: it selects the quota buckets below.
  const unevaluated = [
    ...new Set(requirements.filter((r) => r.key !== CAPACITY_TYPE && !isEvaluated(r.key)).map((r) => r.key)),
  ];
  const types = admittedInstanceTypes(pool);
  // Without limits.nodes nothing caps a static pool while a drifted or expired node is replaced
  // (the new one comes up first): count one node more than replicas.
  const staticNodes = pool.replicas === undefined ? undefined : (pool.limits.nodes ?? pool.replicas + 1);
  const cpuLimit = staticNodes !== undefined ? staticNodes * Math.max(0, ...types.map((t) => t.vcpu)) : pool.limits.cpu!;
  const sharing = pool.gpuSharing;
  // The cap counts what nodes advertise: slices with sharing (whole GPUs below are an upper bound).
  const sliceLimit = pool.limits.gpus ?? defaultGpuLimit(cpuLimit, sharing);
  const gpuLimit = staticNodes !== undefined ? staticNodes * Math.max(0, ...types.map((t) => t.gpus)) : physicalGpus(sliceLimit, sharing, types);
  const admitted = types.map((t) => {
    const advertised = sharing ? sharedGpuCapacity(t, sharing) : t.gpus;
    const maxNodes = staticNodes ?? Math.min(Math.floor(cpuLimit / t.vcpu), advertised > 0 ? Math.floor((sharing ? sliceLimit : gpuLimit) / advertised) : Infinity);
    return { type: t.type, vcpu: t.vcpu, gpus: t.gpus, gpuName: t.gpuName, maxNodes, maxGpus: maxNodes * t.gpus };
  });
  const buckets: BucketUse[] = [];
  for (const capacityType of pool.capacityTypes) {
    // Reserved capacity took its quota when the reservation was made (see above).
    if (capacityType === "reserved") continue;
    for (const family of ["G and VT", "P"] as const) {
      const inFamily = types.filter((t) => t.quotaFamily === family && admitted.find((a) => a.type === t.type)!.maxNodes > 0);
      if (inFamily.length === 0) continue;
      const bucket = quotaBucketFor(family, capacityType);
      // Any mix of nodes stays within both caps, so at most min(cpu cap, GPU cap × the most vCPUs per GPU);
      // a static pool's nodes, at most all of the family's largest type.
      const vcpuPerGpu = Math.max(...inFamily.map((t) => t.vcpu / t.gpus));
      const vcpus = staticNodes !== undefined ? staticNodes * Math.max(...inFamily.map((t) => t.vcpu)) : Math.min(cpuLimit, Math.floor(gpuLimit * vcpuPerGpu));
      const existing = buckets.findIndex((b) => b.bucket.code === bucket.code);
      if (existing === -1) buckets.push({ bucket, vcpus });
      else buckets[existing] = { bucket, vcpus: Math.max(buckets[existing].vcpus, vcpus) };
    }
  }
  return {
    pool: pool.name,
    cpuLimit,
    gpuLimit,
    ...(pool.replicas !== undefined ? { static: { replicas: pool.replicas, maxNodes: staticNodes! } } : {}),
    ...(pool.capacityTypes.includes("reserved")
      ? { reserved: { reservationType: pool.capacityReservationType ?? "any", only: pool.capacityTypes.every((c) => c === "reserved") } }
      : {}),
    capacityTypes: pool.capacityTypes,
    admitted,
    buckets,
    unevaluated,
    ...(sharing ? { sharing: poolSharing(sharing, sliceLimit, types) } : {}),
  };
}

/** A sharing pool's slices per node, one row per GPU model and count it admits. */
function poolSharing(sharing: GpuSharing, sliceLimit: number, types: readonly GpuInstanceType[]): PoolSharing {
  const rows = new Map<string, PoolSharing["perNode"][number]>();
  for (const t of types) {
    const perGpu = slicesPerGpu(sharing, t) ?? 0;
    rows.set(`${t.gpuName}/${t.gpuMemoryMiB}/${t.gpus}`, { gpuName: t.gpuName, gpus: t.gpus, slicesPerGpu: perGpu, slices: t.gpus * perGpu });
  }
  const perNode = [...rows.values()].sort((a, b) => a.gpuName.localeCompare(b.gpuName) || a.gpus - b.gpus);
  return { method: sharing.mig ? "mig" : "time-slicing", config: sharingConfigName(sharing), sliceLimit, perNode };
}

/** The capacity report of a whole configuration. */
export function capacityReport(config: KarpenterGpuConfig): CapacityReport {
  const pools = config.nodePools.map((p): PoolCapacity => {
    const nc = config.nodeClasses.find((c) => c.name === p.nodeClass);
    const props = nc ? nodeClassPropsOf(config, nc) : undefined;
    return {
      ...poolCapacity(p),
      nodeClass: { name: p.nodeClass, efa: props?.efa, placementGroup: props?.placementGroup, amiAlias: props?.amiAlias },
      disruption: {
        consolidationPolicy: p.disruption.consolidationPolicy,
        consolidateAfter: p.disruption.consolidateAfter,
        budgets: p.disruption.budgets ?? [],
        terminationGracePeriod: p.terminationGracePeriod,
      },
    };
  });
  const buckets: BucketTotal[] = [];
  for (const bucket of QUOTA_BUCKETS) {
    const users = pools.flatMap((p) => p.buckets.filter((b) => b.bucket.code === bucket.code).map((b) => ({ pool: p.pool, vcpus: b.vcpus })));
    if (users.length) buckets.push({ bucket, pools: users.map((u) => u.pool), vcpus: users.reduce((sum, u) => sum + u.vcpus, 0) });
  }
  return { cluster: config.clusterName, region: config.region, pools, buckets };
}

/** The report as text for a terminal. */
export function formatCapacityReport(report: CapacityReport): string {
  const lines: string[] = [`GPU capacity for cluster ${report.cluster} (${report.region})`, ""];
  for (const p of report.pools) {
    const size = p.static
      ? `static, ${p.static.replicas} node${p.static.replicas === 1 ? "" : "s"} kept up (at most ${p.static.maxNodes}: up to ${p.cpuLimit} vCPU, ${p.gpuLimit} GPUs)`
      : `caps cpu ${p.cpuLimit} vCPU, nvidia.com/gpu ${p.sharing ? `${p.sharing.sliceLimit} slices (at most ${p.gpuLimit} GPUs)` : p.gpuLimit}`;
    lines.push(`Pool ${p.pool}: ${size}; capacity ${p.capacityTypes.join(", ")}`);
    if (p.nodeClass) {
      const pg = p.nodeClass.placementGroup;
      const efa = p.nodeClass.efa ? `EFA on (${describeEfaLayout(p.nodeClass.efa)} per node)` : "EFA off";
      const ami = p.nodeClass.amiAlias ? `, AMI ${p.nodeClass.amiAlias}${p.nodeClass.amiAlias.endsWith("@latest") ? " (every AMI release drifts its nodes)" : ""}` : "";
      lines.push(`  node class ${p.nodeClass.name}: ${efa}, ${pg ? `placement group ${pg.name !== undefined ? `name ${pg.name}` : `id ${pg.id}`}` : "no placement group"}${ami}`);
    }
    if (p.disruption && !p.static) {
      const d = p.disruption;
      const budgets = d.budgets.length
        ? d.budgets.map((b) => `${b.nodes}${b.reasons ? ` for ${b.reasons.join("/")}` : ""}${b.schedule ? ` from "${b.schedule}" for ${b.duration}` : ""}`).join("; ")
        : "Karpenter's default 10%";
      lines.push(`  disruption: ${d.consolidationPolicy} after ${d.consolidateAfter}; budgets ${budgets}; termination grace ${d.terminationGracePeriod ?? "none (busy nodes are never forced out)"}`);
    }
    if (p.admitted.length === 0) {
      lines.push("  admits no GPU instance type: check instanceCategories, architectures and requirements");
    } else {
      lines.push(table(["instance type", "vCPU", "GPUs", "GPU", "max nodes", "max GPUs"], p.admitted.map((a) => [a.type, a.vcpu, a.gpus, a.gpuName, a.maxNodes, a.maxGpus])));
      const unreachable = p.admitted.filter((a) => a.maxNodes === 0).map((a) => a.type);
      if (unreachable.length) lines.push(`  too large for the caps (0 nodes): ${unreachable.join(", ")}`);
    }
    for (const b of p.buckets) lines.push(`  draws on ${b.bucket.code} ${b.bucket.name}: up to ${b.vcpus} vCPUs`);
    if (p.reserved) {
      const kind = { any: "capacity reservations and Capacity Blocks", default: "On-Demand Capacity Reservations only", "capacity-block": "Capacity Blocks only" }[p.reserved.reservationType];
      lines.push(
        `  reserved: launches into its node class's ${kind}, which need no vCPU quota at launch (EC2 counts an On-Demand Capacity Reservation against the on-demand quota when it is created)` +
          (p.reserved.only ? "; no quota to request for this pool" : "; beyond them, its other capacity types draw on the quotas above"),
      );
    }
    if (p.sharing) {
      const how = p.sharing.method === "mig" ? `MIG ${p.sharing.config} (isolated instances)` : `time-slicing, ${p.sharing.perNode[0]?.slicesPerGpu ?? "?"} slices per GPU`;
      lines.push(
        `  GPU sharing: ${how}; ` +
          `a node advertises nvidia.com/gpu ${p.sharing.perNode.map((n) => `${n.slices} with ${n.gpus} ${n.gpuName} (${n.slicesPerGpu} per GPU)`).join(", ")}: one pod per slice requesting nvidia.com/gpu: 1`,
      );
    }
    if (p.unevaluated.length) lines.push(`  not evaluated (the table lacks these labels): ${p.unevaluated.join(", ")}`);
    lines.push("");
  }
  lines.push("vCPU quotas to request (Service Quotas, service ec2, per region), on top of what other workloads already use:");
  lines.push(table(["quota code", "quota name", "pools", "vCPUs"], report.buckets.map((b) => [b.bucket.code, b.bucket.name, b.pools.join(", "), b.vcpus])));
  return `${lines.join("\n")}\n`;
}

function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => `  ${r.map((c, i) => (typeof rows[0]?.[i] === "number" ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ")}`.trimEnd()).join("\n");
}
