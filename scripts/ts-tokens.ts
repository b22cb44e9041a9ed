/**
 * The tokens of a TypeScript source and the TSDoc comments on them, for scripts/api-source.ts
 * (which says why this project reads its own source instead of using a TypeScript API).
 */

export interface Token {
  readonly kind: "ident" | "punct" | "string" | "template" | "number" | "regex";
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** The `/** ... *\/` comment right before the token (nothing else but whitespace and comments between). */
  readonly doc?: string;
}

/** A TSDoc comment: the text before the first block tag, and the block tags in order. */
export interface Doc {
  readonly text: string;
  readonly tags: readonly { readonly name: string; readonly text: string }[];
}

const PUNCTUATORS = ["...", "===", "!==", "=>", "==", "!=", "<=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "**"];
/** After these, `/` starts a regular expression rather than a division. */
const REGEX_AFTER_WORDS = new Set(["return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "instanceof", "yield", "await"]);

/** The tokens of a TypeScript source; comments are dropped, except TSDoc comments, kept on the token after them. */
export function lex(src: string, file = "<source>"): Token[] {
  const out: Token[] = [];
  let pos = 0;
  let doc: string | undefined;
  const fail = (what: string, at: number): never => {
    throw new Error(`${file}:${lineAt(src, at)}: ${what}`);
  };
  const skipString = (at: number): number => {
    const quote = src[at];
    let i = at + 1;
    while (i < src.length && src[i] !== quote) {
      if (src[i] === "\n") fail("unterminated string", at);
      i += src[i] === "\\" ? 2 : 1;
    }
    return i + 1;
  };
  const skipTemplate = (at: number): number => {
    let i = at + 1;
    while (i < src.length && src[i] !== "`") {
      if (src[i] === "\\") i += 2;
      else if (src[i] === "$" && src[i + 1] === "{") {
        // The expression inside `${...}`: tokens up to its closing brace.
        let depth = 0;
        i += 2;
        for (;;) {
          const t = next(i);
          if (!t) fail("unterminated template", at);
          i = t!.end;
          if (t!.text === "{") depth++;
          else if (t!.text === "}" && depth-- === 0) break;
        }
      } else i++;
    }
    if (i >= src.length) fail("unterminated template", at);
    return i + 1;
  };
  const skipRegex = (at: number): number => {
    let i = at + 1;
    let inClass = false;
    while (i < src.length && (inClass || src[i] !== "/")) {
      if (src[i] === "\n") fail("unterminated regular expression", at);
      if (src[i] === "\\") i++;
      else if (src[i] === "[") inClass = true;
      else if (src[i] === "]") inClass = false;
      i++;
    }
    i++;
    while (/[a-z]/.test(src[i] ?? "")) i++;
    return i;
  };
  let last: Token | undefined;
  /** The token at or after `at` (whitespace and comments skipped), or undefined at the end. */
  function next(at: number): Token | undefined {
    let i = at;
    for (;;) {
      while (i < src.length && /\s/.test(src[i])) i++;
      if (src.startsWith("//", i)) {
        while (i < src.length && src[i] !== "\n") i++;
      } else if (src.startsWith("/*", i)) {
        const close = src.indexOf("*/", i + 2);
        if (close < 0) fail("unterminated comment", i);
        if (src.startsWith("/**", i) && !src.startsWith("/**/", i)) doc = src.slice(i, close + 2);
        i = close + 2;
      } else break;
    }
    if (i >= src.length) return undefined;
    const c = src[i];
    const make = (kind: Token["kind"], end: number): Token => {
      const t: Token = { kind, text: src.slice(i, end), start: i, end, ...(doc !== undefined ? { doc } : {}) };
      doc = undefined;
      last = t;
      return t;
    };
    if (/[A-Za-z_$#]/.test(c)) {
      let j = i + 1;
      while (/[\w$]/.test(src[j] ?? "")) j++;
      return make("ident", j);
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (/[\w.]/.test(src[j] ?? "")) j++;
      return make("number", j);
    }
    if (c === '"' || c === "'") return make("string", skipString(i));
    if (c === "`") return make("template", skipTemplate(i));
    const regexHere = c === "/" && (!last || (last.kind === "punct" && !")]}".includes(last.text)) || (last.kind === "ident" && REGEX_AFTER_WORDS.has(last.text)));
    if (regexHere) return make("regex", skipRegex(i));
    const p = PUNCTUATORS.find((q) => src.startsWith(q, i)) ?? c;
    return make("punct", i + p.length);
  }
  for (let t = next(pos); t; t = next(pos)) {
    out.push(t);
    pos = t.end;
  }
  return out;
}

export function lineAt(src: string, at: number): number {
  let line = 1;
  for (let i = 0; i < at && i < src.length; i++) if (src[i] === "\n") line++;
  return line;
}

/** Block tags a TSDoc comment here may carry. */
const BLOCK_TAGS = new Set(["default", "see", "example", "param", "returns", "deprecated", "remarks"]);

/** A TSDoc comment's text and block tags; an unknown tag is an error (it would end up in the text). */
export function parseDoc(raw: string, where = "<doc>"): Doc {
  const lines = raw
    .replace(/^\/\*\*/, "")
    .replace(/\*\/$/, "")
    .split("\n")
    .map((l, i) => (i === 0 ? l : l.replace(/^\s*\*(?: |$)/, "")).trimEnd());
  const body = lines.join("\n").trim();
  const parts = body.split(/(?<=^|\s)(?=@[a-zA-Z]+)/);
  let text = "";
  const tags: { name: string; text: string }[] = [];
  for (const part of parts) {
    const m = /^@([a-zA-Z]+)\s*([\s\S]*)$/.exec(part);
    if (!m) {
      if (tags.length) throw new Error(`${where}: text "${part.trim()}" after a block tag`);
      text = part.trim();
    } else if (!BLOCK_TAGS.has(m[1])) throw new Error(`${where}: unknown TSDoc tag @${m[1]}`);
    else tags.push({ name: m[1], text: m[2].trim() });
  }
  return { text, tags };
}
