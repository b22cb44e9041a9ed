import { stringify as stringifyYaml } from "yaml";

/** A Kubernetes toleration, as Helm charts take it. */
export interface Toleration {
  readonly key: string;
  readonly operator: "Equal" | "Exists";
  readonly value?: string;
  readonly effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** Container resources in Kubernetes quantity strings. */
export interface ResourceRequirements {
  readonly requests?: { readonly cpu?: string; readonly memory?: string };
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

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
