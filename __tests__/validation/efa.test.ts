/**
 * EFA and placement groups (issue 10, part 3): the network-card data, the interfaces written per
 * layout, the config keys with their defaults and errors, the EFA device plugin release, and the
 * capacity report.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { EFA_DEVICE_PLUGIN_CHART_VERSION } from "../../modules/charts/efa-device-plugin.js";
import { capacityReport, formatCapacityReport } from "../../modules/config/capacity.js";
import { parseConfig } from "../../modules/config/parse.js";
import { nodeClassPropsOf } from "../../modules/config/props.js";
import { type KarpenterGpuConfigInput } from "../../modules/config/schema.js";
import { stackNames } from "../../modules/core/names.js";
import { describeEfaLayout, efaLayoutOf, efaNetworkInterfaces, type EfaLayout } from "../../modules/karpenter/efa.js";
import { GPU_INSTANCE_TYPES } from "../../modules/karpenter/gpu-instances.js";
import { buildGpuNodeClass } from "../../modules/karpenter/node-class-spec.js";
import { GpuNodeClass } from "../../modules/nodepools/node-class.js";
import { KarpenterChartsStack } from "../../modules/stacks/charts-stack.js";
import { modelProblems } from "../../modules/validation/model.js";
import { configInput, configProblems, errorOf, newApp, ofType, synthOf, synthStack } from "../helpers.js";

const type = (name: string) => GPU_INSTANCE_TYPES.find((t) => t.type === name)!;
const onlyTypes = (...types: string[]) => [{ key: "node.kubernetes.io/instance-type", operator: "In" as const, values: types }];

/** A config with one EFA class `efa` used by the pools given. */
const efaInput = (pools: KarpenterGpuConfigInput["nodePools"], nodeClass: Record<string, unknown> = {}) =>
  configInput({ nodeClasses: [{ name: "efa", efa: true, ...nodeClass }], nodePools: pools });
const p5Pool = { name: "p5", nodeClass: "efa", limits: { cpu: 384 }, requirements: onlyTypes("p5.48xlarge") };

describe("EFA network-card data (modules/gpu-instances.ts)", () => {
  it("knows the cards and EFA interfaces of the multi-card training types", () => {
    const layout = (t: string) => efaLayoutOf(type(t));
    assert.deepEqual(layout("p4d.24xlarge"), { networkCards: 4, efaInterfaces: 4 });
    assert.deepEqual(layout("p5.48xlarge"), { networkCards: 32, efaInterfaces: 32 });
    assert.deepEqual(layout("p5en.48xlarge"), { networkCards: 16, efaInterfaces: 16 });
    assert.deepEqual(layout("p6-b200.48xlarge"), { networkCards: 8, efaInterfaces: 8 });
    assert.deepEqual(layout("p6-b300.48xlarge"), { networkCards: 17, efaInterfaces: 16 }, "card 0 carries no EFA");
    assert.deepEqual(layout("p5.4xlarge"), { networkCards: 1, efaInterfaces: 1 });
  });

  it("has no EFA on the types that do not support it", () => {
    for (const t of ["p3.2xlarge", "p3.16xlarge", "g5.xlarge", "g6.4xlarge", "g4dn.xlarge", "gr6.4xlarge"]) assert.equal(efaLayoutOf(type(t)), undefined, t);
  });
});

describe("efaNetworkInterfaces", () => {
  it("writes an ENA primary and one EFA-only interface per card for p5.48xlarge (card 0 at device 1)", () => {
    const nis = efaNetworkInterfaces({ networkCards: 32, efaInterfaces: 32 });
    assert.equal(nis.length, 33);
    assert.deepEqual(nis.slice(0, 3), [
      { networkCardIndex: 0, deviceIndex: 0, interfaceType: "interface" },
      { networkCardIndex: 0, deviceIndex: 1, interfaceType: "efa-only" },
      { networkCardIndex: 1, deviceIndex: 0, interfaceType: "efa-only" },
    ]);
    assert.equal(nis.filter((n) => n.interfaceType === "efa-only").length, 32, "as many EFA interfaces as Karpenter counts vpc.amazonaws.com/efa");
    assert.deepEqual(nis.at(-1), { networkCardIndex: 31, deviceIndex: 0, interfaceType: "efa-only" });
  });

  it("puts no EFA interface on card 0 when the type has one card more than EFA interfaces (p6-b300)", () => {
    const nis = efaNetworkInterfaces({ networkCards: 17, efaInterfaces: 16 });
    assert.deepEqual(nis.filter((n) => n.networkCardIndex === 0), [{ networkCardIndex: 0, deviceIndex: 0, interfaceType: "interface" }]);
    assert.equal(nis.filter((n) => n.interfaceType === "efa-only").length, 16);
  });

  it("passes the EC2NodeClass CRD's schema and CEL rules for every layout in the instance table", () => {
    const layouts = new Map<string, EfaLayout>();
    for (const t of GPU_INSTANCE_TYPES) {
      const l = efaLayoutOf(t);
      if (l) layouts.set(describeEfaLayout(l), l);
    }
    assert.ok(layouts.size >= 6);
    for (const [name, efa] of layouts) {
      const model = buildGpuNodeClass({ name: "efa", clusterName: "c", roleName: "r", efa });
      assert.deepEqual(modelProblems(model), [], name);
    }
  });
});

describe("nodeClasses[].efa and nodeClasses[].placementGroup", () => {
  const classOf = (input: KarpenterGpuConfigInput) => {
    const c = parseConfig(input);
    return buildGpuNodeClass(nodeClassPropsOf(c, c.nodeClasses[0])).spec;
  };

  it("by default write no network interfaces and no placement group selector", () => {
    const spec = classOf(configInput());
    assert.equal(spec.networkInterfaces, undefined);
    assert.equal(spec.placementGroupSelector, undefined);
  });

  it("efa: true writes the interfaces of the layout the class's pools admit", () => {
    assert.equal(classOf(efaInput([p5Pool])).networkInterfaces?.length, 33);
    const p4 = classOf(efaInput([{ ...p5Pool, requirements: onlyTypes("p4d.24xlarge", "p4de.24xlarge") }]));
    assert.deepEqual(p4.networkInterfaces, efaNetworkInterfaces({ networkCards: 4, efaInterfaces: 4 }));
  });

  it("refuses p6-b300 in an EFA class: no kept source says which of its 17 cards lacks EFA", () => {
    const problems = configProblems(() => parseConfig(efaInput([{ ...p5Pool, name: "b300", limits: { cpu: 768 }, requirements: onlyTypes("p6-b300.48xlarge") }])));
    assert.deepEqual(problems, [
      'nodeClasses[0].efa: is true, but pool "b300" admits p6-b300.48xlarge (17 network cards, 16 EFA interfaces): which network card lacks EFA is not in any source the module keeps, so it writes no EFA layout for it; leave these types out of EFA node classes (GpuNodeClass takes an explicit efa layout if you have verified it)',
    ]);
  });

  it("placementGroup selects the group by name or by ID", () => {
    assert.deepEqual(classOf(efaInput([p5Pool], { placementGroup: { name: "p5-training" } })).placementGroupSelector, { name: "p5-training" });
    assert.deepEqual(classOf(configInput({ nodeClasses: [{ name: "gpu-nodeclass", placementGroup: { id: "pg-0123456789abcdef0" } }] })).placementGroupSelector, { id: "pg-0123456789abcdef0" });
  });

  const cases: [string, KarpenterGpuConfigInput, string[]][] = [
    [
      "efa on a pool that admits types without EFA",
      efaInput([{ name: "mixed", nodeClass: "efa", limits: { cpu: 1000 }, requirements: onlyTypes("p5.48xlarge", "g5.xlarge", "p3.16xlarge") }]),
      ['nodeClasses[0].efa: is true, but pool "mixed" (nodePools[0]) admits instance types without EFA: g5.xlarge, p3.16xlarge; limit the pool to EFA types with a requirement such as node.kubernetes.io/instance-type In [p5.48xlarge]'],
    ],
    [
      "efa on pools that admit several network-card layouts (p5 family: p5.4xlarge has 1 card, p5.48xlarge 32)",
      efaInput([
        { name: "p5", nodeClass: "efa", limits: { cpu: 384 }, requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["p5"] }] },
        { name: "p4", nodeClass: "efa", limits: { cpu: 192 }, requirements: onlyTypes("p4d.24xlarge") },
      ]),
      [
        'nodeClasses[0].efa: is true, but the pools using node class "efa" admit instance types of 3 network-card layouts (1 network card, 1 EFA interface: p5.4xlarge (pool p5); 32 network cards, 32 EFA interfaces: p5.48xlarge (pool p5); 4 network cards, 4 EFA interfaces: p4d.24xlarge (pool p4)); an EFA node class is written for one layout: limit its pools to types of one layout with node.kubernetes.io/instance-type In [...], or give each layout its own node class',
      ],
    ],
    [
      "efa on a class no pool uses",
      configInput({ nodeClasses: [{ name: "gpu-nodeclass" }, { name: "efa", efa: true }] }),
      ['nodeClasses[1].efa: is true, but no node pool uses node class "efa": its network interfaces are written for the network cards of the instance types its pools admit'],
    ],
    ["efa not a boolean", efaInput([p5Pool], { efa: "yes" }), ['nodeClasses[0].efa: must be true or false (got "yes")']],
    [
      "a placement group with both name and id",
      efaInput([p5Pool], { placementGroup: { name: "p5-training", id: "pg-0123456789abcdef0" } }),
      ['nodeClasses[0].placementGroup: must set name or id, not both (got name "p5-training" and id "pg-0123456789abcdef0")'],
    ],
    ["a placement group with neither", efaInput([p5Pool], { placementGroup: {} }), ["nodeClasses[0].placementGroup: must set name (the placement group's name) or id (pg-...)"]],
    [
      "a placement group ID that is not pg-...",
      efaInput([p5Pool], { placementGroup: { id: "p5-training" } }),
      ['nodeClasses[0].placementGroup.id: must be a placement group ID such as "pg-0123456789abcdef0" (got "p5-training")'],
    ],
    ["an empty placement group name", efaInput([p5Pool], { placementGroup: { name: "" } }), ['nodeClasses[0].placementGroup.name: must be a placement group name: 1-255 ASCII characters (got "")']],
    ["a placement group given as a string", efaInput([p5Pool], { placementGroup: "p5-training" as never }), ['nodeClasses[0].placementGroup: must be {name: <placement group name>} or {id: pg-...} (got "p5-training")']],
    [
      "an unknown placement group key",
      efaInput([p5Pool], { placementGroup: { name: "p5-training", strategy: "cluster" } }),
      ["nodeClasses[0].placementGroup.strategy: unknown key; allowed keys here: name, id"],
    ],
  ];
  for (const [what, input, expected] of cases) {
    it(`refuses ${what}, naming the key, the value and what is allowed`, () => {
      assert.deepEqual(configProblems(() => parseConfig(input)), expected);
    });
  }

  it("reports the EFA problem with the file's other problems in one run", () => {
    const input = efaInput([{ name: "any", nodeClass: "efa", limits: { cpu: -1 } }, { name: "g", nodeClass: "efa", limits: { cpu: 64 }, requirements: onlyTypes("g5.xlarge") }]);
    const problems = configProblems(() => parseConfig({ ...input, region: "nowhere" }));
    assert.ok(problems.some((p) => p.startsWith("region:")));
    assert.ok(problems.some((p) => p.startsWith("nodePools[0].limits.cpu:")));
    // The check waits until every pool using the class is valid: no guess from a broken pool.
    assert.equal(problems.filter((p) => p.startsWith("nodeClasses[0].efa")).length, 0);
  });
});

describe("GpuNodeClass efa and placementGroup props", () => {
  it("writes the layout given", () => {
    const s = synthStack((stack) => new GpuNodeClass(stack, "nc", { name: "efa", clusterName: "c", roleName: "r", efa: { networkCards: 8, efaInterfaces: 8 }, placementGroup: { id: "pg-0abc" } }));
    const manifest = Object.values(s.resource.kubernetes_manifest)[0].manifest as { spec: Record<string, unknown> };
    assert.deepEqual(manifest.spec.networkInterfaces, efaNetworkInterfaces({ networkCards: 8, efaInterfaces: 8 }));
    assert.deepEqual(manifest.spec.placementGroupSelector, { id: "pg-0abc" });
  });

  it("refuses a layout that is not one and a placement group with both name and id, naming the props", () => {
    const message = errorOf(() =>
      synthStack((stack) => new GpuNodeClass(stack, "nc", { name: "efa", clusterName: "c", roleName: "r", efa: { networkCards: 4, efaInterfaces: 2 }, placementGroup: { name: "a", id: "pg-1" } as never })),
    );
    assert.match(message, /efa: efaInterfaces must be networkCards \(card 0 has EFA\) or networkCards - 1 \(it has not\) \(got \{"networkCards":4,"efaInterfaces":2\}\)/);
    assert.match(message, /placementGroup: must set name or id, not both/);
  });
});

describe("the EFA device plugin in the charts stack", () => {
  const synth = (input: KarpenterGpuConfigInput) => synthOf(new KarpenterChartsStack(newApp(), stackNames("prod-cluster").charts, { config: parseConfig(input) }));
  const efaRelease = (s: ReturnType<typeof synth>) => Object.values(ofType(s.resource, "helm_release")).filter((r) => r.chart === "aws-efa-k8s-device-plugin");

  it("is not installed when no node class has efa", () => {
    const s = synth(configInput());
    assert.deepEqual(efaRelease(s), []);
    assert.equal(s.output?.efaDevicePluginChartVersion, undefined);
  });

  it("is installed from eks-charts, pinned, tolerating the taints of the EFA pools only", () => {
    const s = synth(
      configInput({
        nodeClasses: [{ name: "efa", efa: true }, { name: "gpu-nodeclass" }],
        nodePools: [
          { ...p5Pool, taints: [{ key: "sku", value: "gpu", effect: "NoSchedule" }, { key: "efa-only", effect: "NoExecute" }] },
          { name: "inference", nodeClass: "gpu-nodeclass", limits: { cpu: 64 }, taints: [{ key: "serving", value: "true", effect: "NoSchedule" }] },
        ],
      }),
    );
    const [release] = efaRelease(s);
    assert.equal(release.repository, "https://aws.github.io/eks-charts");
    assert.equal(release.version, EFA_DEVICE_PLUGIN_CHART_VERSION);
    assert.equal(release.namespace, "kube-system");
    assert.deepEqual(parse((release.values as string[])[0]), {
      tolerations: [
        { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" },
        { key: "efa-only", operator: "Exists", effect: "NoExecute" },
      ],
      // The cluster's region's EKS registry (us-west-2 here).
      image: { repository: "602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/aws-efa-k8s-device-plugin" },
    });
    assert.equal(s.output?.efaDevicePluginChartVersion.value, EFA_DEVICE_PLUGIN_CHART_VERSION);
  });
});

describe("capacity report", () => {
  it("shows per pool whether its node class uses EFA and a placement group", () => {
    const report = capacityReport(parseConfig(efaInput([p5Pool], { placementGroup: { name: "p5-training" } })));
    assert.deepEqual(report.pools[0].nodeClass, { name: "efa", efa: { networkCards: 32, efaInterfaces: 32 }, placementGroup: { name: "p5-training" }, amiAlias: "al2023@latest" });
    assert.match(formatCapacityReport(report), /\n  node class efa: EFA on \(32 network cards, 32 EFA interfaces per node\), placement group name p5-training, AMI al2023@latest/);
    assert.match(formatCapacityReport(capacityReport(parseConfig(configInput()))), /\n  node class gpu-nodeclass: EFA off, no placement group, AMI/);
  });
});
