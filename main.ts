/**
 * The karpenter-gpu app: load the configuration, build the stacks. No resource logic here.
 *
 * KARPENTER_GPU_CONFIG=path/to/config.yaml (or .json) chooses the configuration;
 * unset, the built-in example examples/default.yaml (the seed spec) is used; set but empty is an error.
 */
import { join } from "node:path";
import { ConfigError, loadConfigFile } from "./modules/config.js";
import { buildStacks } from "./modules/app.js";
import { App } from "./modules/cjs-deps.js";

// Unset means the built-in example; set but empty is a mistake that loadConfigFile reports.
const configPath = process.env.KARPENTER_GPU_CONFIG ?? join(import.meta.dirname, "examples", "default.yaml");
try {
  // No stack traces in manifest.json: they hold the checkout's path, and the output must not depend on it.
  const app = new App({ stackTraces: false });
  buildStacks(app, loadConfigFile(configPath));
  app.synth();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
