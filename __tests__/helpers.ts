/** Test helpers: synthesize constructs into a throwaway stack and read the Terraform JSON back. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { delimiter, join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { App, TerraformStack, Testing } from "cdktf";
import { parseConfig } from "../modules/config/parse.js";
import { ConfigError } from "../modules/config/problems.js";
import { type KarpenterGpuConfigInput } from "../modules/config/schema.js";
import { tempDir } from "./tmp.js";

export { tempDir };

/** The synthesized Terraform JSON of one stack. */
export interface Synth {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { value: unknown; description?: string }>;
  readonly provider?: Record<string, unknown[]>;
  readonly terraform: Record<string, unknown>;
}

/** Builds constructs with `build` in a fresh stack (with an AWS provider) and returns its Terraform JSON. */
export function synthStack(build: (stack: TerraformStack) => void): Synth {
  const app = newApp();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "us-west-2" });
  build(stack);
  return JSON.parse(Testing.synth(stack)) as Synth;
}

/** Synthesizes an existing stack. */
export function synthOf(stack: TerraformStack): Synth {
  return JSON.parse(Testing.synth(stack)) as Synth;
}

/** A test app whose output folder is a temp dir removed when the test process exits (cdktf's own default is never removed). */
export function newApp(): App {
  return Testing.app({ outdir: tempDir("cdktf.outdir.") });
}

/**
 * All resources (or data sources) of a type, keyed by construct path below the stack with "/"
 * written as "_" (the logical ID without cdktf's hash suffix), e.g. `controller_role`.
 */
export function ofType(section: Synth["resource"] | undefined, type: string): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [logicalId, body] of Object.entries(section?.[type] ?? {})) {
    out[logicalId.replace(/_[0-9A-F]{8}$/, "")] = body;
  }
  return out;
}

/** The one resource of a type at a construct path below the stack (e.g. `controller/role`). */
export function at(section: Synth["resource"] | undefined, type: string, path: string): Record<string, unknown> {
  const all = ofType(section, type);
  const found = all[path.replace(/\//g, "_")];
  if (!found) throw new Error(`no ${type} at ${path}; have: ${Object.keys(all).join(", ")}`);
  return found;
}

/** Replaces Terraform references to data sources with readable placeholders. */
export function placeholders(value: unknown, extra: Record<string, string> = {}): unknown {
  let json = JSON.stringify(value)
    .replace(/\$\{data\.aws_partition\.[\w-]+\.partition\}/g, "PARTITION")
    .replace(/\$\{data\.aws_partition\.[\w-]+\.dns_suffix\}/g, "DNS_SUFFIX")
    .replace(/\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}/g, "ACCOUNT");
  for (const [pattern, name] of Object.entries(extra)) json = json.split(pattern).join(name);
  return JSON.parse(json);
}

/** The problems of the ConfigError `fn` throws, or [] when it throws none. */
export function configProblems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

/** The problems of a configuration that must be rejected; fails the test when it is accepted. */
export function rejectionOf(input: unknown): readonly string[] {
  const problems = configProblems(() => parseConfig(input));
  assert.ok(problems.length > 0, "expected the config to be rejected");
  return problems;
}

/** Expects `fn` to throw and returns the message. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected an error, but none was thrown");
}


/** The project root. */
export const ROOT = join(import.meta.dirname, "..");

/** The environment without KARPENTER_GPU_CONFIG: the app then uses the built-in example (set but empty is an error). */
export function withoutConfigVariable(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.KARPENTER_GPU_CONFIG;
  return env;
}

let bundleDir: string | undefined;

/**
 * The app (`main.ts`) or the CLI (`cli/main.ts`) bundled by the esbuild command of the
 * `build:app` script (what `npm run synth` runs), built once per test process into
 * node_modules/.cache/karpenter-gpu-tests/<pid>/ (inside the project, so the app finds examples/
 * and the CLI its package.json as they do from dist/) and removed when the process exits.
 * A bundled run starts in about half the time of `node --import tsx`.
 */
export function bundled(entry: "main.ts" | "cli/main.ts"): string {
  if (!bundleDir) {
    const dir = join(ROOT, "node_modules", ".cache", "karpenter-gpu-tests", String(process.pid));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    const script = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts["build:app"];
    // The script's flags, with these entry points and this folder.
    const flags = script.slice(script.indexOf(" --"));
    const build = spawnSync("sh", ["-c", `esbuild main.ts cli/main.ts${flags} --outbase=. --outdir=${dir}`], {
      cwd: ROOT,
      env: { ...process.env, PATH: `${join(ROOT, "node_modules", ".bin")}${delimiter}${process.env.PATH}` },
      encoding: "utf8",
    });
    assert.equal(build.status, 0, `bundling failed:\n${build.stderr}`);
    bundleDir = dir;
  }
  return join(bundleDir, entry.replace(/\.ts$/, ".mjs"));
}

/**
 * Runs the app the way `npm run synth` does (bundled, with node) into a temporary output folder.
 * KARPENTER_GPU_CONFIG is removed unless given, so the built-in example is used.
 */
export function runApp(env: Record<string, string> = {}) {
  const outdir = tempDir("out-");
  // The node flags of the `synth` script (`node <flags> dist/app/main.mjs`).
  const synth = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.synth;
  const nodeFlags = (/&& node((?: --[^ ]+)*) dist\/app\/main\.mjs$/.exec(synth)?.[1] ?? "").split(" ").filter(Boolean);
  const run = spawnSync(process.execPath, [...nodeFlags, bundled("main.ts")], {
    cwd: ROOT,
    env: { ...withoutConfigVariable(), ...env, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  return { ...run, outdir };
}

/**
 * The smallest valid configuration (the seed's names), with `overrides` on top: tests state only
 * what they are about.
 */
export function configInput(overrides: Partial<KarpenterGpuConfigInput> = {}): KarpenterGpuConfigInput {
  return {
    clusterName: "prod-cluster",
    region: "us-west-2",
    discovery: { subnetIds: ["subnet-0a1b2c3d4e5f60718"], securityGroupIds: ["sg-0c3d4e5f607182930"] },
    nodeClasses: [{ name: "gpu-nodeclass" }],
    nodePools: [{ name: "gpu-workloads", nodeClass: "gpu-nodeclass", limits: { cpu: 1000 } }],
    ...overrides,
  };
}
