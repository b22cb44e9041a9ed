/**
 * Issue 10, parts 1 and 2: reserved capacity (capacity reservation selectors, Capacity Blocks) and
 * static pools (`replicas`, `limits.nodes`), from the config file to the manifests, the chart's
 * feature gates, the capacity report and the quota guard.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { KarpenterChart } from "../../modules/charts/karpenter-chart.js";
import { capacityReport, formatCapacityReport, poolCapacity } from "../../modules/config/capacity.js";
import { loadConfigFile, parseConfig } from "../../modules/config/parse.js";
import { nodeClassPropsOf, nodePoolPropsOf } from "../../modules/config/props.js";
import { type KarpenterGpuConfigInput } from "../../modules/config/schema.js";
import { stackNames } from "../../modules/core/names.js";
import { buildGpuNodeClass } from "../../modules/karpenter/node-class-spec.js";
import { buildGpuNodePool } from "../../modules/karpenter/node-pool-spec.js";
import { GpuNodeClass } from "../../modules/nodepools/node-class.js";
import { GpuNodePool } from "../../modules/nodepools/node-pool.js";
import { buildStacks } from "../../modules/stacks/app.js";
import { KarpenterChartsStack } from "../../modules/stacks/charts-stack.js";
import { GpuNodePoolsStack } from "../../modules/stacks/node-pools-stack.js";
import { crdProblems } from "../../modules/validation/crd.js";
import { at, configInput, configProblems, errorOf, newApp, ofType, rejectionOf, ROOT, runApp, synthOf, synthStack } from "../helpers.js";

const RESERVATION_TYPE = "karpenter.k8s.aws/capacity-reservation-type";
const G6E = { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6e"] } as const;

/** A config with one node class that selects reservations, one that does not, and the given pools. */
const withPools = (nodePools: Record<string, unknown>[], extra: Partial<KarpenterGpuConfigInput> = {}) =>
  configInput({
    nodeClasses: [{ name: "reserved", capacityReservations: [{ id: "cr-0123456789abcdef0" }] }, { name: "plain" }],
    nodePools: nodePools as KarpenterGpuConfigInput["nodePools"],
    ...extra,
  });

/** The problems a config yields (as ConfigError lines); it must be rejected. */
const problemsOf = rejectionOf;

const nodePoolOf = (input: KarpenterGpuConfigInput, i = 0) => buildGpuNodePool(nodePoolPropsOf(parseConfig(input).nodePools[i])) as any;
const nodeClassOf = (input: KarpenterGpuConfigInput, i = 0) => {
  const c = parseConfig(input);
  return buildGpuNodeClass(nodeClassPropsOf(c, c.nodeClasses[i])) as any;
};

describe("config: reserved capacity", () => {
  it("selects no reservation and sets no reservation type by default", () => {
    const c = parseConfig(configInput());
    assert.equal(c.nodeClasses[0].capacityReservations, undefined);
    assert.equal(c.nodePools[0].capacityReservationType, undefined);
    assert.equal(nodeClassOf(configInput()).spec.capacityReservationSelectorTerms, undefined);
    assert.ok(!nodePoolOf(configInput()).spec.template.spec.requirements.some((r: any) => r.key === RESERVATION_TYPE));
  });

  it("writes capacityReservations as the EC2NodeClass's capacityReservationSelectorTerms (ownerId as ownerID), which pass the CRD", () => {
    const input = configInput({
      nodeClasses: [{ name: "gpu-nodeclass", capacityReservations: [{ id: "cr-0123456789abcdef0" }, { tags: { purpose: "inference", team: "*" }, ownerId: "111122223333" }] }],
    });
    const nc = nodeClassOf(input);
    assert.deepEqual(nc.spec.capacityReservationSelectorTerms, [{ id: "cr-0123456789abcdef0" }, { tags: { purpose: "inference", team: "*" }, ownerID: "111122223333" }]);
    assert.deepEqual(crdProblems("EC2NodeClass", nc), []);
  });

  it("restricts a pool to Capacity Blocks with a capacity-reservation-type requirement written after the user's, which passes the CRD", () => {
    const pool = nodePoolOf(withPools([{ name: "blocks", nodeClass: "reserved", capacityTypes: ["reserved"], capacityReservationType: "capacity-block", requirements: [G6E], limits: { cpu: 384 } }]));
    const requirements = pool.spec.template.spec.requirements;
    assert.deepEqual(requirements.find((r: any) => r.key === "karpenter.sh/capacity-type").values, ["reserved"]);
    assert.deepEqual(requirements.at(-2), G6E, "the user's requirement keeps its place after the managed ones");
    assert.deepEqual(requirements.at(-1), { key: RESERVATION_TYPE, operator: "In", values: ["capacity-block"] });
    assert.deepEqual(crdProblems("NodePool", pool), []);
  });

  it("applies a static pool with forced field ownership, so an apply after `kubectl scale` restores replicas instead of failing; dynamic pools keep the default", () => {
    const manifestsOf = (pools: unknown[]) => Object.fromEntries(Object.values(ofType(synthOf(buildStacks(newApp(), parseConfig(withPools(pools as any))).nodePools).resource, "kubernetes_manifest")).filter((m: any) => m.manifest.kind === "NodePool").map((m: any) => [m.manifest.metadata.name, m]));
    const m = manifestsOf([
      { name: "warm", nodeClass: "reserved", capacityTypes: ["on-demand"], replicas: 1, limits: { nodes: 2 }, requirements: [G6E] },
      { name: "burst", nodeClass: "reserved", capacityTypes: ["on-demand"], limits: { cpu: 96 } },
    ]);
    assert.deepEqual(m.warm.field_manager, { name: "Terraform", force_conflicts: true });
    assert.equal(m.burst.field_manager, undefined);
  });

  it("keeps the on-demand fallback of a pool restricted to one kind of reservation: the other kind is excluded, not unreserved offerings", () => {
    // On-demand and spot offerings have no capacity-reservation-type label, so `In` would exclude them.
    const pool = nodePoolOf(withPools([{ name: "odcr-first", nodeClass: "reserved", capacityTypes: ["reserved", "on-demand"], capacityReservationType: "default", requirements: [G6E], limits: { cpu: 384 } }]));
    assert.deepEqual(pool.spec.template.spec.requirements.at(-1), { key: RESERVATION_TYPE, operator: "NotIn", values: ["capacity-block"] });
    assert.deepEqual(crdProblems("NodePool", pool), []);
  });

  const cases: [string, unknown, string][] = [
    [
      "a reserved pool whose node class selects no reservation",
      withPools([{ name: "r", nodeClass: "plain", capacityTypes: ["reserved", "on-demand"], limits: { cpu: 96 } }]),
      'nodePools[0].capacityTypes: lists "reserved", but its node class "plain" (nodeClasses[1]) selects no capacity reservation, so the pool could never launch a reserved node: add nodeClasses[1].capacityReservations ({ id } or { tags, ownerId? }), or remove "reserved"',
    ],
    [
      "a capacity reservation type without reserved capacity",
      withPools([{ name: "cb", nodeClass: "reserved", capacityReservationType: "capacity-block", limits: { cpu: 96 } }]),
      'nodePools[0].capacityReservationType: is "capacity-block", but capacityTypes (["on-demand"]) does not list "reserved": capacity reservations and Capacity Blocks are launched as capacity type reserved; add "reserved" to capacityTypes, or remove capacityReservationType',
    ],
    [
      "an unknown capacity reservation type",
      withPools([{ name: "cb", nodeClass: "reserved", capacityTypes: ["reserved"], capacityReservationType: "block", limits: { cpu: 96 } }]),
      'nodePools[0].capacityReservationType: must be one of default, capacity-block (got "block")',
    ],
    [
      "the reservation type also written as a requirement",
      withPools([{ name: "cb", nodeClass: "reserved", capacityTypes: ["reserved"], capacityReservationType: "default", requirements: [{ key: RESERVATION_TYPE, operator: "In", values: ["default"] }], limits: { cpu: 96 } }]),
      `nodePools[0].requirements[0].key: ${RESERVATION_TYPE} is set by nodePools[0].capacityReservationType; remove this requirement`,
    ],
    [
      "a selector with both id and tags",
      configInput({ nodeClasses: [{ name: "gpu-nodeclass", capacityReservations: [{ id: "cr-0123456789abcdef0", tags: { a: "b" } }] as any }] }),
      "nodeClasses[0].capacityReservations[0].tags: cannot be set with id: a selector is either { id } or { tags, ownerId? }",
    ],
    [
      "a selector with id and ownerId",
      configInput({ nodeClasses: [{ name: "gpu-nodeclass", capacityReservations: [{ id: "cr-0123456789abcdef0", ownerId: "111122223333" }] as any }] }),
      "nodeClasses[0].capacityReservations[0].ownerId: cannot be set with id: a selector is either { id } or { tags, ownerId? }",
    ],
    [
      "a selector with neither id nor tags",
      configInput({ nodeClasses: [{ name: "gpu-nodeclass", capacityReservations: [{ ownerId: "111122223333" }] as any }] }),
      "nodeClasses[0].capacityReservations[0]: must set id or tags: a selector is either { id } or { tags, ownerId? }",
    ],
    [
      "a malformed reservation ID",
      configInput({ nodeClasses: [{ name: "gpu-nodeclass", capacityReservations: [{ id: "odcr-123" }] }] }),
      'nodeClasses[0].capacityReservations[0].id: must be a capacity reservation ID such as "cr-0123456789abcdef0" (cr- and 17 hexadecimal digits) (got "odcr-123")',
    ],
    [
      "a malformed owner account",
      configInput({ nodeClasses: [{ name: "gpu-nodeclass", capacityReservations: [{ tags: { a: "b" }, ownerId: "1234" }] }] }),
      'nodeClasses[0].capacityReservations[0].ownerId: must be a 12-digit AWS account ID (got "1234")',
    ],
    [
      "an empty tag value",
      configInput({ nodeClasses: [{ name: "gpu-nodeclass", capacityReservations: [{ tags: { purpose: "" } }] }] }),
      'nodeClasses[0].capacityReservations[0].tags.purpose: must not be empty (use "*" to match any value)',
    ],
    [
      "more selectors than the CRD allows",
      configInput({ nodeClasses: [{ name: "gpu-nodeclass", capacityReservations: Array.from({ length: 31 }, (_, i) => ({ id: `cr-${i}` })) }] }),
      "nodeClasses[0].capacityReservations: must list at most 30 selectors (the EC2NodeClass CRD's limit)",
    ],
    [
      "an empty selector list",
      configInput({ nodeClasses: [{ name: "gpu-nodeclass", capacityReservations: [] }] }),
      "nodeClasses[0].capacityReservations: must list at least one capacity reservation selector, or be left out",
    ],
    [
      "turning the reservedCapacity gate off while a pool is reserved",
      withPools([{ name: "r", nodeClass: "reserved", capacityTypes: ["reserved"], limits: { cpu: 96 } }], { karpenter: { additionalValues: { settings: { featureGates: { reservedCapacity: false } } } } }),
      'karpenter.additionalValues.settings.featureGates.reservedCapacity: is false, but node pool(s) "r" list "reserved" in capacityTypes, which Karpenter ignores without the reservedCapacity feature gate (the module turns it on for them); remove it',
    ],
  ];
  for (const [what, input, expected] of cases) {
    it(`rejects ${what}`, () => assert.ok(problemsOf(input).includes(expected), `expected ${JSON.stringify(expected)} in ${JSON.stringify(problemsOf(input), null, 1)}`));
  }
});

describe("config: static pools", () => {
  const warm = { name: "warm", nodeClass: "plain", requirements: [G6E], replicas: 2, limits: { nodes: 3 } };

  it("builds a static NodePool: replicas, only limits.nodes, no weight, and it passes the CRD's static-pool rules", () => {
    const pool = nodePoolOf(withPools([warm]));
    assert.equal(pool.spec.replicas, 2);
    assert.deepEqual(pool.spec.limits, { nodes: 3 });
    assert.equal(pool.spec.weight, undefined);
    assert.deepEqual(crdProblems("NodePool", pool), []);
  });

  it("takes replicas without limits.nodes (no NodePool limits at all) and zero replicas", () => {
    const pool = nodePoolOf(withPools([{ ...warm, replicas: 0, limits: undefined }]));
    assert.equal(pool.spec.replicas, 0);
    assert.equal(pool.spec.limits, undefined);
    assert.deepEqual(crdProblems("NodePool", pool), []);
  });

  it("agrees with the CRD: a static NodePool with a CPU limit or a weight is what the API server refuses", () => {
    const refused = buildGpuNodePool({ name: "s", nodeClassName: "c", replicas: 2, cpuLimit: 96, weight: 5 });
    assert.deepEqual(crdProblems("NodePool", refused).map((p) => p.message).sort(), ["'weight' is not supported on static NodePools", "only 'limits.nodes' is supported on static NodePools"]);
  });

  const cases: [string, Record<string, unknown>, string][] = [
    ["a CPU limit", { ...warm, limits: { cpu: 96, nodes: 3 } }, "nodePools[0].limits.cpu: is 96, but a static pool (replicas: 2) takes only limits.nodes: Karpenter's NodePool CRD refuses other limits with replicas; remove it, or remove replicas for a pool that scales with its pods"],
    ["a GPU limit", { ...warm, limits: { gpus: 2 } }, "nodePools[0].limits.gpus: is 2, but a static pool (replicas: 2) takes only limits.nodes: Karpenter's NodePool CRD refuses other limits with replicas; remove it, or remove replicas for a pool that scales with its pods"],
    ["a memory limit", { ...warm, limits: { memoryGiB: 64 } }, "nodePools[0].limits.memoryGiB: is 64, but a static pool (replicas: 2) takes only limits.nodes: Karpenter's NodePool CRD refuses other limits with replicas; remove it, or remove replicas for a pool that scales with its pods"],
    ["a weight", { ...warm, weight: 10 }, "nodePools[0].weight: is 10, but a static pool (replicas: 2) takes no weight: Karpenter's NodePool CRD refuses it with replicas; remove it, or remove replicas for a pool that scales with its pods"],
    ["a consolidation policy", { ...warm, disruption: { consolidationPolicy: "WhenEmpty" } }, 'nodePools[0].disruption.consolidationPolicy: is "WhenEmpty", but a static pool (replicas: 2) is never consolidated: Karpenter ignores it with replicas; remove it, or remove replicas for a pool that scales with its pods'],
    ["a consolidation delay", { ...warm, disruption: { consolidateAfter: "5m" } }, 'nodePools[0].disruption.consolidateAfter: is "5m", but a static pool (replicas: 2) is never consolidated: Karpenter ignores it with replicas; remove it, or remove replicas for a pool that scales with its pods'],
    ["more replicas than limits.nodes", { ...warm, replicas: 4 }, "nodePools[0].replicas: is 4, more than limits.nodes (3): Karpenter would stop at 3 nodes; lower replicas, or raise limits.nodes (above replicas, so a node can be replaced before the old one goes)"],
    ["negative replicas", { ...warm, replicas: -1 }, "nodePools[0].replicas: must be a whole number of nodes from 0 to 1000 (got -1)"],
    ["fractional replicas", { ...warm, replicas: 1.5 }, "nodePools[0].replicas: must be a whole number of nodes from 0 to 1000 (got 1.5)"],
    ["a zero node limit", { ...warm, replicas: 0, limits: { nodes: 0 } }, "nodePools[0].limits.nodes: must be a whole number of nodes from 1 to 1000 (got 0)"],
    ["a dynamic pool without a CPU cap", { name: "d", nodeClass: "plain" }, "nodePools[0].limits.cpu: is required: the pool's cap on total vCPUs (size it to your EC2 vCPU quota); or set replicas for a static pool of fixed size"],
  ];
  for (const [what, pool, expected] of cases) {
    it(`rejects ${what}`, () => assert.ok(problemsOf(withPools([pool])).includes(expected), `expected ${JSON.stringify(expected)} in ${JSON.stringify(problemsOf(withPools([pool])), null, 1)}`));
  }

  it("accepts limits.nodes on a pool that scales with its pods (Karpenter enforces it there too) and writes it", () => {
    const input = withPools([{ name: "d", nodeClass: "plain", limits: { cpu: 96, nodes: 3 } }]);
    assert.deepEqual(configProblems(() => parseConfig(input)), []);
    assert.deepEqual(nodePoolOf(input).spec.limits, { cpu: 96, "nvidia.com/gpu": 24, nodes: 3 });
  });

  it("writes no consolidation policy for a static pool, consolidateAfter Never, and expiry Never unless set", () => {
    const pool = nodePoolOf(withPools([warm]));
    assert.deepEqual(pool.spec.disruption, { consolidateAfter: "Never", budgets: [{ nodes: "0", reasons: ["Drifted", "Underutilized"], schedule: "0 8 * * mon-fri", duration: "10h" }, { nodes: "10%" }] });
    assert.equal(pool.spec.template.spec.expireAfter, "Never");
    assert.equal(nodePoolOf(withPools([{ ...warm, expireAfter: "336h" }])).spec.template.spec.expireAfter, "336h");
    assert.equal(nodePoolOf(withPools([{ name: "d", nodeClass: "plain", limits: { cpu: 96 } }])).spec.template.spec.expireAfter, "720h", "a dynamic pool keeps Karpenter's default");
  });

  it("reports the static-pool rules once each, not again as the CRD's message", () => {
    const problems = problemsOf(withPools([{ ...warm, weight: 10, limits: { cpu: 96 } }]));
    assert.deepEqual(problems.map((p) => p.split(":")[0]).sort(), ["nodePools[0].limits.cpu", "nodePools[0].weight"]);
  });

  it("refuses to turn the staticCapacity gate off while a pool sets replicas", () => {
    assert.ok(
      problemsOf(withPools([warm], { karpenter: { additionalValues: { settings: { featureGates: { staticCapacity: false } } } } })).includes(
        'karpenter.additionalValues.settings.featureGates.staticCapacity: is false, but node pool(s) "warm" set replicas, which Karpenter ignores without the staticCapacity feature gate (the module turns it on for them); remove it',
      ),
    );
  });
});

describe("GpuNodePool and GpuNodeClass props", () => {
  it("refuses, by prop name, what a static pool may not have and a dynamic pool must have", () => {
    const staticMessage = errorOf(() => synthStack((s) => new GpuNodePool(s, "p", { name: "p", nodeClassName: "c", replicas: 3, nodeLimit: 2, cpuLimit: 96, weight: 1 })));
    assert.match(staticMessage, /- nodeLimit: is 2, less than replicas \(3\): Karpenter would stop at 2 nodes/);
    assert.match(staticMessage, /- cpuLimit: is not allowed with replicas: a static NodePool allows only a node limit \(nodeLimit\); remove it/);
    assert.match(staticMessage, /- weight: is not allowed with replicas: Karpenter refuses weight on a static NodePool; remove it/);
    const dynamicMessage = errorOf(() => synthStack((s) => new GpuNodePool(s, "p", { name: "p", nodeClassName: "c", nodeLimit: 0, capacityReservationType: "capacity-block" })));
    assert.match(dynamicMessage, /- cpuLimit: is required unless replicas is set \(a static pool\)/);
    assert.match(dynamicMessage, /- nodeLimit: must be a whole number of nodes, at least 1 \(got 0\)/);
    assert.match(dynamicMessage, /- capacityReservationType: is "capacity-block", but capacityTypes does not list "reserved"/);
  });

  it("applies a static pool as a kubernetes_manifest with replicas and the node limit", () => {
    const s = synthStack((stack) => new GpuNodePool(stack, "warm", { name: "warm", nodeClassName: "c", replicas: 2, nodeLimit: 3, requirements: [G6E] }));
    const manifest = (Object.values(ofType(s.resource, "kubernetes_manifest"))[0].manifest as any).spec;
    assert.equal(manifest.replicas, 2);
    assert.deepEqual(manifest.limits, { nodes: 3 });
  });

  it("refuses each selector that mixes id with tags or ownerId, or has neither: the CRD's rule catches it only when every selector does", () => {
    const mixed = [{ id: "cr-0123456789abcdef0", ownerId: "111122223333" }, { tags: { purpose: "inference" } }];
    assert.deepEqual(crdProblems("EC2NodeClass", buildGpuNodeClass({ name: "c", clusterName: "prod", roleName: "r", capacityReservations: mixed })), [], "the CRD alone lets it through");
    const message = errorOf(() => synthStack((s) => new GpuNodeClass(s, "c", { name: "c", clusterName: "prod", roleName: "r", capacityReservations: [...mixed, {}] })));
    assert.match(message, /- capacityReservations\[0\]: sets id with tags or ownerId: a selector is either \{ id \} or \{ tags, ownerId\? \}/);
    assert.match(message, /- capacityReservations\[2\]: must set id or tags/);
  });

  it("names the prop of a selector field the CRD refuses", () => {
    const message = errorOf(() => synthStack((s) => new GpuNodeClass(s, "c", { name: "c", clusterName: "prod", roleName: "r", capacityReservations: [{ tags: { purpose: "" } }] })));
    assert.match(message, /spec\.capacityReservationSelectorTerms\[0\]\.tags\.purpose \(capacityReservations\[0\]\.tags\.purpose\): empty tag keys or values aren't supported/);
  });
});

describe("karpenter chart feature gates", () => {
  const base = { clusterName: "prod-cluster", region: "us-west-2", clusterEndpoint: "https://ABC.gr7.us-west-2.eks.amazonaws.com", interruptionQueueName: "Karpenter-prod-cluster" };
  const valuesOf = (props: Partial<ConstructorParameters<typeof KarpenterChart>[2]>) =>
    parse((at(synthStack((s) => new KarpenterChart(s, "karpenter", { ...base, ...props })).resource, "helm_release", "karpenter/controller").values as string[])[0]);

  it("writes no feature gate by default (the chart's: staticCapacity off, reservedCapacity on), and only the gates asked for, on", () => {
    assert.equal(valuesOf({}).settings.featureGates, undefined);
    assert.deepEqual(valuesOf({ staticCapacity: true }).settings.featureGates, { staticCapacity: true });
    assert.deepEqual(valuesOf({ staticCapacity: true, reservedCapacity: true }).settings.featureGates, { staticCapacity: true, reservedCapacity: true });
  });

  it("keeps other gates of additional values next to the module's", () => {
    assert.deepEqual(valuesOf({ staticCapacity: true, additionalValues: { settings: { featureGates: { nodeRepair: true } } } }).settings.featureGates, { staticCapacity: true, nodeRepair: true });
  });

  it("refuses additional values that turn off a gate the props turn on", () => {
    for (const off of [false, "false", null, 0]) {
      const message = errorOf(() => valuesOf({ staticCapacity: true, additionalValues: { settings: { featureGates: { staticCapacity: off } } } }));
      assert.match(message, new RegExp(`- additionalValues\\.settings\\.featureGates\\.staticCapacity: would change a value the module sets \\(true\\) to ${JSON.stringify(off).replace(/"/g, '"')}: the staticCapacity prop turns the gate on; remove it`));
    }
    assert.match(errorOf(() => valuesOf({ staticCapacity: true, additionalValues: { settings: { featureGates: null } } })), /additionalValues\.settings\.featureGates: would change a value the module sets \(\{"staticCapacity":true\}\) to null/);
  });

  it("the charts stack turns staticCapacity on when a pool sets replicas, and reservedCapacity when a pool lists reserved", () => {
    const gates = (input: KarpenterGpuConfigInput) =>
      parse((at(synthOf(new KarpenterChartsStack(newApp(), stackNames("prod-cluster").charts, { config: parseConfig(input) })).resource, "helm_release", "karpenter/controller").values as string[])[0]).settings.featureGates;
    assert.deepEqual(gates(configInput()), { nodeRepair: true }, "a config without either leaves the chart's defaults for them (node repair is on by default)");
    assert.deepEqual(gates(withPools([{ name: "warm", nodeClass: "plain", replicas: 1 }])), { staticCapacity: true, nodeRepair: true });
    assert.deepEqual(gates(withPools([{ name: "r", nodeClass: "reserved", capacityTypes: ["reserved"], limits: { cpu: 96 } }])), { reservedCapacity: true, nodeRepair: true });
  });
});

describe("capacity report and quota guard", () => {
  const poolOf = (pool: Record<string, unknown>) => parseConfig(withPools([pool])).nodePools[0];

  it("draws on no vCPU quota for a reserved-only pool, and says so", () => {
    const cap = poolCapacity(poolOf({ name: "blocks", nodeClass: "reserved", instanceCategories: ["p"], capacityTypes: ["reserved"], capacityReservationType: "capacity-block", limits: { cpu: 384 } }));
    assert.deepEqual(cap.buckets, []);
    assert.deepEqual(cap.reserved, { reservationType: "capacity-block", only: true });
    const text = formatCapacityReport(capacityReport(parseConfig(withPools([{ name: "blocks", nodeClass: "reserved", capacityTypes: ["reserved"], capacityReservationType: "capacity-block", limits: { cpu: 384 } }]))));
    assert.match(text, /reserved: launches into its node class's Capacity Blocks only, which need no vCPU quota at launch .*; no quota to request for this pool/);
  });

  it("counts a reserved + on-demand pool's whole cap against the on-demand quota (its reservations took quota too)", () => {
    const cap = poolCapacity(poolOf({ name: "mixed", nodeClass: "reserved", instanceCategories: ["g"], capacityTypes: ["reserved", "on-demand"], requirements: [G6E], limits: { cpu: 192 } }));
    assert.deepEqual(cap.buckets.map((b) => [b.bucket.code, b.vcpus]), [["L-DB2E81BA", 192]]);
  });

  it("sizes a static pool as limits.nodes (else replicas + 1, for a replacement) nodes of its largest admitted type, per family", () => {
    const withLimit = poolCapacity(poolOf({ name: "warm", nodeClass: "plain", instanceCategories: ["g"], requirements: [G6E], replicas: 2, limits: { nodes: 3 } }));
    assert.deepEqual(withLimit.static, { replicas: 2, maxNodes: 3 });
    assert.deepEqual(withLimit.buckets.map((b) => [b.bucket.code, b.vcpus]), [["L-DB2E81BA", 3 * 192]], "3 × g6e.48xlarge");
    assert.deepEqual([withLimit.cpuLimit, withLimit.gpuLimit], [576, 24]);
    assert.ok(withLimit.admitted.every((a) => a.maxNodes === 3));
    const withoutLimit = poolCapacity(poolOf({ name: "warm", nodeClass: "plain", instanceCategories: ["g"], requirements: [G6E], replicas: 2 }));
    assert.deepEqual(withoutLimit.buckets.map((b) => b.vcpus), [3 * 192], "nothing caps the surge while a node is replaced: one more than replicas");
    const spotAndP = poolCapacity(poolOf({ name: "warm", nodeClass: "plain", capacityTypes: ["spot"], replicas: 1, requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6e", "p5"] }] }));
    assert.deepEqual(spotAndP.buckets.map((b) => [b.bucket.code, b.vcpus]), [["L-3819A6DF", 2 * 192], ["L-7212CCBC", 2 * 192]]);
  });

  it("prints a static pool's size in the report", () => {
    const text = formatCapacityReport(capacityReport(parseConfig(withPools([{ name: "warm", nodeClass: "plain", instanceCategories: ["g"], requirements: [G6E], replicas: 2, limits: { nodes: 3 } }]))));
    assert.match(text, /^Pool warm: static, 2 nodes kept up \(at most 3: up to 576 vCPU, 24 GPUs\); capacity on-demand$/m);
  });

  it("with quotaGuard: fail, a reserved-only pool adds no quota precondition that could block the plan", () => {
    const stack = (pools: Record<string, unknown>[]) =>
      synthOf(new GpuNodePoolsStack(newApp(), stackNames("prod-cluster").nodePools, { config: parseConfig(withPools(pools, { quotaGuard: "fail" })) }));
    const blocks = { name: "blocks", nodeClass: "reserved", instanceCategories: ["p"], capacityTypes: ["reserved"], limits: { cpu: 384 } };
    assert.deepEqual(Object.keys(ofType(stack([blocks]).data, "aws_servicequotas_service_quota")), []);
    const onDemand = { name: "od", nodeClass: "plain", instanceCategories: ["p"], limits: { cpu: 384 } };
    assert.deepEqual(Object.values(ofType(stack([blocks, onDemand]).data, "aws_servicequotas_service_quota")).map((q) => q.quota_code), ["L-417A185B"]);
  });
});

describe("examples/reserved-and-warm-inference.yaml", () => {
  const file = join(ROOT, "examples", "reserved-and-warm-inference.yaml");
  const run = runApp({ KARPENTER_GPU_CONFIG: file });
  const readStack = (stack: string) => JSON.parse(readFileSync(join(run.outdir, "stacks", stack, "cdk.tf.json"), "utf8"));

  it("synthesizes a Capacity Block pool, a warm static pool and an ODCR-first pool, each passing the CRD", () => {
    assert.equal(run.status, 0, run.stderr);
    const manifests = Object.values(readStack("prod-cluster-nodepools").resource.kubernetes_manifest).map((m: any) => m.manifest);
    for (const m of manifests) assert.deepEqual(crdProblems(m.kind, m), [], `${m.kind} ${m.metadata.name}`);
    const pools = Object.fromEntries(manifests.filter((m) => m.kind === "NodePool").map((m) => [m.metadata.name, m.spec]));
    const requirement = (pool: string, key: string) => pools[pool].template.spec.requirements.find((r: any) => r.key === key);
    assert.deepEqual(requirement("training-blocks", RESERVATION_TYPE), { key: RESERVATION_TYPE, operator: "In", values: ["capacity-block"] });
    assert.deepEqual(requirement("inference-burst", RESERVATION_TYPE), { key: RESERVATION_TYPE, operator: "NotIn", values: ["capacity-block"] }, "ODCRs first, then plain on-demand");
    assert.deepEqual([pools["inference-warm"].replicas, pools["inference-warm"].limits], [2, { nodes: 3 }]);
    const classes = Object.fromEntries(manifests.filter((m) => m.kind === "EC2NodeClass").map((m) => [m.metadata.name, m.spec]));
    assert.deepEqual(classes["training-blocks"].capacityReservationSelectorTerms, [{ id: "cr-0a1b2c3d4e5f60718" }]);
  });

  it("turns on the chart gates its pools need, and node repair (on by default)", () => {
    const release = Object.values(readStack("prod-cluster-charts").resource.helm_release).find((r: any) => r.chart === "karpenter") as any;
    assert.deepEqual(parse(release.values[0]).settings.featureGates, { staticCapacity: true, reservedCapacity: true, nodeRepair: true });
  });

  it("asks for on-demand quota only for the pools that can launch on-demand", () => {
    const report = capacityReport(loadConfigFile(file));
    assert.deepEqual(report.buckets.map((b) => [b.bucket.code, b.pools, b.vcpus]), [["L-DB2E81BA", ["inference-warm", "inference-burst"], 3 * 64 + 192]]);
  });
});
