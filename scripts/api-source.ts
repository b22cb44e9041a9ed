/**
 * A reader of the declarations the public API is written with: exported classes (their fields,
 * methods and constructor), interfaces, type aliases, and the TSDoc on each. Used by
 * scripts/gen-api-doc.ts to write docs/constructs.md.
 *
 * Why a reader of our own: TypeScript 7 ships a native compiler without a JavaScript API (its
 * `typescript/unstable/*` entry points are marked unstable and talk to the native binary over a
 * pipe), TypeDoc and API Extractor are not dependencies (and need the TypeScript 5 API), and the
 * parsers that happen to sit in node_modules (@babel/parser, jsii's TypeScript) come with
 * cdktf-cli, not with this project, so they can change or vanish on an update. The API is written
 * in a small, regular part of TypeScript (prettier-formatted declarations, a TSDoc comment on each),
 * which a lexer and a declaration reader of a few hundred lines cover. It is strict: what it does
 * not understand is an error naming the file and line, never a silently missing row.
 */

import { lex, lineAt, parseDoc, type Doc, type Token } from "./ts-tokens.js";

export type { Doc };

/** A property of an interface or type literal, a field of a class, or a constructor parameter. */
export interface Member {
  readonly name: string;
  readonly optional: boolean;
  /** The type as written (comments dropped, whitespace collapsed); "" when not written. */
  readonly type: string;
  readonly doc?: Doc;
  readonly kind: "property" | "method" | "index";
  readonly line: number;
}

export interface ClassMember extends Member {
  readonly visibility: "public" | "protected" | "private";
  readonly isStatic: boolean;
  readonly isReadonly: boolean;
  readonly isOverride: boolean;
  /** For a method: its parameters and return type as written, e.g. `(scope: IConstruct): AwsContext`. */
  readonly signature: string;
}

/** A type, as far as the generator follows it: names with type arguments, `&`, `|`, object literals, string literals. */
export type TypeNode =
  | { readonly k: "ref"; readonly name: string; readonly args: readonly TypeNode[]; readonly text: string }
  | { readonly k: "literal"; readonly members: readonly Member[]; readonly text: string }
  | { readonly k: "and" | "or"; readonly parts: readonly TypeNode[]; readonly text: string }
  | { readonly k: "string"; readonly value: string; readonly text: string }
  | { readonly k: "other"; readonly text: string };

interface DeclBase {
  readonly name: string;
  readonly exported: boolean;
  readonly doc?: Doc;
  readonly file: string;
  readonly line: number;
}
export interface InterfaceDecl extends DeclBase {
  readonly kind: "interface";
  readonly heritage: readonly TypeNode[];
  readonly members: readonly Member[];
}
export interface AliasDecl extends DeclBase {
  readonly kind: "alias";
  readonly type: TypeNode;
}
export interface ClassDecl extends DeclBase {
  readonly kind: "class";
  /** The class it extends, without type arguments. */
  readonly base?: string;
  readonly members: readonly ClassMember[];
  /** Undefined when the class declares no constructor. */
  readonly constructorParams?: readonly (Member & { readonly visibility?: "public" | "protected" | "private" })[];
  readonly constructorVisibility: "public" | "protected" | "private";
  readonly constructorDoc?: Doc;
}
/** A constant list of strings, `const X = ["a", "b"] as const`: what `(typeof X)[number]` stands for. */
export interface ConstListDecl extends DeclBase {
  readonly kind: "constList";
  readonly values: readonly string[];
}
export type Decl = InterfaceDecl | AliasDecl | ClassDecl | ConstListDecl;

/** The modules a file re-exports with `export * from "..."`, in order. */
export function reExportsOf(text: string): string[] {
  return [...text.matchAll(/^export \* from "([^"]+)";$/gm)].map((m) => m[1]);
}

const OPEN = new Set(["(", "[", "{", "<"]);
const CLOSE: Readonly<Record<string, string>> = { ")": "(", "]": "[", "}": "{", ">": "<" };
/** After these a `{` in a return type opens an object type, not the function body. */
const TYPE_CONTINUES = new Set([":", "|", "&", "<", ",", "(", "=>", "[", "?", "keyof", "readonly", "typeof"]);

/** Reads the declarations of one source file. */
export function parseSource(src: string, file: string): Decl[] {
  const toks = lex(src, file);
  let i = 0;
  const at = (k = 0): Token | undefined => toks[i + k];
  const fail = (what: string, t: Token | undefined = at()): never => {
    throw new Error(`${file}:${t ? lineAt(src, t.start) : "end"}: ${what} (got ${t ? JSON.stringify(t.text) : "the end of the file"})`);
  };
  const is = (text: string, k = 0) => at(k)?.text === text && at(k)?.kind !== "string";
  const expect = (text: string): Token => (is(text) ? toks[i++] : fail(`expected "${text}"`));
  const ident = (): Token => (at()?.kind === "ident" ? toks[i++] : fail("expected a name"));
  const docOf = (t: Token | undefined): Doc | undefined => (t?.doc ? parseDoc(t.doc, `${file}:${lineAt(src, t.start)}`) : undefined);
  const line = (t: Token) => lineAt(src, t.start);
  /** The source of tokens [from, to), comments dropped and whitespace collapsed. */
  const textOf = (from: number, to: number): string =>
    toks.slice(from, to).map((t, n) => (n > 0 && t.start > toks[from + n - 1].end ? " " : "") + t.text).join("");

  /**
   * Moves past tokens until one of `stops` at depth 0 (not consumed). With `bodyBrace`, a `{`
   * after a complete type (a return type's end) stops too. Angle brackets count only in types.
   */
  const skipTo = (stops: ReadonlySet<string>, { angles = false, bodyBrace = false } = {}): void => {
    const stack: string[] = [];
    for (; i < toks.length; i++) {
      const t = toks[i];
      if (t.kind !== "punct" && t.kind !== "ident") continue;
      if (stack.length === 0 && stops.has(t.text)) return;
      if (stack.length === 0 && bodyBrace && t.text === "{" && i > 0 && !TYPE_CONTINUES.has(toks[i - 1].text)) return;
      if (t.kind === "punct" && OPEN.has(t.text) && (angles || t.text !== "<")) stack.push(t.text);
      else if (t.kind === "punct" && t.text in CLOSE && (angles || t.text !== ">")) {
        if (stack.pop() !== CLOSE[t.text]) fail(`unbalanced "${t.text}"`, t);
      }
    }
  };
  /** Moves past a balanced group starting at the current opening token. */
  const skipGroup = (angles = false): void => {
    const open = at()!.text;
    i++;
    skipTo(new Set([{ "(": ")", "[": "]", "{": "}", "<": ">" }[open]!]), { angles });
    i++;
  };

  /** A type from the current token up to a stop at depth 0. */
  const typeUntil = (stops: ReadonlySet<string>, bodyBrace = false): { from: number; to: number } => {
    const from = i;
    skipTo(stops, { angles: true, bodyBrace });
    if (i === from) fail("expected a type");
    return { from, to: i };
  };

  /** Members of an interface body or type literal: the current token is `{`; moves past the `}`. */
  const members = (): Member[] => {
    expect("{");
    const out: Member[] = [];
    while (!is("}")) {
      const first = at() ?? fail("unterminated member list");
      const doc = docOf(first);
      if (is("readonly") && !is(":", 1) && !is("?", 1) && !is("(", 1)) i++;
      if (is("[")) {
        skipGroup();
        expect(":");
        const t = typeUntil(new Set([";", ",", "}"]));
        out.push({ name: "[index]", optional: false, type: textOf(t.from, t.to), doc, kind: "index", line: line(first) });
      } else {
        const nameTok = at()?.kind === "string" || at()?.kind === "ident" ? toks[i++] : fail("expected a member name");
        const name = nameTok.kind === "string" ? nameTok.text.slice(1, -1) : nameTok.text;
        const optional = is("?") && !!toks[i++];
        if (is("(") || is("<")) {
          const from = i;
          skipTo(new Set([";", ",", "}"]), { angles: true });
          out.push({ name, optional, type: textOf(from, i), doc, kind: "method", line: line(first) });
        } else {
          expect(":");
          const t = typeUntil(new Set([";", ",", "}"]));
          out.push({ name, optional, type: textOf(t.from, t.to), doc, kind: "property", line: line(first) });
        }
      }
      if (is(";") || is(",")) i++;
    }
    i++;
    return out;
  };

  /** The type of tokens [from, to) as far as the generator follows types. */
  const typeNode = (from: number, to: number): TypeNode => {
    const text = textOf(from, to);
    const split = (sep: string): number[][] => {
      const parts: number[][] = [[from]];
      const save = i;
      for (i = from; i < to; ) {
        if (is(sep)) {
          parts[parts.length - 1].push(i);
          parts.push([++i]);
        } else if (OPEN.has(at()!.text) && at()!.kind === "punct") skipGroup(true);
        else i++;
      }
      parts[parts.length - 1].push(to);
      i = save;
      return parts.filter(([a, b]) => b > a);
    };
    for (const [sep, k] of [["|", "or"], ["&", "and"]] as const) {
      const parts = split(sep);
      if (parts.length > 1) return { k, parts: parts.map(([a, b]) => typeNode(a, b)), text };
    }
    const save = i;
    try {
      i = from;
      if (to - from === 1 && at()!.kind === "string") return { k: "string", value: at()!.text.slice(1, -1), text };
      if (is("(")) {
        skipGroup(true);
        if (i === to) return typeNode(from + 1, to - 1);
      } else if (is("{")) {
        const list = members();
        if (i === to) return { k: "literal", members: list, text };
      } else if (at()!.kind === "ident") {
        let name = toks[i++].text;
        while (is(".") && i < to) name += `.${toks[(i += 2) - 1].text}`;
        const args: TypeNode[] = [];
        if (is("<") && i < to) {
          for (i++; !is(">"); ) {
            const arg = typeUntil(new Set([",", ">"]));
            args.push(typeNode(arg.from, arg.to));
            if (is(",")) i++;
          }
          i++;
        }
        if (i === to) return { k: "ref", name, args, text };
      }
      return { k: "other", text };
    } finally {
      i = save;
    }
  };

  /** A parameter list: the current token is `(`; moves past the `)`. */
  const params = (): (Member & { visibility?: ClassMember["visibility"] })[] => {
    expect("(");
    const out: (Member & { visibility?: ClassMember["visibility"] })[] = [];
    while (!is(")")) {
      const first = at() ?? fail("unterminated parameters");
      let visibility: ClassMember["visibility"] | undefined;
      while (["public", "private", "protected", "readonly", "override"].includes(at()!.text) && at(1)?.kind === "ident") {
        if (at()!.text !== "readonly" && at()!.text !== "override") visibility = at()!.text as ClassMember["visibility"];
        i++;
      }
      if (is("...")) i++;
      let name = "";
      if (is("{") || is("[")) {
        const from = i;
        skipGroup();
        name = textOf(from, i);
      } else name = ident().text;
      const optional = is("?") && !!toks[i++];
      let type = "";
      if (is(":")) {
        i++;
        const t = typeUntil(new Set([",", ")", "="]));
        type = textOf(t.from, t.to);
      }
      if (is("=")) skipTo(new Set([",", ")"]));
      out.push({ name, optional, type, doc: docOf(first), kind: "property", line: line(first), ...(visibility ? { visibility } : {}) });
      if (is(",")) i++;
    }
    i++;
    return out;
  };

  /** After a parameter list: an optional return type, then a body or `;`. Returns the signature's end. */
  const functionRest = (): number => {
    if (is(":")) {
      i++;
      typeUntil(new Set([";"]), true);
    }
    const end = i;
    if (is("{")) skipGroup();
    else expect(";");
    return end;
  };

  const MODIFIERS = new Set(["public", "private", "protected", "static", "readonly", "abstract", "override", "declare", "async", "accessor"]);
  const classBody = (name: string, first: Token, exported: boolean, base: string | undefined): ClassDecl => {
    expect("{");
    const members: ClassMember[] = [];
    let ctor: Pick<ClassDecl, "constructorParams" | "constructorVisibility" | "constructorDoc"> = { constructorVisibility: "public" };
    while (!is("}")) {
      const start = at() ?? fail("unterminated class body");
      const doc = docOf(start);
      const mods = new Set<string>();
      while (at()?.kind === "ident" && MODIFIERS.has(at()!.text) && !["(", ":", "?", "=", ";", "<"].includes(at(1)?.text ?? "")) mods.add(toks[i++].text);
      const visibility = mods.has("private") ? "private" : mods.has("protected") ? "protected" : "public";
      if (is("constructor") && is("(", 1)) {
        i++;
        ctor = { constructorParams: params(), constructorVisibility: visibility, ...(doc ? { constructorDoc: doc } : {}) };
        functionRest();
        continue;
      }
      if ((is("get") || is("set")) && at(1)?.kind === "ident") fail("accessors are not supported; use a readonly field");
      if (is("[")) fail("computed and index members are not supported");
      const nameTok = ident();
      const optional = (is("?") || is("!")) && toks[i++].text === "?";
      const base = { name: nameTok.text, optional, doc, line: line(start), visibility, isStatic: mods.has("static"), isReadonly: mods.has("readonly"), isOverride: mods.has("override") } as const;
      if (is("<") || is("(")) {
        const from = i;
        if (is("<")) skipGroup(true);
        params();
        const end = functionRest();
        members.push({ ...base, kind: "method", type: "", signature: textOf(from, end) });
        continue;
      }
      let type = "";
      if (is(":")) {
        i++;
        const t = typeUntil(new Set([";", "="]));
        type = textOf(t.from, t.to);
      }
      if (is("=")) skipTo(new Set([";"]));
      expect(";");
      members.push({ ...base, kind: "property", type, signature: "" });
    }
    i++;
    return { kind: "class", name, exported, file, line: line(first), ...(first.doc ? { doc: docOf(first) } : {}), ...(base ? { base } : {}), members, ...ctor };
  };

  const decls: Decl[] = [];
  while (i < toks.length) {
    const first = toks[i];
    const exported = is("export");
    if (exported) i++;
    if (is("*") || is("{") || is("default") || (is("type") && is("{", 1)) || is("import")) {
      skipTo(new Set([";"]));
      expect(";");
      continue;
    }
    while (is("declare") || is("abstract") || is("async")) i++;
    const keyword = ident().text;
    if (keyword === "interface") {
      const name = ident().text;
      if (is("<")) skipGroup(true);
      const heritage: TypeNode[] = [];
      if (is("extends")) {
        for (i++; !is("{"); ) {
          const t = typeUntil(new Set([",", "{"]));
          heritage.push(typeNode(t.from, t.to));
          if (is(",")) i++;
        }
      }
      decls.push({ kind: "interface", name, exported, file, line: line(first), ...(first.doc ? { doc: docOf(first) } : {}), heritage, members: members() });
    } else if (keyword === "type") {
      const name = ident().text;
      if (is("<")) skipGroup(true);
      expect("=");
      const t = typeUntil(new Set([";"]));
      decls.push({ kind: "alias", name, exported, file, line: line(first), ...(first.doc ? { doc: docOf(first) } : {}), type: typeNode(t.from, t.to) });
      expect(";");
    } else if (keyword === "class") {
      const name = ident().text;
      if (is("<")) skipGroup(true);
      let base: string | undefined;
      if (is("extends")) {
        i++;
        base = ident().text;
        if (is("<")) skipGroup(true);
      }
      if (is("implements")) skipTo(new Set(["{"]), { angles: true });
      decls.push(classBody(name, first, exported, base));
    } else if (keyword === "function") {
      if (is("*")) i++;
      ident();
      if (is("<")) skipGroup(true);
      params();
      functionRest();
    } else if (keyword === "const" || keyword === "let" || keyword === "var") {
      const name = at()?.kind === "ident" && is("=", 1) ? toks[i].text : undefined;
      const from = i + 2;
      skipTo(new Set([";"]));
      // `["a", "b"] as const`: the strings, and the commas between them.
      const list = toks.slice(from, i);
      const strings = list.slice(1, -3).filter((_, n) => n % 2 === 0);
      if (name && keyword === "const" && list.length > 4 && list[0].text === "[" && list.at(-3)?.text === "]" && list.at(-2)?.text === "as" && list.at(-1)?.text === "const" && strings.every((t) => t.kind === "string")) {
        decls.push({ kind: "constList", name, exported, file, line: line(first), ...(first.doc ? { doc: docOf(first) } : {}), values: strings.map((t) => t.text.slice(1, -1)) });
      }
      expect(";");
    } else if (keyword === "enum") {
      ident();
      skipGroup();
    } else fail("expected a declaration", first);
  }
  return decls;
}

/** A type written as text (a constructor parameter's), as far as the generator follows types. */
export function parseType(text: string, file: string): TypeNode {
  const [decl] = parseSource(`type T = ${text};`, file);
  return (decl as AliasDecl).type;
}
