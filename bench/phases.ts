/**
 * The app (main.ts) with a clock: the same imports and calls, timed phase by phase, printed as
 * one JSON line. `npm run bench` runs it bundled, like the app, to split the app's time into
 * Node start-up, module loading, validation of the configuration, construction and synthesis.
 * KARPENTER_GPU_CONFIG names the configuration (the bench always sets it).
 */
// Set by a preloaded one-liner when Node starts running user code (npm run bench); else the
// first line here, after the bundle's hoisted package imports.
const clock = (globalThis as { kgpuClock?: number }).kgpuClock ?? performance.now();
const { App } = await import("cdktf");
const { loadConfigFile } = await import("../modules/config/parse.js");
const { buildStacks } = await import("../modules/stacks/app.js");
const loaded = performance.now();
const config = loadConfigFile(process.env.KARPENTER_GPU_CONFIG ?? "examples/default.yaml");
const validated = performance.now();
const app = new App({ stackTraces: false });
buildStacks(app, config);
const built = performance.now();
app.synth();
const synthesized = performance.now();
process.stdout.write(
  `${JSON.stringify({
    startup: clock,
    loading: loaded - clock,
    validation: validated - loaded,
    construction: built - validated,
    synthesis: synthesized - built,
  })}\n`,
);
