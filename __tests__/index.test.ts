import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import * as api from "../modules/index.js";
import { ROOT } from "./helpers.js";

describe("modules/index.ts (the package's public API)", () => {
  it("re-exports everything every module exports (cjs-deps.ts only re-loads cdktf and provider classes)", async () => {
    const missing: string[] = [];
    for (const file of readdirSync(join(ROOT, "modules")).filter((f) => f.endsWith(".ts") && f !== "index.ts" && f !== "cjs-deps.ts")) {
      const mod = await import(pathToFileURL(join(ROOT, "modules", file)).href);
      for (const name of Object.keys(mod)) if (!(name in api)) missing.push(`${file}: ${name}`);
    }
    assert.deepEqual(missing, []);
  });

  it("exposes the one-call entry point, every construct and every stack", () => {
    for (const name of [
      "KarpenterGpu", "buildStacks", "parseConfig", "loadConfigFile",
      "KarpenterAws", "DiscoveryTags", "KarpenterNodeRole", "KarpenterControllerIam", "InterruptionQueue",
      "EksClusterConnection", "KarpenterChart", "GpuOperator", "GpuNodeClass", "GpuNodePool",
      "KarpenterAwsStack", "KarpenterChartsStack", "GpuNodePoolsStack",
    ]) {
      assert.equal(typeof (api as Record<string, unknown>)[name], "function", name);
    }
  });
});
