/** A schema problem as a line naming its config key, with a did-you-mean for unknown keys. */
import type { core, ZodType } from "zod";
import { z } from "./fields.js";
import { quoted } from "../core/rules.js";
import { closestName } from "../core/suggest.js";
import { formatPath } from "./problems.js";
import { configSchema } from "./schema.js";

/** zod's issue as lines `key: message`; an unknown key lists the allowed keys and the likely one. */
export function describeIssue(issue: core.$ZodIssue): string[] {
  const at = (path: readonly PropertyKey[]) => formatPath(path) || "(top level)";
  if (issue.code === "unrecognized_keys") {
    const allowed = allowedKeysAt(configSchema, issue.path);
    return issue.keys.map((key) => {
      const hint = closestName(key, allowed);
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
function allowedKeysAt(schema: ZodType, path: readonly PropertyKey[]): string[] {
  let node: ZodType | undefined = schema;
  for (const part of [...path, undefined]) {
    // Unwrap optional/default/pipe/refinement wrappers.
    while (node && !(node instanceof z.ZodObject) && !(node instanceof z.ZodArray) && !(node instanceof z.ZodRecord)) {
      const def = (node as { def?: { innerType?: ZodType; in?: ZodType } }).def;
      node = def?.innerType ?? def?.in;
    }
    if (part === undefined || !node) break;
    if (node instanceof z.ZodObject) node = node.shape[String(part)] as ZodType | undefined;
    else if (node instanceof z.ZodArray) node = node.element as ZodType;
    else if (node instanceof z.ZodRecord) node = node.def.valueType as ZodType;
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}
