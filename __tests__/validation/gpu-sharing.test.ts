/**
 * GPU sharing by time-slicing, wired end to end: the device plugin config entry, the node label
 * that selects it, the NodeOverlays that make Karpenter plan with the shared capacity, the
 * nodeOverlay gate, and what each check refuses.
 * modules/karpenter/gpu-sharing.ts, modules/nodepools/node-pool.ts, modules/charts/gpu-operator.ts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import { capacityReport } from "../../modules/config/capacity.js";
import { loadConfigFile, parseConfig } from "../../modules/config/parse.js";
import { type KarpenterGpuConfigInput } from "../../modules/config/schema.js";
import { admittedInstanceTypes } from "../../modules/karpenter/efa.js";
import { buildGpuSharingOverlays, devicePluginSharingConfig } from "../../modules/karpenter/gpu-sharing.js";
import { GpuNodePool } from "../../modules/nodepools/node-pool.js";
import { buildStacks } from "../../modules/stacks/app.js";
import { modelProblems } from "../../modules/validation/model.js";
import { configInput, configProblems, errorOf, newApp, ofType, ROOT, synthOf, synthStack } from "../helpers.js";

const G6_ONE_GPU = [
  { key: "karpenter.k8s.aws/instance-family", operator: "In" as const, values: ["g6"] },
  { key: "karpenter.k8s.aws/instance-gpu-count", operator: "In" as const, values: ["1"] },
];
const shared = (extra: Record<string, unknown> = {}) => ({ name: "shared", nodeClass: "gpu-nodeclass", limits: { cpu: 64 }, requirements: G6_ONE_GPU, gpuSharing: { timeSlicing: { replicas: 4 } }, ...extra });
const stacksOf = (input: KarpenterGpuConfigInput) => buildStacks(newApp(), parseConfig(input));
const manifestsOf = (input: KarpenterGpuConfigInput) => Object.values(ofType(synthOf(stacksOf(input).nodePools).resource, "kubernetes_manifest")).map((m) => m.manifest as any);
const releaseValues = (input: KarpenterGpuConfigInput, prefix: string) =>
  parse((Object.entries(ofType(synthOf(stacksOf(input).charts).resource, "helm_release")).find(([k]) => k.startsWith(prefix))![1].values as string[])[0]);

describe("time-slicing data", () => {
  it("writes the device plugin config the NVIDIA docs describe: nvidia.com/gpu replicated, not renamed", () => {
    const config = parse(devicePluginSharingConfig({ timeSlicing: { replicas: 4 } }));
    assert.deepEqual(config, { version: "v1", sharing: { timeSlicing: { renameByDefault: false, resources: [{ name: "nvidia.com/gpu", replicas: 4 }] } } });
  });

  it("builds one NodeOverlay per GPU count the pool admits, promising GPUs × replicas, each passing the CRD and Karpenter's runtime checks", () => {
    const pool = { name: "shared", instanceCategories: ["g" as const], requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In" as const, values: ["g6"] }] };
    const overlays = buildGpuSharingOverlays("shared", { timeSlicing: { replicas: 3 } }, admittedInstanceTypes(pool));
    assert.deepEqual(overlays.map((o) => [o.metadata.name, o.spec.capacity]), [
      ["shared-time-slicing-3-1gpu", { "nvidia.com/gpu": "3" }],
      ["shared-time-slicing-3-4gpu", { "nvidia.com/gpu": "12" }],
      ["shared-time-slicing-3-8gpu", { "nvidia.com/gpu": "24" }],
    ]);
    assert.deepEqual(overlays[1].spec.requirements, [
      { key: "karpenter.sh/nodepool", operator: "In", values: ["shared"] },
      { key: "karpenter.k8s.aws/instance-gpu-count", operator: "In", values: ["4"] },
    ]);
    for (const o of overlays) assert.deepEqual(modelProblems(o), [], o.metadata.name);
    assert.match(modelProblems({ ...overlays[0], spec: { ...overlays[0].spec, capacity: { "vpc.amazonaws.com/efa": "1" } } } as never)[0].message, /is a resource Karpenter computes itself; a NodeOverlay may not set it/);
  });
});

describe("a sharing pool in the configuration", () => {
  it("labels the pool's nodes, counts the GPU cap in slices, writes the overlays, the device plugin config and the nodeOverlay gate", () => {
    const input = configInput({ nodePools: [shared()] });
    const manifests = manifestsOf(input);
    const pool = manifests.find((m) => m.kind === "NodePool");
    assert.deepEqual(pool.spec.template.metadata.labels, { "nvidia.com/device-plugin.config": "time-slicing-4" });
    assert.deepEqual(pool.spec.limits, { cpu: 64, "nvidia.com/gpu": 64 }, "16 GPUs × 4 slices: Karpenter counts what the nodes advertise");
    assert.deepEqual(manifests.filter((m) => m.kind === "NodeOverlay").map((m) => [m.metadata.name, m.spec.capacity]), [["shared-time-slicing-4-1gpu", { "nvidia.com/gpu": "4" }]]);
    assert.deepEqual(releaseValues(input, "gpuOperator").devicePlugin, {
      config: { create: true, name: "karpenter-gpu-device-plugin-config", default: "", data: { "time-slicing-4": devicePluginSharingConfig({ timeSlicing: { replicas: 4 } }) } },
    });
    assert.equal(releaseValues(input, "karpenter_controller").settings.featureGates.nodeOverlay, true);
    assert.equal(releaseValues(configInput(), "karpenter_controller").settings.featureGates.nodeOverlay, undefined, "no sharing pool, no gate");
  });

  it("refuses bad replicas, a hand-set sharing label, a GPU cap past what the CPU cap reaches in slices, and additionalValues that undo it", () => {
    assert.deepEqual(configProblems(() => parseConfig(configInput({ nodePools: [shared({ gpuSharing: { timeSlicing: { replicas: 1 } }, labels: { "nvidia.com/device-plugin.config": "mine" } })] }))), [
      "nodePools[0].gpuSharing.timeSlicing.replicas: must be a whole number of slices per GPU from 2 to 64 (got 1)",
      "nodePools[0].labels.nvidia.com/device-plugin.config: is set by the pool itself from gpuSharing (it picks the device plugin's sharing config); remove this label",
    ]);
    assert.deepEqual(configProblems(() => parseConfig(configInput({ nodePools: [shared({ limits: { cpu: 64, gpus: 64 } })] }))), []);
    assert.match(configProblems(() => parseConfig(configInput({ nodePools: [shared({ limits: { cpu: 64, gpus: 65 } })] })))[0], /^nodePools\[0\]\.limits\.gpus: is 65, but limits\.cpu 64 admits at most 64 GPU slices \(16 GPUs, .* × 4 slices\)/);
    assert.deepEqual(configProblems(() => parseConfig(configInput({ nodePools: [shared()], gpuOperator: { additionalValues: { devicePlugin: { config: { create: false } } } } }))), [
      'gpuOperator.additionalValues.devicePlugin.config.create: is false, but the module writes the device plugin\'s sharing config there from the pools\' gpuSharing (true); remove it',
    ]);
    assert.match(configProblems(() => parseConfig(configInput({ nodePools: [shared()], karpenter: { additionalValues: { settings: { featureGates: { nodeOverlay: false } } } } })))[0], /^karpenter\.additionalValues\.settings\.featureGates\.nodeOverlay: is false, but node pool\(s\) "shared" set gpuSharing/);
  });

  it("shows the slices per node in the capacity report", () => {
    const report = capacityReport(parseConfig(configInput({ nodePools: [shared()] })));
    assert.deepEqual(report.pools[0].sharing, { replicas: 4, perNode: [{ gpus: 1, slices: 4 }] });
  });
});

describe("GpuNodePool gpuSharing", () => {
  it("creates the overlays as kubernetes_manifests that wait for Ready, and names the prop of a problem", () => {
    const s = synthStack((stack) => new GpuNodePool(stack, "p", { name: "shared", nodeClassName: "c", cpuLimit: 64, requirements: G6_ONE_GPU, gpuSharing: { timeSlicing: { replicas: 2 } } }));
    const overlays = Object.entries(ofType(s.resource, "kubernetes_manifest")).filter(([, m]) => (m.manifest as any).kind === "NodeOverlay");
    assert.deepEqual(overlays.map(([id]) => id.replace(/_[0-9A-F]{8}$/, "")), ["p_overlay-time-slicing-2-1gpu"]);
    assert.deepEqual(overlays[0][1].wait, { condition: [{ type: "Ready", status: "True" }] });
    const error = errorOf(() => synthStack((stack) => new GpuNodePool(stack, "p", { name: "s", nodeClassName: "c", cpuLimit: 64, gpuSharing: { timeSlicing: { replicas: 100 } } })));
    assert.match(error, /- gpuSharing\.timeSlicing\.replicas: must be a whole number of slices per GPU from 2 to 64 \(got 100\)/);
  });
});

describe("examples/shared-inference.yaml", () => {
  const config = loadConfigFile(join(ROOT, "examples", "shared-inference.yaml"));

  it("synthesizes a time-sliced L4 pool with its overlay beside a whole-GPU pool", () => {
    const manifests = Object.values(ofType(synthOf(buildStacks(newApp(), config).nodePools).resource, "kubernetes_manifest")).map((m) => m.manifest as any);
    assert.deepEqual(manifests.filter((m) => m.kind === "NodeOverlay").map((m) => m.metadata.name), ["shared-l4-time-slicing-4-1gpu"]);
    assert.equal(manifests.find((m) => m.kind === "NodePool" && m.metadata.name === "whole-gpu").spec.template.metadata, undefined, "the whole-GPU pool carries no sharing label");
  });

  it("its Deployment asks one slice per pod, tolerates the sharing pool's taints and selects it: eight pods fit two g6.xlarge", () => {
    const [deployment] = parseAllDocuments(readFileSync(join(ROOT, "examples", "workloads", "shared-inference-deployment.yaml"), "utf8")).map((d) => d.toJS());
    const pod = deployment.spec.template.spec;
    assert.equal(pod.containers[0].resources.requests["nvidia.com/gpu"], 1);
    assert.equal(pod.nodeSelector["karpenter.sh/nodepool"], "shared-l4");
    const pool = config.nodePools.find((p) => p.name === "shared-l4")!;
    for (const t of pool.taints) assert.ok(pod.tolerations.some((x: any) => x.key === t.key && x.value === t.value && x.effect === t.effect), `tolerates ${t.key}`);
    // What the pool's overlay promises a g6.xlarge (its only GPU count) is what Karpenter packs pods against.
    const overlays = Object.values(ofType(synthOf(buildStacks(newApp(), config).nodePools).resource, "kubernetes_manifest")).map((m) => m.manifest as any).filter((m) => m.kind === "NodeOverlay");
    const perNode = Number(overlays[0].spec.capacity["nvidia.com/gpu"]);
    const requested = Number(pod.containers[0].resources.requests["nvidia.com/gpu"]);
    assert.equal(Math.ceil((deployment.spec.replicas * requested) / perNode), 2);
  });
});
