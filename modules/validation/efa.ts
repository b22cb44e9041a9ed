/**
 * The checks of EFA node classes: a layout given as a prop, and the pools of a class admitting
 * only EFA types of one network-card layout (why one layout: karpenter/efa.ts).
 */
import { quoted, shortList } from "../core/rules.js";
import { admittedInstanceTypes, describeEfaLayout, efaLayoutOf, MAX_NETWORK_INTERFACES, type EfaLayout, type EfaPool } from "../karpenter/efa.js";
import { GPU_INSTANCE_TYPES } from "../karpenter/gpu-instances.js";

/** What is wrong with a layout given as a construct prop, or undefined. */
export function efaLayoutProblem(l: EfaLayout): string | undefined {
  const whole = (n: number) => Number.isInteger(n) && n >= 1;
  if (!whole(l.networkCards) || !whole(l.efaInterfaces) || l.networkCards + 1 > MAX_NETWORK_INTERFACES) {
    return `must have whole numbers networkCards (1-${MAX_NETWORK_INTERFACES - 1}) and efaInterfaces (≥ 1) (got ${quoted(l)})`;
  }
  if (l.efaInterfaces !== l.networkCards && l.efaInterfaces !== l.networkCards - 1) {
    return `efaInterfaces must be networkCards (card 0 has EFA) or networkCards - 1 (it has not) (got ${quoted(l)})`;
  }
  return undefined;
}

const listTypes = (types: readonly string[]) => shortList(types, 8);

/**
 * Why `efa: true` cannot be written for node class `className`, used by `pools`: no pool uses it,
 * a pool admits types without EFA, or the pools admit types of several network-card layouts.
 * Each message names the pools, their types and what to do; empty when the class is fine.
 */
export function efaClassProblems(className: string, pools: readonly EfaPool[]): string[] {
  if (pools.length === 0) {
    return [`is true, but no node pool uses node class ${quoted(className)}: its network interfaces are written for the network cards of the instance types its pools admit`];
  }
  const out: string[] = [];
  const byLayout = new Map<string, { types: Set<string>; pools: Set<string> }>();
  for (const { index, pool } of pools) {
    const types = admittedInstanceTypes(pool);
    const without = types.filter((t) => !efaLayoutOf(t)).map((t) => t.type);
    if (without.length) {
      out.push(
        `is true, but pool ${quoted(pool.name)} (nodePools[${index}]) admits instance types without EFA: ${listTypes(without)}; ` +
          `limit the pool to EFA types with a requirement such as node.kubernetes.io/instance-type In [${listTypes(types.filter((t) => efaLayoutOf(t)).map((t) => t.type)) || "p5.48xlarge"}]`,
      );
      continue;
    }
    for (const t of types) {
      const key = describeEfaLayout(efaLayoutOf(t)!);
      const entry = byLayout.get(key) ?? { types: new Set(), pools: new Set() };
      entry.types.add(t.type);
      entry.pools.add(pool.name);
      byLayout.set(key, entry);
    }
  }
  // A type whose card 0 has no EFA (one card more than EFA interfaces): no source the module keeps
  // says which card lacks EFA, and a wrong index fails every launch or loses an interface.
  for (const [layout, e] of byLayout) {
    const [cards, efa] = [...e.types].map((t) => GPU_INSTANCE_TYPES.find((x) => x.type === t)!).map((t) => [t.networkCards, t.efaInterfaces])[0];
    if (cards !== efa) {
      out.push(
        `is true, but pool${e.pools.size === 1 ? "" : "s"} ${[...e.pools].map((p) => quoted(p)).join(", ")} admit${e.pools.size === 1 ? "s" : ""} ${listTypes([...e.types])} (${layout}): which network card lacks EFA is not in any source the module keeps, so it writes no EFA layout for it; ` +
          "leave these types out of EFA node classes (GpuNodeClass takes an explicit efa layout if you have verified it)",
      );
    }
  }
  if (byLayout.size > 1) {
    const layouts = [...byLayout].map(([layout, e]) => `${layout}: ${listTypes([...e.types])} (pool${e.pools.size === 1 ? "" : "s"} ${[...e.pools].join(", ")})`);
    out.push(
      `is true, but the pools using node class ${quoted(className)} admit instance types of ${byLayout.size} network-card layouts (${layouts.join("; ")}); ` +
        "an EFA node class is written for one layout: limit its pools to types of one layout with node.kubernetes.io/instance-type In [...], or give each layout its own node class",
    );
  }
  return out;
}
