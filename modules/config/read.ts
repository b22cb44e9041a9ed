/**
 * From a configuration file's bytes to plain data: objects, arrays, strings, numbers, booleans
 * and null, nothing else. What a YAML or JSON parser would otherwise hand on silently is refused
 * here, each problem at its key and line:
 * - bytes that are not UTF-8 text (UTF-16, invalid sequences), and CR-only line breaks; a UTF-8
 *   byte order mark is accepted;
 * - YAML tags that build other types (`!!set` → a JavaScript Set, `!!omap`, `!!timestamp` →
 *   Date, `!!binary` → bytes, any `!local` tag): later checks and the escaping of text for
 *   Terraform would not look inside them;
 * - keys that are not text or numbers (`? [a, b]`): JavaScript would collapse them into one
 *   string;
 * - keys given twice, and keys that become the same text (`1` and `1.0`): a parser keeps one and
 *   drops the other without a word (JSON.parse does so too). Found with one set per object, so
 *   the check is linear in the size of the file;
 * - the YAML merge key `<<`: YAML 1.2 (this loader) reads it as a plain key, YAML 1.1 (Helm)
 *   merges it, so the two would read the same text differently.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { KeyProblem } from "./raw.js";

/** The YAML tags of plain data (YAML 1.2 core schema); anything else is refused. */
const PLAIN_TAGS = new Set(["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `tag:yaml.org,2002:${t}`));

/** A tag as a person writes it: `tag:yaml.org,2002:set` → `!!set`. */
const tagName = (tag: string) => tag.replace(/^tag:yaml\.org,2002:/, "!!");

/** YAML's merge key. */
const MERGE_KEY = "<<";

/** A configuration file's text: at most `maxBytes`, UTF-8 (a byte order mark is dropped), with LF or CRLF line breaks. */
export function readConfigText(path: string, maxBytes: number): { text?: string; problems: string[] } {
  let bytes: Buffer;
  try {
    bytes = readCapped(path, maxBytes);
  } catch (err) {
    return { problems: [`cannot read the file: ${(err as Error).message}`] };
  }
  const problem = encodingProblem(bytes);
  if (problem) return { problems: [problem] };
  const text = bytes.toString("utf8", hasUtf8Bom(bytes) ? 3 : 0);
  if (text.includes("\r") && !text.includes("\n")) {
    return { problems: ["has CR-only line breaks (classic Mac OS); save it with LF or CRLF line breaks"] };
  }
  return { text, problems: [] };
}

/** A file's bytes; throws when it is larger than `max` bytes (a device such as /dev/zero never ends). */
function readCapped(path: string, max: number): Buffer {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(max + 1);
    let size = 0;
    for (let n = 1; n > 0 && size <= max; size += n) n = readSync(fd, buffer, size, max + 1 - size, null);
    if (size > max) throw new Error(`it is larger than ${max / 1024} KiB; a karpenter-gpu configuration is a few KiB`);
    return buffer.subarray(0, size);
  } finally {
    closeSync(fd);
  }
}

const hasUtf8Bom = (b: Buffer) => b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;

/** Why the bytes are not UTF-8 text, or undefined. */
export function encodingProblem(bytes: Uint8Array): string | undefined {
  const save = "save it as UTF-8";
  if (bytes[0] === 0x00 && bytes[1] === 0x00 && bytes[2] === 0xfe && bytes[3] === 0xff) return `is UTF-32 text (byte order mark 00 00 FE FF); ${save}`;
  if (bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0x00 && bytes[3] === 0x00) return `is UTF-32 text (byte order mark FF FE 00 00); ${save}`;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return `is UTF-16 text (byte order mark FF FE); ${save}`;
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return `is UTF-16 text (byte order mark FE FF); ${save}`;
  // UTF-16 without a byte order mark: ASCII text with a zero byte before or after each character.
  if (bytes.length >= 4 && ((bytes[0] === 0 && bytes[2] === 0 && bytes[1] !== 0) || (bytes[1] === 0 && bytes[3] === 0 && bytes[0] !== 0))) {
    return `looks like UTF-16 text (every other byte is zero); ${save}`;
  }
  const at = firstInvalidUtf8(bytes);
  if (at === undefined) return undefined;
  const line = 1 + bytes.subarray(0, at).filter((b) => b === 0x0a).length;
  return `is not UTF-8 text: the byte 0x${bytes[at].toString(16).toUpperCase().padStart(2, "0")} at offset ${at} (line ${line}) starts no valid character; ${save}`;
}

/** The offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629), or undefined. */
export function firstInvalidUtf8(b: Uint8Array): number | undefined {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    let n: number;
    let min = 0x80;
    let max = 0xbf;
    if (c < 0x80) n = 0;
    else if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      // No overlong forms, no UTF-16 surrogates.
      if (c === 0xe0) min = 0xa0;
      if (c === 0xed) max = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) min = 0x90;
      if (c === 0xf4) max = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 ? max : 0xbf;
      if (d === undefined || d < lo || d > hi) return i;
    }
    i += n + 1;
  }
  return undefined;
}

/**
 * The plain data of a YAML or JSON text, or the problems that keep it from being plain data,
 * each as `path: message (line N)`. `syntax` is a syntax error, reported alone like before.
 */
export function plainDataOf(text: string, format: "yaml" | "json"): { data?: unknown; syntax?: string; problems: KeyProblem[] } {
  let json: unknown;
  if (format === "json") {
    try {
      json = JSON.parse(text);
    } catch (err) {
      return { syntax: `not valid JSON: ${(err as Error).message.split("\n")[0]}`, problems: [] };
    }
  }
  const lines = new LineCounter();
  // JSON is YAML 1.2: the same tree finds JSON's duplicate keys too.
  const doc = parseDocument(text, { version: "1.2", merge: false, uniqueKeys: false, lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const where = format === "json" ? "" : ` at line ${lines.linePos(e.pos[0]).line}`;
    return { syntax: `not valid ${format === "json" ? "JSON" : "YAML"}${where}: ${e.message.split("\n")[0]}`, problems: [] };
  }
  const problems = treeProblems(doc, lines, text);
  if (problems.length) return { problems };
  return { data: format === "json" ? json : doc.toJS({ maxAliasCount: 100 }), problems: [] };
}

/** The problems of a parsed YAML tree that keep it from being plain data (see the file's comment). */
function treeProblems(doc: Document, lines: LineCounter, text: string): KeyProblem[] {
  const out: KeyProblem[] = [];
  const lineOf = (node: { range?: readonly number[] | null } | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : undefined);
  const at = (node: Node | null | undefined) => (lineOf(node) === undefined ? "" : ` (line ${lineOf(node)})`);
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (isAlias(node)) return; // its anchor is checked where it is defined
    const tag = (node as { tag?: string } | null)?.tag;
    if (tag !== undefined && !PLAIN_TAGS.has(tag)) {
      out.push({ path, message: `has the YAML tag ${tagName(tag)}${at(node as Node)}: a configuration is plain data (text, numbers, true/false, null, lists and maps); remove the tag` });
      return;
    }
    if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i]));
    else if (isMap(node)) {
      const seen = new Map<string, { line?: number; written: string }>();
      for (const pair of node.items) {
        const keyNode = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
        if (!isScalar(keyNode)) {
          const what = keyNode ? "a list or a map" : "empty";
          out.push({ path, message: `has a key that is ${what}${at((pair.key ?? pair.value) as Node)}: keys are text; JavaScript would turn it into one string` });
          continue;
        }
        if (keyNode.tag !== undefined && !PLAIN_TAGS.has(keyNode.tag)) {
          out.push({ path, message: `has a key with the YAML tag ${tagName(keyNode.tag)}${at(keyNode)}: keys are text; remove the tag` });
          continue;
        }
        const key = String(keyNode.value);
        const line = lineOf(keyNode);
        if (key === MERGE_KEY) {
          out.push({ path: [...path, key], message: `is a YAML merge key${at(keyNode)}: YAML 1.1 readers such as Helm merge it, this loader does not; write the keys out instead` });
          continue;
        }
        const written = keyNode.range ? text.slice(keyNode.range[0], keyNode.range[1]) : key;
        const first = seen.get(key);
        if (first) {
          const lineText = first.line === undefined || line === undefined ? "" : first.line === line ? ` (line ${line})` : ` (lines ${first.line} and ${line})`;
          const plain = (w: string) => w === key || w === JSON.stringify(key);
          const writings = plain(first.written) && plain(written) ? "" : `, written ${first.written} and ${written}: the same key once read`;
          out.push({ path: [...path, key], message: `is given twice${lineText}${writings}; a parser keeps one and drops the other without a word: keep one` });
          continue;
        }
        seen.set(key, { line, written });
        walk(pair.value, [...path, key]);
      }
    }
  };
  walk(doc.contents, []);
  return out;
}
