/**
 * The karpenter-gpu app: load the configuration, build the stacks. No resource logic here.
 *
 * KARPENTER_GPU_CONFIG=path/to/config.yaml (or .json) chooses the configuration;
 * unset, the built-in example examples/default.yaml (the seed spec) is used; set but empty is an error.
 * `npm run synth` bundles it (dist/app/main.mjs, see README "Benchmark") and runs it; `tsx main.ts`
 * runs it from source.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { App } from "cdktf";
import { loadConfigFile } from "./modules/config/parse.js";
import { ConfigError } from "./modules/config/problems.js";
import { buildStacks, synthWarnings } from "./modules/stacks/app.js";

/** The project folder (where package.json is): this file's folder from source, two up from dist/app/. */
function projectDir(): string {
  for (let dir = import.meta.dirname; dirname(dir) !== dir; dir = dirname(dir)) if (existsSync(join(dir, "package.json"))) return dir;
  return import.meta.dirname;
}
// Unset means the built-in example; set but empty is a mistake that loadConfigFile reports.
const configPath = process.env.KARPENTER_GPU_CONFIG ?? join(projectDir(), "examples", "default.yaml");
try {
  // No stack traces in manifest.json: they hold the checkout's path, and the output must not depend on it.
  const app = new App({ stackTraces: false });
  buildStacks(app, loadConfigFile(configPath));
  app.synth();
  // cdktf keeps warnings in manifest.json only: print them where the README's command shows them.
  for (const warning of synthWarnings(app)) process.stderr.write(`Warning: ${warning}\n`);
  // Every file is written: exit once stderr is flushed, instead of waiting for the garbage
  // collection V8 may have begun (a mark-compact of about 30 ms after the last line on Node 24).
  process.stderr.write("", () => process.exit(0));
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
