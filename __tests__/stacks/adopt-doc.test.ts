/**
 * docs/adopt.md held to the code: its configuration blocks are valid, the config keys it names
 * exist, its CRD list is the module's, and the plan it shows is the one the module makes.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { z } from "zod";
import { parseConfig } from "../../modules/config/parse.js";
import { configSchema, type KarpenterGpuConfigInput } from "../../modules/config/schema.js";
import { stackNames } from "../../modules/core/names.js";
import { KARPENTER_CHART_VERSION, KARPENTER_CRD_NAMES } from "../../modules/core/versions.js";
import { KarpenterChartsStack } from "../../modules/stacks/charts-stack.js";
import { configInput, newApp, ROOT, synthOf } from "../helpers.js";

// HTML comments (the placeholder another change fills in) are not part of what users read.
const doc = readFileSync(join(ROOT, "docs", "adopt.md"), "utf8").replace(/<!--[\s\S]*?-->/g, "");
/** The text of the `## ` section whose heading starts with `heading`. */
const section = (heading: string): string => {
  const start = doc.indexOf(`\n## ${heading}`);
  assert.ok(start >= 0, `docs/adopt.md has no section "${heading}"`);
  const end = doc.indexOf("\n## ", start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
};
const blocks = (text: string, lang: string) => [...text.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]);
/** A configuration block of the page over the smallest valid configuration (its own keys win). */
const configOf = (yaml: string) => parseConfig({ ...configInput(), ...(parse(yaml) as Partial<KarpenterGpuConfigInput>) });

/** The schema below a config path, or undefined when there is no such key. */
function schemaAt(path: readonly string[]): z.ZodType | undefined {
  let node: z.ZodType | undefined = configSchema;
  for (const part of path) {
    while (node && !(node instanceof z.ZodObject)) {
      const def = (node as { def?: { innerType?: z.ZodType; in?: z.ZodType } }).def;
      node = def?.innerType ?? def?.in;
    }
    node = node?.shape[part] as z.ZodType | undefined;
  }
  return node;
}

describe("docs/adopt.md", () => {
  it("gives only configuration blocks the module accepts", () => {
    const yaml = blocks(doc, "yaml");
    assert.ok(yaml.length >= 4, `found ${yaml.length} YAML blocks`);
    for (const block of yaml) assert.doesNotThrow(() => configOf(block), `this block is refused:\n${block}`);
  });

  it("names only config keys that exist", () => {
    const tops = Object.keys(configSchema.shape).join("|");
    const keys = new Set([...doc.matchAll(new RegExp("`((?:" + tops + ")(?:\\.[A-Za-z]+)+)", "g"))].map((m) => m[1]));
    assert.ok(keys.has("karpenter.adoptExistingCrds") && keys.has("karpenter.importExistingReleases") && keys.has("karpenter.keepCrds"), `read ${[...keys].join(", ")}`);
    assert.deepEqual([...keys].filter((key) => schemaAt(key.split(".")) === undefined), []);
  });

  it("lists the CRDs the module adopts with true, for the pinned chart version", () => {
    const text = section("How Helm sees");
    assert.match(text, new RegExp(`The Karpenter CRDs of chart ${KARPENTER_CHART_VERSION.replace(/\./g, "\\.")}`));
    const listed = [...text.matchAll(/^- `([a-z0-9.-]+)`$/gm)].map((m) => m[1]);
    assert.deepEqual(listed, [...KARPENTER_CRD_NAMES]);
  });

  it("shows the plan the module makes for the getting-started configuration, and names only its addresses", () => {
    const text = section("Starting point 1");
    const config = configOf(blocks(text, "yaml")[0]);
    const s = synthOf(new KarpenterChartsStack(newApp(), stackNames(config.clusterName).charts, { config }));
    const imports = (s as unknown as { import: { id: string; to: string }[] }).import;
    const addresses = Object.entries(s.resource).flatMap(([type, rs]) => Object.keys(rs).map((id) => `${type}.${id}`));
    const plan = blocks(text, "text")[0];
    const created = [...plan.matchAll(/# (\S+) will be created/g)].map((m) => m[1]);
    const karpenter = addresses.filter((a) => /^(kubernetes_\w+|helm_release)\.karpenter_/.test(a) && !imports.some((i) => i.to === a));
    assert.deepEqual(created.sort(), karpenter.sort(), "every Karpenter resource the plan adds, and no other");
    assert.deepEqual([...plan.matchAll(/# (\S+) will be updated in-place\n\s+# \(imported from "([^"]+)"\)/g)].map((m) => ({ id: m[2], to: m[1] })), imports);
    const summary = /Plan: (\d+) to import, (\d+) to add, (\d+) to change, 0 to destroy\./.exec(plan);
    assert.deepEqual(summary?.slice(1).map(Number), [imports.length, addresses.length - imports.length, imports.length]);
    // Every address the page names (the rollback's state rm too) is one the module synthesizes.
    const named = [...doc.matchAll(/\b((?:helm_release|kubernetes_labels|kubernetes_annotations)\.[\w-]+)/g)].map((m) => m[1]);
    assert.deepEqual(named.filter((a) => !addresses.includes(a)), []);
  });
});
