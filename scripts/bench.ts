/**
 * npm run bench: what the app costs over what any CDKTF app with the same providers costs.
 *
 * Three programs, bundled by one esbuild command (`npm run build:app`: the module's own code and
 * its dependencies in one file each; cdktf, constructs and the providers stay packages, as in any
 * CDKTF app) and run with `node`, as `npm run synth` runs the app, on each Node line (22 and 24),
 * interleaved so machine noise hits all of them:
 * - floor: bench/floor.ts, a minimal CDKTF app that imports the same provider submodules and
 *   synthesizes three stacks, with no configuration and no validation;
 * - app, default: main.ts on examples/default.yaml;
 * - app, 50 pools: main.ts on bench/fifty-pools.ts's configuration (5 node classes, 50 pools).
 * The same floor and app run from source (`node --import tsx`, how `npm run synth` ran them before
 * the bundle) give a second pair of rows; BENCH_BASELINE=<another checkout> adds that checkout's
 * app, run from source as it was then (e.g. the commit before the layer folders and the cjs-deps
 * removal: `git worktree add ../before 827bd48`, with its own node_modules).
 * One warm-up each, then BENCH_RUNS timed runs (default 7); medians, and each app as a ratio to
 * the floor run the same way. bench/phases.ts then splits the bundled app's time into Node
 * start-up, loading (cdktf, the providers, the module and its dependencies), validation of the
 * configuration (schema, cross-key rules, CRD schema + CEL, launchability), construction (the
 * constructs, which check their own objects too) and synthesis.
 *
 * The Node binaries come from the npm registry (node-<platform>-<arch>@<major>, as in CI), kept
 * in node_modules/.cache/karpenter-gpu-bench/; BENCH_NODE_<major>=/path/to/node uses another.
 * --json prints the results as JSON.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fiftyPoolsConfig } from "../bench/fifty-pools.js";

const ROOT = join(import.meta.dirname, "..");
const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 7));
const NODE_LINES = [22, 24] as const;
const TARGETS = { default: 1.2, fiftyPools: 1.5 } as const;
const PHASES = ["startup", "loading", "validation", "construction", "synthesis"] as const;
type Phase = (typeof PHASES)[number];

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { cwd: ROOT, env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** The node binary of a major line: BENCH_NODE_<major>, else the npm package node-<platform>-<arch>@<major>. */
function nodeBinary(major: number): string {
  const given = process.env[`BENCH_NODE_${major}`];
  if (given) return given;
  const platform = `${process.platform}-${process.arch}`;
  const prefix = join(ROOT, "node_modules", ".cache", "karpenter-gpu-bench", `node${major}`);
  const binary = join(prefix, "node_modules", `node-${platform}`, "bin", "node");
  if (!existsSync(binary)) {
    mkdirSync(prefix, { recursive: true });
    run("npm", ["install", "--prefix", prefix, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--loglevel=error", `node-${platform}@${major}`]);
  }
  return binary;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

run("npm", ["run", "--silent", "build:app"]);
const work = mkdtempSync(join(tmpdir(), "kgpu-bench-"));
try {
  const fifty = join(work, "fifty-pools.yaml");
  writeFileSync(fifty, fiftyPoolsConfig());
  const example = join(ROOT, "examples", "default.yaml");
  const bundled = (file: string) => [join(ROOT, "dist", "app", file)];
  const fromSource = (file: string, root = ROOT) => ["--import", "tsx", join(root, file)];
  const baseline = process.env.BENCH_BASELINE;
  /** What each program runs (node arguments), where, and on which configuration. */
  const programs: Record<string, { label: string; args: string[]; cwd: string; config?: string; floor?: string }> = {
    floor: { label: "floor (bench/floor.ts)", args: bundled("bench/floor.mjs"), cwd: ROOT },
    default: { label: "app, default example", args: bundled("main.mjs"), cwd: ROOT, config: example, floor: "floor" },
    fiftyPools: { label: "app, 50 pools", args: bundled("main.mjs"), cwd: ROOT, config: fifty, floor: "floor" },
    floorSource: { label: "floor, from source", args: fromSource("bench/floor.ts"), cwd: ROOT },
    defaultSource: { label: "app, default example, from source", args: fromSource("main.ts"), cwd: ROOT, config: example, floor: "floorSource" },
    ...(baseline ? { baseline: { label: `baseline (${baseline}), default example, from source`, args: fromSource("main.ts", baseline), cwd: baseline, config: join(baseline, "examples", "default.yaml"), floor: "floorSource" } } : {}),
  };

  const envFor = (config: string | undefined, outdir: string): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
    delete env.KARPENTER_GPU_CONFIG;
    delete env.NODE_OPTIONS;
    if (config) env.KARPENTER_GPU_CONFIG = config;
    return env;
  };
  let n = 0;
  const runIn = (node: string, args: readonly string[], cwd: string, config: string | undefined): string => {
    const outdir = join(work, `out-${n++}`);
    const result = spawnSync(node, args, { cwd, env: envFor(config, outdir), encoding: "utf8" });
    rmSync(outdir, { recursive: true, force: true });
    if (result.status !== 0) throw new Error(`${node} ${args.join(" ")} failed:\n${result.stderr}`);
    return result.stdout;
  };
  const timeRun = (node: string, name: string): number => {
    const p = programs[name];
    const start = process.hrtime.bigint();
    runIn(node, p.args, p.cwd, p.config);
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  // The clock starts when Node runs the first user code (a preloaded one-liner), so start-up
  // and loading are told apart even though the bundle's package imports are hoisted.
  const clock = "--import=data:text/javascript,globalThis.kgpuClock=performance.now()";
  const phasesOf = (node: string, config: string): Record<Phase, number> =>
    JSON.parse(runIn(node, [clock, ...bundled("bench/phases.mjs")], ROOT, config)) as Record<Phase, number>;

  const nodes = NODE_LINES.map((major) => ({ major, binary: nodeBinary(major), version: run(nodeBinary(major), ["--version"]).trim() }));
  const names = Object.keys(programs);
  const times = new Map<string, number[]>();
  const phaseRuns = new Map<string, Record<Phase, number>[]>();
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => map.set(key, [...(map.get(key) ?? []), value]);
  for (const node of nodes) for (const p of names) timeRun(node.binary, p);
  for (let i = 0; i < RUNS; i++) {
    for (const node of nodes) {
      for (const p of names) push(times, `${node.major}/${p}`, timeRun(node.binary, p));
      push(phaseRuns, `${node.major}/default`, phasesOf(node.binary, example));
      push(phaseRuns, `${node.major}/fiftyPools`, phasesOf(node.binary, fifty));
    }
  }

  const results = nodes.map((node) => {
    const m = (p: string) => median(times.get(`${node.major}/${p}`)!);
    const phases = (p: "default" | "fiftyPools") => {
      const runs = phaseRuns.get(`${node.major}/${p}`)!;
      const medians = Object.fromEntries(PHASES.map((ph) => [ph, median(runs.map((r) => r[ph]))])) as Record<Phase, number>;
      const total = PHASES.reduce((sum, ph) => sum + medians[ph], 0);
      return Object.fromEntries(PHASES.map((ph) => [ph, { ms: Math.round(medians[ph]), share: Number((medians[ph] / total).toFixed(3)) }])) as Record<Phase, { ms: number; share: number }>;
    };
    return {
      node: node.version,
      programs: Object.fromEntries(
        names.map((p) => {
          const floor = programs[p].floor;
          return [p, { label: programs[p].label, seconds: Number(m(p).toFixed(3)), ...(floor ? { ratio: Number((m(p) / m(floor)).toFixed(2)) } : {}) }];
        }),
      ) as Record<string, { label: string; seconds: number; ratio?: number }>,
      phases: { default: phases("default"), fiftyPools: phases("fiftyPools") },
    };
  });
  const report = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus().length} x ${cpus()[0]?.model ?? "unknown CPU"}`,
    runs: RUNS,
    targets: TARGETS,
    results,
  };
  if (process.argv.includes("--json")) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const target = (p: string) => (p === "default" ? TARGETS.default : p === "fiftyPools" ? TARGETS.fiftyPools : undefined);
    const verdict = (p: string, ratio: number) => {
      const t = target(p);
      return t === undefined ? "" : ratio <= t ? ` (meets ≤ ${t}×)` : ` (MISSES ≤ ${t}×)`;
    };
    const lines = [
      `synth benchmark, ${report.date}, ${report.machine}, medians of ${RUNS} interleaved runs after one warm-up each`,
      "",
      `| Program | ${results.map((r) => `Node ${r.node}`).join(" | ")} |`,
      `|---|${results.map(() => "---").join("|")}|`,
      ...names.map((p) => `| ${programs[p].label} | ${results.map((r) => `${r.programs[p].seconds.toFixed(2)} s${r.programs[p].ratio === undefined ? "" : `, ${r.programs[p].ratio!.toFixed(2)}× its floor${verdict(p, r.programs[p].ratio!)}`}`).join(" | ")} |`),
      "",
      "Where the bundled app's time goes (bench/phases.ts, medians, share of the app's time):",
      "",
      `| Node, config | ${PHASES.join(" | ")} |`,
      `|---|${PHASES.map(() => "---").join("|")}|`,
      ...results.flatMap((r) =>
        (["default", "fiftyPools"] as const).map((p) => `| ${r.node}, ${p === "default" ? "default" : "50 pools"} | ${PHASES.map((ph) => `${r.phases[p][ph].ms} ms (${Math.round(r.phases[p][ph].share * 100)}%)`).join(" | ")} |`),
      ),
      "",
    ];
    process.stdout.write(lines.join("\n"));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
