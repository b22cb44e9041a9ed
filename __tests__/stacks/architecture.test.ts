/**
 * The project's structure, read from its own source: no import cycle (type-only imports count),
 * each layer of modules/ imports only the layers below it, no file over 500 lines and no folder
 * over 15 source files (generated code aside). docs/development.md, "Project layout", draws the layers.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { OWN_PROCESS, SHARED_PROCESS, sharedProcessFiles } from "../../scripts/test.js";
import { ROOT } from "../helpers.js";

/** The folders of the project's own source (generated code and dependencies are not). */
const SOURCE_DIRS = ["modules", "cli", "scripts", "bench", "__tests__"];

/**
 * What each layer of modules/ may import: the layers below it. `.gen` is the generated CRD code.
 * Constructs (aws, charts, nodepools) never see the configuration; only stacks/ wire it in.
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  core: [],
  karpenter: ["core", ".gen"],
  validation: ["core", "karpenter", ".gen"],
  config: ["core", "karpenter", "validation"],
  aws: ["core"],
  charts: ["core", "karpenter", "validation"],
  nodepools: ["core", "karpenter", "validation", ".gen"],
  stacks: ["core", "karpenter", "validation", "config", "aws", "charts", "nodepools"],
};

function sourceFiles(): string[] {
  const out: string[] = [join(ROOT, "main.ts")];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== "fixtures") walk(path);
      } else if (name.endsWith(".ts")) out.push(path);
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(ROOT, dir));
  return out;
}

/**
 * The relative modules a file imports: `import`/`export ... from`, side-effect imports, and
 * `import("...")` (dynamic, or in a type). A type-only import is an edge like any other.
 */
export function importsOf(text: string): string[] {
  const specs = new Set<string>();
  const patterns = [/(?:^|[\s;])(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']/g, /(?:^|[\s;])import\s*["']([^"']+)["']/g, /import\(\s*["']([^"']+)["']\s*\)/g];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) if (m[1].startsWith(".")) specs.add(m[1]);
  return [...specs];
}

/** The import graph of `files`: each file's relative imports, resolved to `.ts` paths. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = importsOf(readFileSync(file, "utf8")).map((spec) => resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
    graph.set(file, targets);
  }
  return graph;
}

/** Every cycle's files, one cycle per strongly connected component with more than one file (or a self-import). */
export function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm.
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indexOf.has(v)) visit(v);
  return out;
}

const files = sourceFiles().filter((f) => f !== join(ROOT, "__tests__", "stacks", "architecture.test.ts"));
const graph = importGraph(files);
const rel = (path: string) => relative(ROOT, path);
const isGenerated = (path: string) => rel(path).startsWith(".gen");

describe("project structure", () => {
  it("finds a cycle when there is one (the check itself), type-only imports included", () => {
    assert.deepEqual(importsOf('import type { A } from "./a.js";\nexport { b } from "../b.js";\ntype C = import("./c.js").C;\nimport "./d.js";'), ["./a.js", "../b.js", "./d.js", "./c.js"]);
    const g = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]);
    assert.deepEqual(cyclesOf(g), [["a", "b", "c"]]);
    assert.deepEqual(cyclesOf(new Map([["a", ["b"]], ["b", []]])), []);
  });

  it("has no import cycle in its own source", () => {
    assert.ok(graph.size > 50, `read ${graph.size} files`);
    assert.deepEqual(cyclesOf(graph).map((c) => c.map(rel)), []);
  });

  it("imports only existing files", () => {
    const missing = [...graph].flatMap(([file, targets]) => targets.filter((t) => !graph.has(t) && !isGenerated(t) && !statSync(t, { throwIfNoEntry: false })).map((t) => `${rel(file)} -> ${rel(t)}`));
    assert.deepEqual(missing, []);
  });

  it("keeps each layer of modules/ to the layers below it (constructs never import the configuration)", () => {
    const layerOf = (path: string): string | undefined => {
      const parts = rel(path).split("/");
      if (parts[0] === ".gen") return ".gen";
      return parts[0] === "modules" && parts.length === 3 ? parts[1] : undefined;
    };
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file);
      if (from === undefined) continue;
      assert.ok(from in ALLOWED, `${rel(file)} is in a folder the layer table does not know`);
      for (const target of targets) {
        const to = layerOf(target);
        if (to !== from && !(to !== undefined && ALLOWED[from].includes(to))) wrong.push(`${rel(file)} -> ${rel(target)}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("runs every test file once: npm test runs scripts/test.ts, whose own-process files and shared process cover each test file", () => {
    const script = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.test as string;
    assert.match(script, /&& node --import tsx scripts\/test\.ts$/);
    const testFiles = files
      .concat(join(ROOT, "__tests__", "stacks", "architecture.test.ts"))
      .filter((f) => f.endsWith(".test.ts") && rel(f) !== SHARED_PROCESS)
      .map(rel);
    const run = [...OWN_PROCESS, ...sharedProcessFiles().map(rel)];
    assert.deepEqual([...run].sort(), [...new Set(testFiles)].sort());
    assert.equal(new Set(run).size, run.length, "no test file runs twice");
  });

  it("keeps the benchmark's floor (bench/floor.ts) importing every provider submodule the module imports", () => {
    const providerImports = (file: string) => [...readFileSync(file, "utf8").matchAll(/from "(@cdktf\/provider-[a-z]+\/lib\/[a-z0-9-]+\/index\.js)"/g)].map((m) => m[1]);
    const module = new Set(files.filter((f) => rel(f).startsWith("modules/")).flatMap(providerImports));
    const floor = new Set(providerImports(join(ROOT, "bench", "floor.ts")));
    assert.ok(module.size > 20, "the module's provider imports are found");
    assert.deepEqual([...module].filter((m) => !floor.has(m)).sort(), []);
  });

  it("has no source file over 500 lines and no folder over 15 source files (generated code aside)", () => {
    const long = files.filter((f) => readFileSync(f, "utf8").split("\n").length > 500).map(rel);
    assert.deepEqual(long, []);
    const perFolder = new Map<string, number>();
    for (const f of files) perFolder.set(dirname(rel(f)), (perFolder.get(dirname(rel(f))) ?? 0) + 1);
    assert.deepEqual([...perFolder].filter(([, n]) => n > 15), []);
  });
});
