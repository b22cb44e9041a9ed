/**
 * npm test (after the type-check): every test file under __tests__/<folder>/, with Node's test
 * runner through tsx, three processes at a time.
 *
 * Each test process first loads cdktf, the providers and the module (and V8 compiles them): about
 * a second of CPU, more than most files then spend on their tests. So only the files that spend
 * their time waiting on other programs (npm, terraform, the cdktf CLI, the bundled app and CLI
 * run many times) get a process of their own, where they overlap with the rest; every other file
 * runs in one shared process, `__tests__/shared-process.test.ts`, one file after the other.
 * Any file runs alone as before: `node --import tsx --test __tests__/<folder>/<file>.test.ts`.
 *
 * Arguments are passed on to `node --test` (e.g. `npm test -- --test-reporter=dot`).
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { isEntryPoint } from "../cli/entry-point.js";

const ROOT = join(import.meta.dirname, "..");

/** The folders of __tests__/ that hold test files. */
const FOLDERS = ["terraform", "stacks", "validation", "cli", "constructs", "docs"] as const;

/**
 * The files with a process of their own, the slowest first (the runner starts them in this
 * order): the consumer example's npm pack and install, the terraform runs, the doctor and
 * determinism files' runs of the bundled CLI and app, and `cdktf synth --hcl`.
 */
export const OWN_PROCESS: readonly string[] = [
  "__tests__/stacks/examples.test.ts",
  "__tests__/terraform/terraform-apply.test.ts",
  "__tests__/terraform/terraform-validate.test.ts",
  "__tests__/cli/doctor.test.ts",
  "__tests__/stacks/determinism.test.ts",
  "__tests__/terraform/hcl.test.ts",
];

/** The shared process's entry: it imports sharedProcessFiles(). */
export const SHARED_PROCESS = "__tests__/shared-process.test.ts";

/** Every test file, relative to the project, folder by folder in FOLDERS' order. */
export function testFiles(): string[] {
  return FOLDERS.flatMap((folder) =>
    readdirSync(join(ROOT, "__tests__", folder))
      .filter((name) => name.endsWith(".test.ts"))
      .sort()
      .map((name) => `__tests__/${folder}/${name}`),
  );
}

/** The test files the shared process runs: all but OWN_PROCESS, as absolute paths. */
export function sharedProcessFiles(): string[] {
  return testFiles()
    .filter((file) => !OWN_PROCESS.includes(file))
    .map((file) => join(ROOT, file));
}

if (isEntryPoint(import.meta.url)) {
  const missing = OWN_PROCESS.filter((file) => !testFiles().includes(file));
  if (missing.length) throw new Error(`scripts/test.ts names test files that do not exist: ${missing.join(", ")}`);
  // The shared process starts right after the slowest file: it is about as long.
  const files = [OWN_PROCESS[0], SHARED_PROCESS, ...OWN_PROCESS.slice(1)];
  const run = spawnSync(process.execPath, [...process.execArgv, "--test", "--test-concurrency=3", ...process.argv.slice(2), ...files], { cwd: ROOT, stdio: "inherit" });
  process.exitCode = run.status ?? 1;
}
