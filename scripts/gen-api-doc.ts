/**
 * npm run gen (fifth step): docs/constructs.md, the reference of every construct class the
 * package exports (modules/index.ts), from the TSDoc in the source: the class's description, its
 * constructor, a row per prop (type as written, `required` or the `@default`, the description and
 * its `@see` links), props a props interface inherits through `extends`, `Omit`, `Pick`,
 * `Partial` or `&` marked with the interface that declares them, and the public fields and
 * methods it exposes.
 *
 * Not TypeDoc or API Extractor: neither is a dependency, both drive the JavaScript API of
 * TypeScript 5, and TypeScript 7, the compiler here, has none; scripts/api-source.ts says why
 * its own small reader instead, and refuses what it cannot read.
 *
 * Deterministic: gen.test.ts compares the file with what this writes, and fails on a prop, field
 * or method without TSDoc, or an optional prop without `@default`. `tsx scripts/gen-api-doc.ts [file]`
 * writes another file; a missing doc stops it, naming each.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, posix, resolve } from "node:path";
import { parseSource, parseType, type AliasDecl, type ClassDecl, type ClassMember, type Decl, type Doc, type InterfaceDecl, type Member, type TypeNode } from "./api-source.js";
import { isEntryPoint } from "../cli/entry-point.js";

const ROOT = join(import.meta.dirname, "..");
export const API_DOC_FILE = "docs/constructs.md";
const INDEX = "modules/index.ts";
/** The construct base classes of `constructs` and `cdktf` the API's classes extend. */
const CONSTRUCT_BASES = new Set(["Construct", "TerraformStack", "TerraformElement", "TerraformResource"]);

/** A prop with the interface or alias that declares it. */
export interface Prop extends Member {
  readonly from: string;
  /** The file that declares it. */
  readonly file: string;
}

/** A constructor parameter after `scope` and `id`: its props when its type has members, else only its type. */
export interface ConstructorParam {
  readonly param: Member;
  readonly props?: readonly Prop[];
  /** The TSDoc of the parameter: its `@param` on the constructor, or the doc of its named type. */
  readonly doc?: Doc;
}

export interface ConstructDoc {
  readonly cls: ClassDecl;
  /** The layer folder it is in (`aws/`), as modules/index.ts groups the exports. */
  readonly layer: string;
  readonly params: readonly ConstructorParam[];
  readonly fields: readonly ClassMember[];
  readonly methods: readonly ClassMember[];
}

/** A type the props use (`Taint`, `RootVolumeProps`, `AddonMode`): its members when it has some. */
export interface TypeDoc {
  readonly decl: InterfaceDecl | AliasDecl;
  readonly props?: readonly Prop[];
  /** An alias without members as TypeScript would show it, `(typeof X)[number]` spelt out. */
  readonly text?: string;
}

export interface Api {
  readonly layers: readonly { readonly name: string; readonly summary: string }[];
  readonly constructs: readonly ConstructDoc[];
  readonly types: readonly TypeDoc[];
  /** What lacks documentation, e.g. `KarpenterAwsProps.region (modules/aws/karpenter-aws.ts:14): no TSDoc`. */
  readonly problems: readonly string[];
}

/** Reads the API: the files modules/index.ts re-exports, by layer, and the construct classes in them. */
export function readApi(root = ROOT): Api {
  const layers: { name: string; summary: string; files: string[] }[] = [];
  for (const line of readFileSync(join(root, INDEX), "utf8").split("\n")) {
    const layer = /^\/\/ ([a-z]+\/): (.+)$/.exec(line);
    const file = /^export \* from "\.\/(.+)\.js";$/.exec(line);
    if (layer) layers.push({ name: layer[1], summary: layer[2], files: [] });
    else if (file) {
      if (!layers.length || !file[1].startsWith(layers[layers.length - 1].name)) throw new Error(`${INDEX}: ${file[1]} is not under its layer comment`);
      layers[layers.length - 1].files.push(`modules/${file[1]}.ts`);
    }
  }
  const byFile = new Map(layers.flatMap((l) => l.files).map((f) => [f, parseSource(readFileSync(join(root, f), "utf8"), f)] as const));
  const exported = new Map<string, Decl>();
  for (const decl of [...byFile.values()].flat().filter((d) => d.exported)) {
    if (exported.has(decl.name)) throw new Error(`${decl.file}:${decl.line}: ${decl.name} is exported by ${exported.get(decl.name)!.file} too`);
    exported.set(decl.name, decl);
  }
  const lookup = (name: string, file: string) => byFile.get(file)?.find((d) => d.name === name) ?? exported.get(name);
  const isConstruct = (cls: ClassDecl): boolean => {
    const base = cls.base === undefined ? undefined : lookup(cls.base, cls.file);
    return cls.base !== undefined && (CONSTRUCT_BASES.has(cls.base) || (base?.kind === "class" && isConstruct(base)));
  };
  const problems: string[] = [];
  const at = (d: { file: string; line: number }) => `${d.file}:${d.line}`;
  const checkDoc = (what: string, d: { file: string; line: number; doc?: Doc }) => d.doc?.text || problems.push(`${what} (${at(d)}): no TSDoc`);
  const checkProps = (props: readonly Prop[], needDefault: boolean) => {
    for (const p of props) {
      checkDoc(`${p.from}.${p.name}`, p);
      if (needDefault && p.doc?.text && p.optional && !p.doc.tags.some((t) => t.name === "default")) problems.push(`${p.from}.${p.name} (${at(p)}): optional, without @default`);
    }
  };
  const constructs: ConstructDoc[] = [];
  for (const layer of layers) {
    for (const file of layer.files) {
      for (const cls of byFile.get(file)!.filter((d): d is ClassDecl => d.kind === "class" && d.exported && isConstruct(d))) {
        checkDoc(cls.name, cls);
        // A class made by a static method (private constructor) has no props to document.
        const params = (cls.constructorVisibility === "public" ? (cls.constructorParams ?? []) : []).slice(2).map((param): ConstructorParam => {
          const props = propsOf(parseType(param.type, file), file, param.type, lookup);
          if (props) {
            checkProps(props, true);
            return { param, props };
          }
          const doc = paramDoc(cls.constructorDoc, param.name) ?? (/^[A-Za-z]\w*$/.test(param.type) ? lookup(param.type, file)?.doc : undefined);
          if (!doc?.text) problems.push(`${cls.name} constructor parameter ${param.name} (${at(cls)}): no @param and no TSDoc on its type`);
          return { param, ...(doc ? { doc } : {}) };
        });
        const visible = cls.members.filter((m) => m.visibility === "public" && !m.isOverride);
        const fields = [...(cls.constructorParams ?? []).filter((p) => p.visibility === "public").map((p) => ({ ...p, visibility: "public" as const, isStatic: false, isReadonly: true, isOverride: false, signature: "" })), ...visible.filter((m) => m.kind === "property")];
        const methods = visible.filter((m) => m.kind === "method");
        for (const m of [...fields, ...methods]) {
          checkDoc(`${cls.name}.${m.name}`, { ...m, file });
          if (m.kind === "property" && !m.type) problems.push(`${cls.name}.${m.name} (${file}:${m.line}): no type written`);
        }
        constructs.push({ cls, layer: layer.name, params, fields, methods });
      }
    }
  }
  // The API's types the props name, and the types those name.
  const documented = new Set(constructs.flatMap((c) => [c.cls.name, ...c.params.map((p) => p.param.type)]));
  const types: TypeDoc[] = [];
  const queue = constructs.flatMap((c) => c.params.flatMap((p) => (p.props ?? []).map((q) => q.type)));
  for (let n = 0; n < queue.length; n++) {
    for (const name of queue[n].match(/\b[A-Z]\w*\b/g) ?? []) {
      const decl = exported.get(name);
      if (documented.has(name) || (decl?.kind !== "interface" && decl?.kind !== "alias")) continue;
      documented.add(name);
      checkDoc(name, decl);
      const props = propsOf({ k: "ref", name, args: [], text: name }, decl.file, name, lookup);
      if (props) {
        checkProps(props, false);
        queue.push(...props.map((p) => p.type));
        types.push({ decl, props });
      } else {
        const text = aliasText((decl as AliasDecl).type, decl.file, lookup);
        queue.push(text);
        types.push({ decl, text });
      }
    }
  }
  types.sort((a, b) => (a.decl.name < b.decl.name ? -1 : 1));
  return { layers: layers.map(({ name, summary }) => ({ name, summary })), constructs, types, problems };
}

/** An alias's type as written, with `(typeof X)[number]` of a constant list replaced by the list's strings. */
function aliasText(node: TypeNode, file: string, lookup: Lookup): string {
  const m = /^\(typeof (\w+)\)\[number\]$/.exec(node.text);
  const list = m ? lookup(m[1], file) : undefined;
  return list?.kind === "constList" ? list.values.map((v) => JSON.stringify(v)).join(" | ") : node.text.replace(/^\|\s*/, "");
}

function paramDoc(doc: Doc | undefined, name: string): Doc | undefined {
  const tag = doc?.tags.find((t) => t.name === "param" && t.text.split(/\s/)[0] === name);
  return tag ? { text: tag.text.slice(name.length).replace(/^\s*-?\s*/, ""), tags: [] } : undefined;
}

type Lookup = (name: string, file: string) => Decl | undefined;

/**
 * The props of a type: an interface's inherited members, then its own (each with the
 * interface declaring it), through aliases, `Omit`, `Pick`, `Partial`, `Readonly` and `&`.
 * Undefined for a type without members this can follow (`string`, a zod-inferred alias).
 */
export function propsOf(node: TypeNode, file: string, owner: string, lookup: Lookup): Prop[] | undefined {
  const keysOf = (n: TypeNode | undefined): string[] => (n?.k === "string" ? [n.value] : n?.k === "or" ? n.parts.flatMap(keysOf) : []);
  if (node.k === "literal") return node.members.map((m) => memberProp(m, owner, file));
  if (node.k === "and") {
    const parts = node.parts.map((p) => propsOf(p, file, owner, lookup));
    if (parts.some((p) => p === undefined)) return undefined;
    return mergeProps(parts as Prop[][]);
  }
  if (node.k !== "ref") return undefined;
  const [first, second] = node.args;
  if ((node.name === "Omit" || node.name === "Pick") && first && second) {
    const base = propsOf(first, file, owner, lookup);
    const keys = new Set(keysOf(second));
    if (keys.size === 0) throw new Error(`${file}: ${node.text}: the keys must be string literals`);
    return base?.filter((p) => keys.has(p.name) === (node.name === "Pick"));
  }
  if ((node.name === "Partial" || node.name === "Readonly") && first) {
    const base = propsOf(first, file, owner, lookup);
    return node.name === "Partial" ? base?.map((p) => ({ ...p, optional: true })) : base;
  }
  const decl = lookup(node.name, file);
  if (decl?.kind === "alias") return propsOf(decl.type, decl.file, decl.name, lookup);
  if (decl?.kind !== "interface") return undefined;
  const unsupported = decl.members.find((m) => m.kind !== "property");
  if (unsupported) throw new Error(`${decl.file}:${unsupported.line}: ${decl.name}: a props interface may hold only properties (got ${unsupported.kind} ${unsupported.name})`);
  const own = decl.members.map((m) => memberProp(m, decl.name, decl.file));
  const inherited = decl.heritage.map((h) => propsOf(h, decl.file, decl.name, lookup) ?? fail(`${decl.file}:${decl.line}: ${decl.name} extends ${h.text}, whose props cannot be followed`));
  return mergeProps([...inherited, own]);
}

const fail = (message: string): never => {
  throw new Error(message);
};
const memberProp = (m: Member, from: string, file: string): Prop => ({ ...m, from, file });
/** Later lists win on a name, as with `extends` and `&`. */
function mergeProps(lists: readonly Prop[][]): Prop[] {
  const out = new Map<string, Prop>();
  for (const p of lists.flat()) {
    out.delete(p.name);
    out.set(p.name, p);
  }
  return [...out.values()];
}

// Rendering.

const code = (text: string) => `\`${text}\``;
/** Markdown text: `<` outside code spans escaped, so `<clusterName>` is not taken for HTML. */
const escapeText = (text: string) => text.split("`").map((part, n) => (n % 2 ? part : part.replace(/</g, "&lt;"))).join("`");
/** A table cell: paragraphs and list items on `<br>`, other line breaks as spaces, `|` escaped. */
export function cell(text: string): string {
  let out = "";
  for (const raw of text.split("\n")) {
    const line = escapeText(raw.trim());
    if (!line) out += out && !out.endsWith("<br><br>") ? "<br><br>" : "";
    else if (line.startsWith("- ") && out && !out.endsWith("<br>")) out += `<br>${line}`;
    else out += `${out && !out.endsWith("<br>") ? " " : ""}${line}`;
  }
  return out.replace(/\|/g, "\\|");
}

/** A `@see` target as a link: a URL, or a file of the repository (relative to docs/). */
function seeLink(target: string): string {
  const [ref, ...rest] = target.split(/\s+/);
  const tail = rest.length ? ` ${rest.join(" ")}` : "";
  if (/^https?:\/\//.test(ref)) return `[${ref.replace(/^https?:\/\//, "")}](${ref})${tail}`;
  if (/^[\w./-]+\.md(#[\w-]+)?$/.test(ref)) return `[${ref}](${posix.relative("docs", ref)})${tail}`;
  return target;
}
const seeLinks = (doc: Doc | undefined) => doc?.tags.filter((t) => t.name === "see").map((t) => seeLink(t.text)) ?? [];

/** The length of a literal at the start of `text` (`"x"`, `300`, `false`, `[]`, `{ ... }`), or 0. */
function leadingLiteral(text: string): number {
  const simple = /^("[^"]*"|true|false|null|-?\d[\d_.]*)(?=$|[\s,;.)])/.exec(text);
  if (simple) return simple[1].length;
  if (text[0] !== "[" && text[0] !== "{") return 0;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') i = text.indexOf('"', i + 1);
    else if ("[{".includes(text[i])) depth++;
    else if ("]}".includes(text[i]) && --depth === 0) return i + 1;
  }
  return 0;
}

/** The Default cell: `required`, or the `@default` (a value in code, words after `- ` as they are). */
export function defaultCell(p: Member): string {
  if (!p.optional) return "required";
  const raw = p.doc?.tags.find((t) => t.name === "default")?.text.replace(/\s*\n\s*/g, " ");
  if (raw === undefined) return "optional";
  if (raw.startsWith("- ")) return cell(raw.slice(2));
  const n = leadingLiteral(raw);
  if (!n) return cell(raw);
  const rest = raw.slice(n);
  return `${code(raw.slice(0, n)).replace(/\|/g, "\\|")}${/^\s/.test(rest) ? " " : ""}${cell(rest)}`;
}

const anchorOf = (name: string) => `#${name.toLowerCase()}`;

/** Rows of props; a type naming a construct, its props or a type of the page links to its section. */
function propRows(props: readonly Prop[], owner: string, api: Api, self: string, head = "Prop"): string[] {
  const targets = [
    ...api.constructs.flatMap((c) => [c.cls.name, ...c.params.filter((p) => p.props && /^\w+$/.test(p.param.type)).map((p) => p.param.type)].map((n) => [n, c.cls.name] as const)),
    ...api.types.map((t) => [t.decl.name, t.decl.name] as const),
  ];
  return [
    `| ${head} | Type | Default | Description |`,
    "| --- | --- | --- | --- |",
    ...props.map((p) => {
      const seeAlso = [...new Set(targets.filter(([n, c]) => c !== self && new RegExp(`\\b${n}\\b`).test(p.type)).map(([, c]) => c))].map((c) => `[${code(c)}](${anchorOf(c)})`);
      const notes = [
        ...(seeAlso.length ? [`See ${seeAlso.join(", ")}.`] : []),
        ...seeLinks(p.doc).map((l) => `See ${l}.`),
        ...(p.from !== owner ? [`*From ${code(p.from)}.*`] : []),
      ];
      return `| ${[code(p.name), code(p.type).replace(/\|/g, "\\|"), defaultCell(p), [cell(p.doc?.text ?? ""), ...notes].filter(Boolean).join(" ")].join(" | ")} |`;
    }),
  ];
}

/** A class's description: paragraphs as written, `@see` links, `@example` as TypeScript. */
function block(doc: Doc | undefined): string[] {
  if (!doc) return [];
  const out = [escapeText(doc.text), ""];
  const see = seeLinks(doc);
  if (see.length) out.push(`See ${see.join(", ")}.`, "");
  for (const t of doc.tags.filter((t) => t.name === "example")) out.push("```ts", t.text, "```", "");
  return out;
}

function section(c: ConstructDoc, api: Api): string[] {
  const { cls } = c;
  const signature = `new ${cls.name}(${(cls.constructorParams ?? []).map((p) => `${p.name}${p.optional ? "?" : ""}: ${p.type}`).join(", ")})`;
  const out = [`### ${code(cls.name)}`, "", ...block(cls.doc), `Extends ${code(cls.base!)}. Source: [${cls.file}](../${cls.file}).`, ""];
  if (cls.constructorVisibility === "public") out.push("```ts", signature, "```", "");
  else out.push(`Not constructed directly (its constructor is ${cls.constructorVisibility}): see its methods.`, "");
  if (cls.constructorDoc?.text) out.push(escapeText(cls.constructorDoc.text), "");
  for (const p of c.params) {
    if (p.props) out.push(`**${code(p.param.name)}** (${code(p.param.type)}):`, "", ...propRows(p.props, p.param.type, api, cls.name), "");
    else out.push(`**${code(p.param.name)}** (${code(p.param.type)}): ${escapeText(p.doc?.text ?? "")}${seeLinks(p.doc).map((l) => ` See ${l}.`).join("")}`, "");
  }
  if (c.fields.length) {
    out.push("**Exposes**:", "", "| Field | Type | Description |", "| --- | --- | --- |");
    for (const f of c.fields) out.push(`| ${code(`${f.isStatic ? "static " : ""}${f.name}${f.optional ? "?" : ""}`)} | ${code(f.type).replace(/\|/g, "\\|")} | ${cell(f.doc?.text ?? "")} |`);
    out.push("");
  }
  if (c.methods.length) {
    out.push("**Methods**:", "", "| Method | Description |", "| --- | --- |");
    for (const m of c.methods) out.push(`| ${code(`${m.isStatic ? `${cls.name}.` : ""}${m.name}${m.signature}`).replace(/\|/g, "\\|")} | ${cell(m.doc?.text ?? "")} |`);
    out.push("");
  }
  return out;
}

function typeSection(t: TypeDoc, api: Api): string[] {
  const { decl } = t;
  const out = [`### ${code(decl.name)}`, "", ...block(decl.doc), `Source: [${decl.file}](../${decl.file}).`, ""];
  if (t.props) out.push(...propRows(t.props, decl.name, api, decl.name, "Field"), "");
  else out.push("```ts", `type ${decl.name} = ${t.text}`, "```", "");
  return out;
}

/** docs/constructs.md for an API. */
export function apiReference(api: Api): string {
  const layers = api.layers.filter((l) => api.constructs.some((c) => c.layer === l.name));
  return [
    "# Construct reference",
    "",
    "<!-- Generated by `npm run gen` (scripts/gen-api-doc.ts) from the TSDoc in modules/. Do not edit: change the TSDoc and run `npm run gen`. -->",
    "",
    "Every construct class the package exports (`modules/index.ts`), by layer: what it does, its constructor, one row per prop, and",
    "the fields and methods it exposes; then the types those props use. **Default** is `required` for a prop that must be given;",
    "otherwise the value, or in words what happens, when the prop is left out. A prop the props interface inherits (`extends`, `Omit`,",
    "`&`) names the interface that declares it. Constructs validate their props at synth and throw one error listing every bad prop.",
    "",
    "Written from the source by this project's own small generator (scripts/api-source.ts reads the declarations and their TSDoc,",
    "scripts/gen-api-doc.ts writes this page), not TypeDoc or API Extractor: neither is a dependency, and both need the JavaScript API",
    "of TypeScript 5, which TypeScript 7, the compiler here, no longer has. A test fails when this page differs from what the code",
    "gives, when a prop, field, method or type has no TSDoc, when a construct's optional prop has no `@default`, and when the props",
    "listed here are not those TypeScript sees for the constructor.",
    "",
    ...layers.flatMap((l) => [`- ${code(l.name)}: ${api.constructs.filter((c) => c.layer === l.name).map((c) => `[${c.cls.name}](${anchorOf(c.cls.name)})`).join(", ")}`]),
    `- [Types of props](#types-of-props): ${api.types.map((t) => `[${t.decl.name}](${anchorOf(t.decl.name)})`).join(", ")}`,
    "",
    ...layers.flatMap((l) => [`## ${code(l.name)}`, "", `${l.summary}`, "", ...api.constructs.filter((c) => c.layer === l.name).flatMap((c) => section(c, api))]),
    "## Types of props",
    "",
    "The types of the package the props above name, and those they name in turn. **Default** here is `required`, the `@default`,",
    "or `optional`.",
    "",
    ...api.types.flatMap((t) => typeSection(t, api)),
  ]
    .join("\n")
    .replace(/\n+$/, "\n");
}

/** Writes the reference to `file`; throws, naming each, when something lacks its documentation. */
export function generateApiDoc(file = join(ROOT, API_DOC_FILE), root = ROOT): string {
  const api = readApi(root);
  if (api.problems.length) throw new Error(`${API_DOC_FILE} not written; document these first:\n${api.problems.map((p) => `- ${p}`).join("\n")}`);
  writeFileSync(file, apiReference(api));
  return file;
}

if (isEntryPoint(import.meta.url)) {
  try {
    generateApiDoc(process.argv[2] ? resolve(process.argv[2]) : undefined);
    process.stdout.write(`generated ${process.argv[2] ?? API_DOC_FILE}\n`);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
