/**
 * A configuration file as data, before its keys are read: read with a size cap as UTF-8 plain
 * data (read.ts), and refused when its shape could hurt (nesting, prototype keys, cdktf token
 * markers).
 */
import { extname } from "node:path";
import { ConfigError, formatPath, MAX_LISTED_PROBLEMS } from "./problems.js";
import { isRecord, type KeyProblem } from "./raw.js";
import { plainDataOf, readConfigText } from "./read.js";

/** The largest configuration file read, in bytes. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** The deepest nesting of objects and lists a configuration may have. */
export const MAX_CONFIG_DEPTH = 32;
/** How cdktf marks a token inside a string (`${TfToken[TOKEN.1]}`, `#{TfToken[...]}`). */
const TOKEN_MARKER = "TfToken[";
/** Keys that would reach an object's prototype in JavaScript: never configuration. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Problems of the document's shape, found before any key is read: nesting deeper than
 * MAX_CONFIG_DEPTH (it would exhaust the stack when chart values are written), keys such as
 * `__proto__` that JavaScript would not keep as data, and values that are not plain data (a Map,
 * a Set, a Date, a class instance, a function: a configuration object built in code can hold
 * them, and no later check or escaping looks inside).
 */
export function documentProblems(input: unknown): KeyProblem[] {
  const out: KeyProblem[] = [];
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (out.length >= MAX_LISTED_PROBLEMS) return;
    if (path.length > MAX_CONFIG_DEPTH) {
      out.push({ path, message: `nested deeper than ${MAX_CONFIG_DEPTH} levels; a karpenter-gpu configuration never needs that` });
      return;
    }
    if (typeof value === "string" && value.includes(TOKEN_MARKER)) {
      out.push({ path, message: `contains ${JSON.stringify(TOKEN_MARKER)}, which the CDKTF synthesizer reads as a reference to a Terraform value; configuration text never refers to one` });
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (!isPlain(value)) {
      out.push({ path, message: `is ${describeValue(value)}: a configuration is plain data (text, numbers, true/false, null, lists and objects)` });
    } else if (isRecord(value)) {
      for (const key of Object.keys(value)) {
        if (FORBIDDEN_KEYS.has(key)) out.push({ path: [...path, key], message: `the key ${JSON.stringify(key)} is not allowed` });
        else if (key.includes(TOKEN_MARKER)) out.push({ path: [...path, key], message: `contains ${JSON.stringify(TOKEN_MARKER)}, which the CDKTF synthesizer reads as a reference to a Terraform value; configuration text never refers to one` });
        else walk(value[key], [...path, key]);
      }
    }
  };
  walk(input, []);
  return out;
}

/**
 * The data of a JSON or YAML configuration file (at most MAX_CONFIG_BYTES), not yet validated:
 * UTF-8 text, and plain data only (read.ts says what is refused and why).
 */
export function readConfigDocument(path: string): unknown {
  if (path.trim() === "") {
    throw new ConfigError("KARPENTER_GPU_CONFIG", ["is set but empty: name a YAML or JSON file, or unset it to use the built-in example"]);
  }
  const { text, problems } = readConfigText(path, MAX_CONFIG_BYTES);
  if (text === undefined) throw new ConfigError(path, problems);
  const plain = plainDataOf(text, extname(path).toLowerCase() === ".json" ? "json" : "yaml");
  if (plain.syntax) throw new ConfigError(path, [plain.syntax]);
  if (plain.problems.length) throw new ConfigError(path, plain.problems.map((p) => `${formatPath(p.path) || "(top level)"}: ${p.message}`));
  return plain.data;
}

/** Text, a number, a boolean, null, an array or an object literal (or undefined: a key left out, in code). */
function isPlain(value: unknown): boolean {
  if (value === null || value === undefined || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return true;
  if (typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return Array.isArray(value) || proto === Object.prototype || proto === null;
}

const describeValue = (value: unknown): string =>
  typeof value === "object" && value !== null ? `a ${value.constructor?.name ?? "non-plain object"}` : `a ${typeof value}`;
