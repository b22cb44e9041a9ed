import { stringify as stringifyYaml } from "yaml";
import { quoted } from "./rules.js";

/** A Kubernetes toleration, as Helm charts take it. */
export interface Toleration {
  readonly key: string;
  readonly operator: "Equal" | "Exists";
  readonly value?: string;
  readonly effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** Container resources in Kubernetes quantity strings. */
export interface ResourceRequirements {
  /** What the container is guaranteed, e.g. `{ cpu: "1", memory: "1Gi" }`. */
  readonly requests?: { readonly cpu?: string; readonly memory?: string };
  /** The most the container may use, as `requests`. */
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

/**
 * Serializes a values object for `helm_release.values`, so that Helm reads exactly this object.
 * Helm parses values as YAML 1.1 (sigs.k8s.io/yaml on go-yaml), where an unquoted `yes`, `no`,
 * `on`, `off`, `y` or `n` is a boolean, `1_000` or `0b101` a number and `<<` a merge key: every
 * string and every key is therefore written double-quoted, which both YAML versions read as the
 * same text. Numbers, booleans and null stay plain. Long strings are never folded, so Terraform
 * references inside them stay intact.
 */
export function toValuesYaml(values: object): string {
  return stringifyYaml(values, { lineWidth: 0, sortMapEntries: false, defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "QUOTE_DOUBLE" });
}

/**
 * Merges `extra` into `base`: objects merge key by key, everything else (lists included, as in
 * Helm) is replaced. Used for the open "additionalValues" escape hatch.
 */
export function mergeValues<T extends object>(base: T, extra: Readonly<Record<string, unknown>> | undefined): T {
  if (!extra) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(extra)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? mergeValues(current, value) : value;
  }
  return out as T;
}

/** A values map: an object that is neither null nor a list. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A node taint, as far as a toleration is concerned. */
export interface TaintLike {
  readonly key: string;
  readonly value?: string;
  readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** Tolerations that let a pod onto nodes with these taints, after `base`, without duplicates. */
export function tolerationsFor(taints: readonly TaintLike[], base: readonly Toleration[] = []): Toleration[] {
  const out: Toleration[] = [...base];
  const seen = new Set(out.map((t) => JSON.stringify([t.key, t.operator, t.value ?? "", t.effect ?? ""])));
  for (const taint of taints) {
    const t: Toleration =
      taint.value === undefined
        ? { key: taint.key, operator: "Exists", effect: taint.effect }
        : { key: taint.key, operator: "Equal", value: taint.value, effect: taint.effect };
    const id = JSON.stringify([t.key, t.operator, t.value ?? "", t.effect ?? ""]);
    if (!seen.has(id)) out.push(t);
    seen.add(id);
  }
  return out;
}

/** Values as a message lists them: tolerations as `key=value:Effect` (`key:Effect` for Exists), the rest quoted. */
export function describeValues(values: readonly unknown[]): string {
  return values
    .map((v) => {
      const t = v as Partial<Toleration>;
      if (typeof t === "object" && t !== null && typeof t.key === "string" && (t.operator === "Exists" || t.operator === "Equal")) {
        return `${t.key}${t.operator === "Equal" ? `=${t.value ?? ""}` : ""}${t.effect ? `:${t.effect}` : ""}`;
      }
      return quoted(v);
    })
    .join(", ");
}

/** The entries of `derived` that `given` lacks. */
export function missingEntries(derived: readonly unknown[], given: readonly unknown[]): unknown[] {
  return derived.filter((d) => !given.some((g) => sameValue(d, g)));
}

/** A value the module derived that additional values would change. */
export interface OverriddenValue {
  /** Where, in the values: keys from the top. */
  readonly path: readonly string[];
  /** What the module set there. */
  readonly derived: unknown;
  /** What the additional values put there instead (undefined: a list that drops entries). */
  readonly given: unknown;
}

/**
 * Where merging `extra` over `base` (mergeValues) would change a value the module derived,
 * whatever the type of the override: a scalar that differs (`"false"` for `true`, `0`, `null`),
 * a parent replaced by something that is not an object (`null`, `[]`, `"x"`), or a list that drops
 * one of the module's entries (a list may add entries: Helm replaces lists, so keeping the
 * module's and adding more is how a list is extended).
 */
export function overriddenValues(base: unknown, extra: Readonly<Record<string, unknown>> | undefined, path: readonly string[] = []): OverriddenValue[] {
  if (!extra || !isPlainObject(base)) return [];
  return Object.entries(extra).flatMap(([key, given]) => {
    if (!Object.hasOwn(base, key)) return [];
    const derived = base[key];
    const at = [...path, key];
    if (isPlainObject(derived) && isPlainObject(given)) return overriddenValues(derived, given, at);
    if (Array.isArray(derived) && Array.isArray(given) && derived.every((d) => given.some((g) => sameValue(d, g)))) return [];
    return sameValue(derived, given) ? [] : [{ path: at, derived, given }];
  });
}

/** Deep equality of JSON-like values (key order ignored). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    return keys.length === Object.keys(b).filter((k) => b[k] !== undefined).length && keys.every((k) => sameValue(a[k], b[k]));
  }
  return false;
}

/**
 * The problems of additional values that change what the module derived, as construct prop
 * problems (`additionalValues.<path>`), each with how to set the value instead.
 */
export function overriddenValueProblems(base: unknown, extra: Readonly<Record<string, unknown>> | undefined, hintOf: (path: readonly string[]) => string): { prop: string; problem: string }[] {
  return overriddenValues(base, extra).map((o) => ({
    prop: ["additionalValues", ...o.path].join("."),
    problem: Array.isArray(o.derived) && Array.isArray(o.given)
      ? `drops entries the module sets (${describeValues(missingEntries(o.derived, o.given))}): Helm replaces lists, so keep the module's entries and add yours: ${hintOf(o.path)}`
      : `would change a value the module sets (${quoted(o.derived)}) to ${quoted(o.given)}: ${hintOf(o.path)}`,
  }));
}
