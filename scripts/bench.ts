/**
 * npm run bench: how long the default app takes to synthesize, against the floor of starting
 * tsx on an empty file, measured in the same run on the same machine.
 *
 * Both are run as the app is run by `cdktf synth` minus the CLI: `node --import tsx <file>`,
 * one warm-up each, then RUNS timed runs (default 7), interleaved so machine noise hits both.
 * Prints the medians and their ratio; --json prints them as JSON.
 * Targets: app median <= 1.5 s, and <= 4x the floor.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 7));
const work = mkdtempSync(join(tmpdir(), "kgpu-bench-"));
const empty = join(work, "empty.ts");
writeFileSync(empty, "export {};\n");

function timeRun(file: string): number {
  const outdir = join(work, `out-${Math.random().toString(36).slice(2)}`);
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["--import", "tsx", file], {
    cwd: ROOT,
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "KARPENTER_GPU_CONFIG")), CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`${file} failed:\n${run.stderr}`);
  rmSync(outdir, { recursive: true, force: true });
  return seconds;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const app = join(ROOT, "main.ts");
timeRun(empty);
timeRun(app);
const floorTimes: number[] = [];
const appTimes: number[] = [];
for (let i = 0; i < RUNS; i++) {
  floorTimes.push(timeRun(empty));
  appTimes.push(timeRun(app));
}
rmSync(work, { recursive: true, force: true });

const result = {
  date: new Date().toISOString().slice(0, 10),
  machine: `${cpus().length} x ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`,
  runs: RUNS,
  appMedianSeconds: Number(median(appTimes).toFixed(3)),
  floorMedianSeconds: Number(median(floorTimes).toFixed(3)),
  ratio: Number((median(appTimes) / median(floorTimes)).toFixed(2)),
  targets: { appMedianSeconds: 1.5, ratio: 4 },
};
if (process.argv.includes("--json")) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  const ok = (good: boolean) => (good ? "meets target" : "MISSES target");
  process.stdout.write(
    [
      `synth benchmark, ${result.date}, ${result.machine}, ${RUNS} runs each after one warm-up`,
      `  default app (node --import tsx main.ts): median ${result.appMedianSeconds.toFixed(3)} s  (${ok(result.appMedianSeconds <= 1.5)} <= 1.5 s)`,
      `  floor (node --import tsx empty.ts):      median ${result.floorMedianSeconds.toFixed(3)} s`,
      `  ratio app / floor:                       ${result.ratio.toFixed(2)}x    (${ok(result.ratio <= 4)} <= 4x)`,
      "",
    ].join("\n"),
  );
}
