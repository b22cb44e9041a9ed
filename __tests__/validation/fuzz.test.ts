/**
 * Bad input never becomes a bad plan: generated configurations, valid ones and mutated ones,
 * either synthesize with every NodePool and EC2NodeClass passing the pinned Karpenter CRDs
 * (schema and CEL rules), or
 * are rejected with problems that each name a field. Anything else (a raw exception, a problem
 * without a field, a valid config that fails to build) fails the property.
 *
 * Reproducible: the seed is fixed per Node major line (so CI's runs on Node 22 and 24 try
 * different configurations) unless FUZZ_SEED is set; FUZZ_RUNS sets the number of cases
 * (default 400, half valid, half mutated). A failure prints the seed and the path to replay it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Testing } from "cdktf";
import fc from "fast-check";
import { parseConfig } from "../../modules/config/parse.js";
import { ConfigError } from "../../modules/config/problems.js";
import { buildStacks } from "../../modules/stacks/app.js";
import { crdProblems } from "../../modules/validation/crd.js";
import { validConfig } from "../arbitraries.js";
import { newApp } from "../helpers.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20261128 + Number(process.versions.node.split(".")[0]));
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

type Json = Record<string, any>;
/** Paths into a config object, to aim mutations at. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (value && typeof value === "object") return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  return [prefix];
}
function setAt(root: Json, path: (string | number)[], fn: (old: unknown) => unknown): Json {
  const copy = structuredClone(root);
  if (path.length === 0) return fn(copy) as Json;
  let node: any = copy;
  for (const p of path.slice(0, -1)) node = node[p];
  const last = path[path.length - 1];
  const next = fn(node[last]);
  if (next === undefined) Array.isArray(node) ? node.splice(Number(last), 1) : delete node[last];
  else node[last] = next;
  return copy;
}

/** Wrong types, out-of-range numbers, unknown keys, odd names, empty lists, duplicates, conflicts. */
const mutant = fc
  .tuple(validConfig, fc.nat(), fc.nat(), fc.constantFrom(
    "wrong-type", "negative", "zero", "huge", "unknown-key", "odd-string", "empty-list", "remove", "duplicate-pool", "conflicting-taint", "bad-capacity", "null", "float",
  ))
  .map(([config, pick, pick2, kind]) => {
    const all = paths(config);
    const path = all[pick % all.length];
    switch (kind) {
      case "wrong-type":
        return setAt(config, path, (old) => (typeof old === "string" ? 42 : typeof old === "number" ? "42" : typeof old === "boolean" ? "yes" : Array.isArray(old) ? { 0: old[0] } : "text"));
      case "negative":
        return setAt(config, path, (old) => (typeof old === "number" ? -Math.abs(old) - 1 : -1));
      case "zero":
        return setAt(config, path, () => 0);
      case "huge":
        return setAt(config, path, () => 1e15);
      case "float":
        return setAt(config, path, (old) => (typeof old === "number" ? old + 0.5 : 2.5));
      case "unknown-key":
        return setAt(config, path, (old) => (old && typeof old === "object" && !Array.isArray(old) ? { ...old, [["capacityType", "limit", "taint", "nodeclass", "Region"][pick2 % 5]]: "x" } : old));
      case "odd-string":
        return setAt(config, path, () => ["", " ", "GPU_Pool", "ü-name", "a".repeat(300), "../etc", "${var.x}", "-lead", "trail-"][pick2 % 9]);
      case "empty-list":
        return setAt(config, path, (old) => (Array.isArray(old) ? [] : old));
      case "remove":
        return setAt(config, path, () => undefined);
      case "null":
        return setAt(config, path, () => null);
      case "duplicate-pool":
        return { ...config, nodePools: [...config.nodePools, config.nodePools[pick2 % config.nodePools.length]] };
      case "conflicting-taint": {
        const i = pick2 % config.nodePools.length;
        return setAt(config, ["nodePools", i, "taints"], () => [{ key: "sku", value: "gpu", effect: "NoSchedule" }, { key: "sku", value: "cpu", effect: "NoSchedule" }]);
      }
      case "bad-capacity":
        return setAt(config, ["nodePools", 0, "capacityTypes"], () => ["spot", ["preemptible", "Spot", "ondemand", ""][pick2 % 4]]);
    }
  });

type Outcome = { kind: "built"; pools: number; classes: number } | { kind: "rejected"; problems: readonly string[] };

/**
 * Parses and, when valid, builds and synthesizes; re-validates every manifest that would be
 * applied. cdktf records a stack trace for every token it creates; with tsx's source maps on,
 * mapping them took about a third of this test's time, so they are off while a case runs (an
 * error's stack is formatted when first read, after they are back on).
 */
function outcome(input: unknown): Outcome {
  process.setSourceMapsEnabled(false);
  try {
    return outcomeOf(input);
  } finally {
    process.setSourceMapsEnabled(true);
  }
}

function outcomeOf(input: unknown): Outcome {
  let config;
  try {
    config = parseConfig(input);
  } catch (err) {
    if (err instanceof ConfigError) return { kind: "rejected", problems: err.problems };
    throw new Error(`parseConfig threw something other than ConfigError: ${(err as Error)?.stack ?? err}`);
  }
  const stacks = buildStacks(newApp(), config);
  const synth = JSON.parse(Testing.synth(stacks.nodePools)) as Json;
  let pools = 0;
  let classes = 0;
  for (const m of Object.values((synth.resource?.kubernetes_manifest ?? {}) as Record<string, Json>)) {
    assert.deepEqual(crdProblems(m.manifest.kind, m.manifest), [], `${m.manifest.kind} ${m.manifest.metadata.name} does not pass its CRD`);
    if (m.manifest.kind === "NodePool") pools++;
    else classes++;
  }
  Testing.synth(stacks.aws);
  Testing.synth(stacks.charts);
  return { kind: "built", pools, classes };
}

/** A problem names a field: `path: message`, the path free of spaces. */
const NAMES_A_FIELD = /^(\(top level\)|[^\s]+): \S/;

describe(`config fuzzing (${RUNS} cases, seed ${SEED})`, () => {
  it("every generated valid config synthesizes, and every manifest passes the Karpenter CRDs (schema and CEL rules)", () => {
    fc.assert(
      fc.property(validConfig, (config) => {
        const result = outcome(config);
        assert.equal(result.kind, "built", result.kind === "rejected" ? `a valid config was rejected:\n${result.problems.join("\n")}` : "");
        if (result.kind === "built") {
          assert.equal(result.pools, config.nodePools.length);
          assert.equal(result.classes, config.nodeClasses.length);
        }
      }),
      { seed: SEED, numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it("every mutated config either builds cleanly or is rejected with problems that each name a field", () => {
    let rejected = 0;
    fc.assert(
      fc.property(mutant, (config) => {
        const result = outcome(config);
        if (result.kind === "rejected") {
          rejected++;
          assert.ok(result.problems.length > 0);
          for (const p of result.problems) assert.match(p, NAMES_A_FIELD, `problem without a field: ${p}`);
        }
      }),
      { seed: SEED + 1, numRuns: Math.ceil(RUNS / 2) },
    );
    // Most mutations break the config; if almost none were rejected the generator is broken.
    assert.ok(rejected > RUNS / 4, `only ${rejected} of ${Math.ceil(RUNS / 2)} mutated configs were rejected`);
  });
});
