/** A schema problem as a line naming its config key, with a did-you-mean for unknown keys. */
import { z } from "zod";
import { quoted } from "../core/rules.js";
import { formatPath } from "./problems.js";
import { configSchema } from "./schema.js";

/** zod's issue as lines `key: message`; an unknown key lists the allowed keys and the likely one. */
export function describeIssue(issue: z.core.$ZodIssue): string[] {
  const at = (path: readonly PropertyKey[]) => formatPath(path) || "(top level)";
  if (issue.code === "unrecognized_keys") {
    const allowed = allowedKeysAt(configSchema, issue.path);
    return issue.keys.map((key) => {
      const hint = closest(key, allowed);
      return `${at([...issue.path, key])}: unknown key${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ""}; allowed keys here: ${allowed.join(", ")}`;
    });
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return [`${at(issue.path)}: is required`];
  }
  const got = "input" in issue && issue.input !== undefined && typeof issue.input !== "object" ? ` (got ${typeof issue.input === "number" ? String(issue.input) : quoted(issue.input)})` : "";
  const message = issue.code === "custom" || issue.message.includes("(got ") ? issue.message : `${issue.message}${got}`;
  return [`${at(issue.path)}: ${message}`];
}

/** The keys an object accepts at a config path, read from the schema itself so they never drift. */
function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.ZodType | undefined = schema;
  for (const part of [...path, undefined]) {
    // Unwrap optional/default/pipe/refinement wrappers.
    while (node && !(node instanceof z.ZodObject) && !(node instanceof z.ZodArray) && !(node instanceof z.ZodRecord)) {
      const def = (node as { def?: { innerType?: z.ZodType; in?: z.ZodType } }).def;
      node = def?.innerType ?? def?.in;
    }
    if (part === undefined || !node) break;
    if (node instanceof z.ZodObject) node = node.shape[String(part)] as z.ZodType | undefined;
    else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
    else if (node instanceof z.ZodRecord) node = node.def.valueType as z.ZodType;
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

/** The allowed key a typo most likely meant: edit distance ≤ 2, ties going to the longest shared prefix. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  const k = key.toLowerCase();
  const sharedPrefix = (c: string) => {
    let i = 0;
    while (i < c.length && c[i] === k[i]) i++;
    return i;
  };
  let best: { key: string; d: number; p: number } | undefined;
  for (const candidate of allowed) {
    const c = candidate.toLowerCase();
    const d = editDistance(k, c);
    const p = sharedPrefix(c);
    if (d <= 2 && (!best || d < best.d || (d === best.d && p > best.p))) best = { key: candidate, d, p };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
