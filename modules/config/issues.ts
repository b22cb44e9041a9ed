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
  const message = issue.code === "custom" || issue.message.includes("(got ") ? issue.message : `${ownWords(issue) ?? issue.message}${got}`;
  return [`${at(issue.path)}: ${message}`];
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  array: "a list",
  object: "a map of keys and values",
  record: "a map of keys and values",
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
};

/**
 * zod's default messages ("Invalid input: expected array, received number", "Too big: expected
 * number to be <=100") in the module's words, with the allowed range. Undefined for the issues
 * the schema words itself.
 */
function ownWords(issue: core.$ZodIssue): string | undefined {
  // Only zod's own words: a schema's `{ error }` message is kept as written.
  if (!/^(Invalid input|Too big|Too small)\b/.test(issue.message)) return undefined;
  switch (issue.code) {
    case "invalid_type":
      return TYPE_WORDS[issue.expected] ? `must be ${TYPE_WORDS[issue.expected]}` : undefined;
    case "too_big":
    case "too_small": {
      const bound = String(issue.code === "too_big" ? issue.maximum : issue.minimum);
      const most = issue.code === "too_big";
      if (issue.origin === "array") return `must list ${most ? "at most" : "at least"} ${bound} item${bound === "1" ? "" : "s"}`;
      if (issue.origin === "string") return `must be ${most ? "at most" : "at least"} ${bound} character${bound === "1" ? "" : "s"} long`;
      const strict = issue.inclusive === false;
      return `must be ${most ? (strict ? "less than" : "at most") : strict ? "more than" : "at least"} ${bound}`;
    }
    default:
      return undefined;
  }
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
