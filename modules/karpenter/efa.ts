/**
 * Elastic Fabric Adapter (EFA) for multi-node training: the network interfaces an EC2NodeClass
 * writes for an instance type's network cards (the checks that keep one node class to one
 * network-card layout are in validation/efa.ts).
 *
 * Why one layout per node class: `spec.networkInterfaces` is one list for every type the class
 * launches, and Karpenter v1.14.1 drops, without an error, every instance type the list does not
 * fit (fewer network cards than an index it names, fewer EFA interfaces than it lists:
 * pkg/providers/instancetype/compatibility/compatibility.go, `networkInterfaceCheck`). A class
 * written for p5.48xlarge's 32 cards would silently never launch a p4d (4 cards); one written for
 * 4 cards would launch a p5.48xlarge with 4 of its 32 EFA interfaces. So the module writes a
 * class for one layout and refuses pools that admit types of another.
 *
 * Layout, from AWS's "Maximize network bandwidth on Amazon EC2 instances with multiple network
 * cards" (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa-acc-inst-types.html): the
 * primary interface (card 0, device 0) is an ENA `interface`; if card 0 supports EFA, an
 * `efa-only` interface at card 0, device 1; every other card gets an `efa-only` interface at
 * device 0.
 */
import type { EC2NodeClass } from "../../.gen/karpenter/ec2nodeclass.js";
import { GPU_INSTANCE_TYPES, type GpuInstanceType } from "./gpu-instances.js";
import { labelRequirements, satisfies } from "./labels.js";
import { managedRequirements, type GpuNodePoolProps } from "./node-pool-spec.js";

/** The network-card layout an EFA node class is written for. */
export interface EfaLayout {
  /** Network cards of the instance type (`p5.48xlarge`: 32). */
  readonly networkCards: number;
  /**
   * EFA interfaces the type takes: `networkCards` when card 0 supports EFA, one less when it
   * does not (`p6-b300.48xlarge`: 17 cards, 16 EFA).
   */
  readonly efaInterfaces: number;
}

export type NodeClassNetworkInterface = NonNullable<EC2NodeClass["spec"]["networkInterfaces"]>[number];

/** The EC2NodeClass CRD's `maxItems` for `networkInterfaces`. */
export const MAX_NETWORK_INTERFACES = 150;

/** The layout of an instance type, or undefined when it has no EFA. */
export function efaLayoutOf(t: GpuInstanceType): EfaLayout | undefined {
  return t.efaInterfaces > 0 ? { networkCards: t.networkCards, efaInterfaces: t.efaInterfaces } : undefined;
}

/** `32 network cards, 32 EFA interfaces`. */
export function describeEfaLayout(l: EfaLayout): string {
  return `${l.networkCards} network card${l.networkCards === 1 ? "" : "s"}, ${l.efaInterfaces} EFA interface${l.efaInterfaces === 1 ? "" : "s"}`;
}

/** The `spec.networkInterfaces` of an EFA node class for `layout`: ENA primary, one EFA-only interface per EFA-capable card. */
export function efaNetworkInterfaces(layout: EfaLayout): NodeClassNetworkInterface[] {
  const out: NodeClassNetworkInterface[] = [{ networkCardIndex: 0, deviceIndex: 0, interfaceType: "interface" }];
  const card0HasEfa = layout.efaInterfaces === layout.networkCards;
  if (card0HasEfa) out.push({ networkCardIndex: 0, deviceIndex: 1, interfaceType: "efa-only" });
  for (let card = 1; card < layout.networkCards; card++) out.push({ networkCardIndex: card, deviceIndex: 0, interfaceType: "efa-only" });
  return out;
}

/** What decides which instance types a pool admits: its managed settings and its requirements. */
export type AdmittingPool = Pick<GpuNodePoolProps, "name" | "instanceCategories" | "capacityTypes" | "architectures" | "requirements" | "labels">;

/** The instance types a pool admits, as far as the instance table can tell (requirements it cannot evaluate admit). */
export function admittedInstanceTypes(pool: AdmittingPool): GpuInstanceType[] {
  const requirements = [...managedRequirements(pool), ...(pool.requirements ?? []), ...labelRequirements(pool.labels)];
  return GPU_INSTANCE_TYPES.filter((t) => requirements.every((r) => satisfies(t, r) !== false));
}

/** A pool that uses an EFA node class, and where it is in the config. */
export interface EfaPool {
  readonly index: number;
  readonly pool: AdmittingPool;
}

/** The layout shared by every type the pools admit; undefined when they admit none, types without EFA, or several layouts. */
export function efaLayoutOfPools(pools: readonly EfaPool[]): EfaLayout | undefined {
  const layouts = new Map<string, EfaLayout>();
  for (const { pool } of pools) {
    for (const t of admittedInstanceTypes(pool)) {
      const l = efaLayoutOf(t);
      if (!l) return undefined;
      layouts.set(describeEfaLayout(l), l);
    }
  }
  return layouts.size === 1 ? [...layouts.values()][0] : undefined;
}
