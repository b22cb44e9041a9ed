/**
 * Bad input never becomes a bad plan: generated configurations, valid ones and mutated ones,
 * either synthesize with every NodePool and EC2NodeClass passing the Karpenter v1 schema, or
 * are rejected with problems that each name a field. Anything else (a raw exception, a problem
 * without a field, a valid config that fails to build) fails the property.
 *
 * Reproducible: the seed is fixed unless FUZZ_SEED is set; FUZZ_RUNS sets the number of cases
 * (default 1000). A failure prints the seed and the path to replay it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EC2NodeClass } from "@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass";
import { NodePool } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodePool";
import { Testing } from "cdktf";
import fc from "fast-check";
import { buildStacks } from "../modules/app.js";
import { ConfigError, parseConfig } from "../modules/config.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

const hex = (n: number) => fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: n, maxLength: n });
const dnsName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
const duration = fc.constantFrom("30s", "5m", "1h30m", "720h", "Never");

const taint = fc.record(
  {
    key: fc.constantFrom("sku", "workload", "nvidia.com/gpu", "dedicated"),
    value: fc.constantFrom("gpu", "training", "inference"),
    effect: fc.constantFrom("NoSchedule", "PreferNoSchedule", "NoExecute"),
  },
  { requiredKeys: ["key", "effect"] },
);
const requirement = fc.oneof(
  fc.record({ key: fc.constant("karpenter.k8s.aws/instance-gpu-name"), operator: fc.constant("In"), values: fc.subarray(["a10g", "l4", "l40s", "h100"], { minLength: 1 }) }),
  fc.record({ key: fc.constant("karpenter.k8s.aws/instance-gpu-count"), operator: fc.constantFrom("Gt", "Lt"), values: fc.integer({ min: 0, max: 8 }).map((n) => [String(n)]) }),
  fc.record({ key: fc.constant("topology.kubernetes.io/zone"), operator: fc.constantFrom("Exists", "DoesNotExist") }),
  fc.record({ key: fc.constant("karpenter.k8s.aws/instance-family"), operator: fc.constantFrom("In", "NotIn"), values: fc.subarray(["g5", "g6", "g6e", "p5"], { minLength: 1 }) }),
);
const budget = fc.oneof(
  fc.record({ nodes: fc.constantFrom("0", "1", "10%", "100%"), reasons: fc.subarray(["Underutilized", "Empty", "Drifted"], { minLength: 1 }) }, { requiredKeys: ["nodes"] }),
  fc.record({ nodes: fc.constantFrom("0", "2"), schedule: fc.constantFrom("@daily", "0 9 * * mon-fri"), duration: fc.constantFrom("8h", "1h30m") }),
);

/** A valid configuration: a random mix of every section's options. */
const validConfig = fc
  .record({
    clusterName: fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,30}$/),
    region: fc.constantFrom("us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2", "us-gov-west-1"),
    subnets: fc.uniqueArray(hex(17).map((h) => `subnet-${h}`), { minLength: 1, maxLength: 3 }),
    sgs: fc.uniqueArray(hex(17).map((h) => `sg-${h}`), { minLength: 1, maxLength: 2 }),
    classNames: fc.uniqueArray(dnsName, { minLength: 1, maxLength: 3 }),
    pools: fc.uniqueArray(
      fc.record({
        name: dnsName,
        classIndex: fc.nat(),
        instanceCategories: fc.subarray(["g", "p", "gr"] as const, { minLength: 1 }),
        capacityTypes: fc.subarray(["spot", "on-demand", "reserved"] as const, { minLength: 1 }),
        architectures: fc.subarray(["amd64", "arm64"] as const, { minLength: 1 }),
        taints: fc.uniqueArray(taint, { selector: (t) => `${t.key}:${t.effect}`, maxLength: 3 }),
        requirements: fc.array(requirement, { maxLength: 2 }),
        cpu: fc.integer({ min: 4, max: 5000 }),
        gpuShare: fc.option(fc.double({ min: 0.01, max: 1, noNaN: true })),
        weight: fc.option(fc.integer({ min: 1, max: 100 })),
        expireAfter: duration,
        consolidationPolicy: fc.constantFrom("WhenEmptyOrUnderutilized", "WhenEmpty"),
        consolidateAfter: duration,
        budgets: fc.option(fc.array(budget, { minLength: 1, maxLength: 2 })),
      }),
      { selector: (p) => p.name, minLength: 1, maxLength: 3 },
    ),
    rootVolume: fc.option(
      fc.oneof(
        fc.record({ sizeGiB: fc.integer({ min: 20, max: 2000 }), type: fc.constant("gp3"), iops: fc.integer({ min: 8000, max: 16000 }), throughputMiBps: fc.integer({ min: 125, max: 2000 }) }),
        fc.record({ sizeGiB: fc.integer({ min: 20, max: 2000 }), type: fc.constant("gp2") }),
        fc.record({ type: fc.constantFrom("io1", "io2"), iops: fc.integer({ min: 3000, max: 64000 }) }),
      ),
    ),
    raid: fc.boolean(),
    identity: fc.constantFrom("podIdentity", "irsa"),
    quotaGuard: fc.constantFrom("warn", "fail", "off"),
    auth: fc.constantFrom("token", "exec"),
    tags: fc.dictionary(fc.stringMatching(/^[a-z][a-z-]{0,10}$/), fc.string({ minLength: 1, maxLength: 10 }), { maxKeys: 3 }),
  })
  .map((g) => ({
    clusterName: g.clusterName,
    region: g.region,
    discovery: { subnetIds: g.subnets, securityGroupIds: g.sgs, allowMultipleSecurityGroups: g.sgs.length > 1 },
    controller:
      g.identity === "irsa"
        ? { identity: "irsa", oidcProviderArn: `arn:aws:iam::111122223333:oidc-provider/oidc.eks.${g.region}.amazonaws.com/id/ABC` }
        : { identity: "podIdentity" },
    nodeClasses: g.classNames.map((name) => ({
      name,
      ...(g.rootVolume ? { rootVolume: g.rootVolume.type === "gp3" ? { ...g.rootVolume, throughputMiBps: Math.min(g.rootVolume.throughputMiBps ?? 125, Math.floor((g.rootVolume.iops ?? 6000) / 4)) } : g.rootVolume } : {}),
      ...(g.raid ? { instanceStorePolicy: "RAID0" } : {}),
    })),
    nodePools: g.pools.map((p) => ({
      name: p.name,
      nodeClass: g.classNames[p.classIndex % g.classNames.length],
      instanceCategories: p.instanceCategories,
      capacityTypes: p.capacityTypes,
      architectures: p.architectures,
      taints: p.taints,
      requirements: p.requirements,
      limits: { cpu: p.cpu, ...(p.gpuShare !== null ? { gpus: Math.max(1, Math.floor((p.cpu / 4) * p.gpuShare)) } : {}) },
      ...(p.weight !== null ? { weight: p.weight } : {}),
      expireAfter: p.expireAfter,
      disruption: { consolidationPolicy: p.consolidationPolicy, consolidateAfter: p.consolidateAfter, ...(p.budgets ? { budgets: p.budgets } : {}) },
    })),
    quotaGuard: g.quotaGuard,
    kubernetesAuth: g.auth,
    tags: g.tags,
  }));

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

/** Parses and, when valid, builds and synthesizes; re-validates every manifest that would be applied. */
function outcome(input: unknown): Outcome {
  let config;
  try {
    config = parseConfig(input);
  } catch (err) {
    if (err instanceof ConfigError) return { kind: "rejected", problems: err.problems };
    throw new Error(`parseConfig threw something other than ConfigError: ${(err as Error)?.stack ?? err}`);
  }
  const stacks = buildStacks(Testing.app(), config);
  const synth = JSON.parse(Testing.synth(stacks.nodePools)) as Json;
  let pools = 0;
  let classes = 0;
  for (const m of Object.values((synth.resource?.kubernetes_manifest ?? {}) as Record<string, Json>)) {
    if (m.manifest.kind === "NodePool") {
      new NodePool(m.manifest).validate();
      pools++;
    } else {
      new EC2NodeClass(m.manifest).validate();
      classes++;
    }
  }
  Testing.synth(stacks.aws);
  Testing.synth(stacks.charts);
  return { kind: "built", pools, classes };
}

/** A problem names a field: `path: message`, the path free of spaces. */
const NAMES_A_FIELD = /^(\(top level\)|[^\s]+): \S/;

describe(`config fuzzing (${RUNS} cases, seed ${SEED})`, () => {
  it("every generated valid config synthesizes, and every manifest passes the Karpenter v1 schema", () => {
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
