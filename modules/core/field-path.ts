/** Paths into objects (a built NodePool, a configuration), and how they are written in messages. */

/** A path into an object: property names and list indexes. */
export type FieldPath = readonly (string | number)[];

/** `["spec", "taints", 0, "key"]` → `spec.taints[0].key`; map keys that are not plain words are quoted. */
export function formatFieldPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, part) => {
    if (typeof part === "number") return `${acc}[${part}]`;
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(part)) return acc ? `${acc}.${part}` : part;
    return `${acc}[${JSON.stringify(part)}]`;
  }, "");
}
