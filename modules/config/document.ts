/**
 * A configuration file as data, before its keys are read: read with a size cap, parsed as JSON or
 * YAML (duplicate keys refused), and refused when its shape could hurt (nesting, prototype keys,
 * cdktf token markers).
 */
import { closeSync, openSync, readSync } from "node:fs";
import { extname } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { ConfigError, MAX_LISTED_PROBLEMS } from "./problems.js";
import { isRecord, type KeyProblem } from "./raw.js";

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
 * MAX_CONFIG_DEPTH (it would exhaust the stack when chart values are written), and keys such as
 * `__proto__` that JavaScript would not keep as data.
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
    else if (isRecord(value)) {
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

/** The data of a JSON or YAML configuration file (at most MAX_CONFIG_BYTES), not yet validated. */
export function readConfigDocument(path: string): unknown {
  if (path.trim() === "") {
    throw new ConfigError("KARPENTER_GPU_CONFIG", ["is set but empty: name a YAML or JSON file, or unset it to use the built-in example"]);
  }
  let text: string;
  try {
    text = readCapped(path, MAX_CONFIG_BYTES);
  } catch (err) {
    throw new ConfigError(path, [`cannot read the file: ${(err as Error).message}`]);
  }
  try {
    return extname(path).toLowerCase() === ".json" ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true });
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : "";
    throw new ConfigError(path, [`not valid ${extname(path) === ".json" ? "JSON" : "YAML"}${where}: ${(err as Error).message.split("\n")[0]}`]);
  }
}

/** A file's text; throws when it is larger than `max` bytes (a device such as /dev/zero never ends). */
function readCapped(path: string, max: number): string {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(max + 1);
    let size = 0;
    for (let n = 1; n > 0 && size <= max; size += n) n = readSync(fd, buffer, size, max + 1 - size, null);
    if (size > max) throw new Error(`it is larger than ${max / 1024} KiB; a karpenter-gpu configuration is a few KiB`);
    return buffer.toString("utf8", 0, size);
  } finally {
    closeSync(fd);
  }
}
