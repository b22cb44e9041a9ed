/**
 * GPU sharing by time-slicing and MIG, wired end to end: the device plugin config entry or the
 * MIG profile, the node label that selects it, the NodeOverlays that make Karpenter plan with the
 * shared capacity, the nodeOverlay gate, and what each check refuses.
 * modules/karpenter/gpu-sharing.ts, mig-profiles.ts, modules/nodepools/node-pool.ts,
 * modules/charts/gpu-operator.ts.
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
import { GPU_INSTANCE_TYPES } from "../../modules/karpenter/gpu-instances.js";
import { buildGpuSharingOverlays, devicePluginSharingConfig } from "../../modules/karpenter/gpu-sharing.js";
import { migConfigName, migGpuOf, migGpus } from "../../modules/karpenter/mig-profiles.js";
import { GpuNodePool } from "../../modules/nodepools/node-pool.js";
import { GpuOperator } from "../../modules/charts/gpu-operator.js";
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
    const config = parse(devicePluginSharingConfig(4));
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
      config: { create: true, name: "karpenter-gpu-device-plugin-config", default: "", data: { "time-slicing-4": devicePluginSharingConfig(4) } },
    });
    assert.equal(releaseValues(input, "karpenter_controller").settings.featureGates.nodeOverlay, true);
    assert.equal(releaseValues(configInput(), "karpenter_controller").settings.featureGates.nodeOverlay, undefined, "no sharing pool, no gate");
  });

  it("refuses bad replicas, a hand-set sharing label, a GPU cap past what the CPU cap reaches in slices, and additionalValues that undo it", () => {
    assert.deepEqual(configProblems(() => parseConfig(configInput({ nodePools: [shared({ gpuSharing: { timeSlicing: { replicas: 1 } }, labels: { "nvidia.com/device-plugin.config": "mine" } })] }))), [
      "nodePools[0].gpuSharing.timeSlicing.replicas: must be a whole number of slices per GPU from 2 to 64 (got 1)",
      "nodePools[0].labels.nvidia.com/device-plugin.config: is set by the module from gpuSharing (the GPU Operator's sharing config, or the device plugin held until MIG is applied: the NodeOverlays count on it); remove this label",
    ]);
    assert.deepEqual(configProblems(() => parseConfig(configInput({ nodePools: [shared({ limits: { cpu: 64, gpus: 64 } })] }))), []);
    assert.match(configProblems(() => parseConfig(configInput({ nodePools: [shared({ limits: { cpu: 64, gpus: 65 } })] })))[0], /^nodePools\[0\]\.limits\.gpus: is 65, but limits\.cpu 64 admits at most 64 GPU slices \(16 GPUs, .* × 4 slices\)/);
    assert.deepEqual(configProblems(() => parseConfig(configInput({ nodePools: [shared()], gpuOperator: { additionalValues: { devicePlugin: { config: { create: false } } } } }))), [
      'gpuOperator.additionalValues.devicePlugin.config.create: is false, but the module writes the device plugin\'s time-slicing config there from the pools\' gpuSharing (true); remove it',
    ]);
    assert.match(configProblems(() => parseConfig(configInput({ nodePools: [shared()], karpenter: { additionalValues: { settings: { featureGates: { nodeOverlay: false } } } } })))[0], /^karpenter\.additionalValues\.settings\.featureGates\.nodeOverlay: is false, but node pool\(s\) "shared" set gpuSharing/);
  });

  it("shows the slices per node in the capacity report", () => {
    const report = capacityReport(parseConfig(configInput({ nodePools: [shared()] })));
    assert.deepEqual(report.pools[0].sharing, { method: "time-slicing", config: "time-slicing-4", sliceLimit: 64, perNode: [{ gpuName: "l4", gpus: 1, slicesPerGpu: 4, slices: 4 }] });
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

  it("synthesizes a time-sliced L4 pool and a MIG H100 pool with their overlays beside a whole-GPU pool", () => {
    const manifests = Object.values(ofType(synthOf(buildStacks(newApp(), config).nodePools).resource, "kubernetes_manifest")).map((m) => m.manifest as any);
    assert.deepEqual(manifests.filter((m) => m.kind === "NodeOverlay").map((m) => [m.metadata.name, m.spec.capacity["nvidia.com/gpu"]]), [
      ["mig-h100-all-1g.10gb-h100-80gb-1gpu", "7"],
      ["shared-l4-time-slicing-4-1gpu", "4"],
    ]);
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
    const perNode = Number(overlays.find((o) => o.metadata.name.startsWith("shared-l4-")).spec.capacity["nvidia.com/gpu"]);
    const requested = Number(pod.containers[0].resources.requests["nvidia.com/gpu"]);
    assert.equal(Math.ceil((deployment.spec.replicas * requested) / perNode), 2);
  });

  it("its second Deployment asks one MIG instance per pod on the MIG pool: seven pods fit one p5.4xlarge, CPU and memory included", () => {
    const isolated = parseAllDocuments(readFileSync(join(ROOT, "examples", "workloads", "shared-inference-deployment.yaml"), "utf8")).map((d) => d.toJS())[1];
    const pod = isolated.spec.template.spec;
    assert.equal(pod.nodeSelector["karpenter.sh/nodepool"], "mig-h100");
    const pool = config.nodePools.find((p) => p.name === "mig-h100")!;
    for (const t of pool.taints) assert.ok(pod.tolerations.some((x: any) => x.key === t.key && x.value === t.value && x.effect === t.effect), `tolerates ${t.key}`);
    const overlays = Object.values(ofType(synthOf(buildStacks(newApp(), config).nodePools).resource, "kubernetes_manifest")).map((m) => m.manifest as any).filter((m) => m.kind === "NodeOverlay");
    const perNode = Number(overlays.find((o) => o.metadata.name.startsWith("mig-h100-")).spec.capacity["nvidia.com/gpu"]);
    const requests = pod.containers[0].resources.requests;
    assert.equal(isolated.spec.replicas, perNode, "one node's instances, no more");
    const p5 = GPU_INSTANCE_TYPES.find((t) => t.type === "p5.4xlarge")!;
    assert.ok(isolated.spec.replicas * Number(requests.cpu) < p5.vcpu && isolated.spec.replicas * parseInt(requests.memory) * 1024 < p5.memoryMiB, "the pods' CPU and memory fit the node too");
  });
});

const P4_P5 = [{ key: "karpenter.k8s.aws/instance-family", operator: "In" as const, values: ["p4d", "p4de", "p5"] }];
const migPool = (extra: Record<string, unknown> = {}) => ({ name: "mig", nodeClass: "gpu-nodeclass", instanceCategories: ["p" as const], limits: { cpu: 384 }, requirements: P4_P5, gpuSharing: { mig: { profile: "all-1g.10gb" } }, ...extra });

describe("MIG data", () => {
  it("gives the same instance counts as the GPU Operator v26.7.0's own MIG config, for every profile of every GPU", () => {
    const text = readFileSync(join(ROOT, "charts", "gpu-operator-v26.7.0", "default-mig-parted-config.yaml"), "utf8");
    const configs = parse(parse(text).data["config.yaml"])["mig-configs"] as Record<string, { "device-filter"?: string | string[]; "mig-devices"?: Record<string, number> }[]>;
    let compared = 0;
    for (const [key, gpu] of migGpus()) {
      let ofGpu = 0;
      for (const [profile, count] of Object.entries(gpu.profiles)) {
        const entries = configs[migConfigName(profile)] ?? [];
        // The entry for this GPU's PCI ID, else the one without a filter (what mig-parted applies to it).
        const entry = entries.find((e) => [e["device-filter"] ?? []].flat().includes(gpu.pciDeviceId)) ?? entries.find((e) => e["device-filter"] === undefined);
        assert.ok(entry, `${key} ${profile}: no entry in the operator's config`);
        assert.deepEqual(entry["mig-devices"], { [profile]: count }, `${key} ${profile}`);
        ofGpu++;
      }
      assert.ok(ofGpu >= 5, `${key}: only ${ofGpu} of its profiles are in the operator's config`);
      compared += ofGpu;
    }
    assert.ok(compared >= 50, `${compared} counts compared`);
  });

  it("knows the MIG GPU of every p4d, p4de, p5, p5e, p5en, p6 and g7e type, and of no type with a T4, A10G, L4, L40S or V100", () => {
    const families = new Set(GPU_INSTANCE_TYPES.filter((t) => migGpuOf(t)).map((t) => t.family));
    assert.deepEqual([...families].sort(), ["g7e", "p4d", "p4de", "p5", "p5e", "p5en", "p6-b200", "p6-b300"]);
    for (const t of GPU_INSTANCE_TYPES) if (["t4", "t4g", "a10g", "l4", "l40s", "v100"].includes(t.gpuName)) assert.equal(migGpuOf(t), undefined, t.type);
  });

  it("builds one NodeOverlay per GPU model and count, promising GPUs × the profile's instances on that GPU, each passing the CRD check", () => {
    const overlays = buildGpuSharingOverlays("mig", { mig: { profile: "all-1g.10gb" } }, admittedInstanceTypes({ name: "mig", instanceCategories: ["p"], requirements: P4_P5 }));
    assert.deepEqual(overlays.map((o) => [o.metadata.name, o.spec.capacity?.["nvidia.com/gpu"]]), [
      ["mig-all-1g.10gb-a100-40gb-8gpu", "32"], // p4d: A100 40 GB holds four 1g.10gb
      ["mig-all-1g.10gb-a100-80gb-8gpu", "56"], // p4de: seven
      ["mig-all-1g.10gb-h100-80gb-1gpu", "7"], // p5.4xlarge
      ["mig-all-1g.10gb-h100-80gb-8gpu", "56"], // p5.48xlarge
    ]);
    assert.deepEqual(overlays[0].spec.requirements, [
      { key: "karpenter.sh/nodepool", operator: "In", values: ["mig"] },
      { key: "karpenter.k8s.aws/instance-gpu-name", operator: "In", values: ["a100"] },
      { key: "karpenter.k8s.aws/instance-gpu-memory", operator: "In", values: ["40960"] },
      { key: "karpenter.k8s.aws/instance-gpu-count", operator: "In", values: ["8"] },
    ]);
    for (const o of overlays) assert.deepEqual(modelProblems(o), [], o.metadata.name);
  });
});

describe("a MIG pool in the configuration", () => {
  it("labels the nodes with the profile, counts the GPU cap in instances, sets the single strategy and leaves the MIG manager its own config", () => {
    const input = configInput({ nodePools: [migPool()] });
    const manifests = manifestsOf(input);
    const pool = manifests.find((m) => m.kind === "NodePool");
    // The device plugin waits for the MIG manager: no whole GPU is ever advertised to bind pods to.
    assert.deepEqual(pool.spec.template.metadata.labels, { "nvidia.com/mig.config": "all-1g.10gb", "nvidia.com/gpu.deploy.device-plugin": "paused-for-mig-change" });
    assert.equal(pool.spec.limits["nvidia.com/gpu"], 96 * 7, "96 GPUs at most (384 vCPUs / 4) × 7, the most 1g.10gb any admitted GPU holds");
    assert.equal(manifests.filter((m) => m.kind === "NodeOverlay").length, 4);
    const values = releaseValues(input, "gpuOperator");
    assert.deepEqual([values.mig, values.migManager, values.devicePlugin], [{ strategy: "single" }, { enabled: true, config: { name: "" } }, undefined]);
    assert.equal(releaseValues(input, "karpenter_controller").settings.featureGates.nodeOverlay, true);
    const ids = Object.keys(ofType(synthOf(stacksOf(input).nodePools).resource, "kubernetes_manifest")).filter((k) => k.includes("overlay"));
    assert.ok(ids.some((id) => id.includes("overlay-all-1g_10gb-h100-80gb-8gpu")), ids.join(", "));
  });

  it("shows instances per node, per GPU model, in the capacity report", () => {
    const report = capacityReport(parseConfig(configInput({ nodePools: [migPool({ limits: { cpu: 384, gpus: 112 } })] })));
    const sharing = report.pools[0].sharing!;
    assert.deepEqual([sharing.method, sharing.config, sharing.sliceLimit], ["mig", "all-1g.10gb", 112]);
    assert.deepEqual(sharing.perNode.map((n) => [n.gpuName, n.gpus, n.slicesPerGpu, n.slices]), [["a100", 8, 4, 32], ["a100", 8, 7, 56], ["h100", 1, 7, 7], ["h100", 8, 7, 56]]);
    // 112 instances: three p4d (32 each) or two p4de/p5.48xlarge (56 each) or sixteen p5.4xlarge.
    assert.deepEqual(report.pools[0].admitted.map((a) => [a.type, a.maxNodes]), [["p4d.24xlarge", 3], ["p4de.24xlarge", 2], ["p5.4xlarge", 16], ["p5.48xlarge", 2]]);
  });

  it("refuses a pool that admits a GPU without the profile, naming the types and the GPU; and a profile no GPU has, with the likely one", () => {
    const [l4] = configProblems(() => parseConfig(configInput({ nodePools: [migPool({ instanceCategories: ["g", "p"], requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6", "p5", "p5e"] }] })] })));
    assert.match(l4, /^nodePools\[0\]\.gpuSharing\.mig\.profile: is "all-1g\.10gb", but the pool admits types whose GPU has no such MIG profile: g6\.xlarge, g6\.2xlarge, g6\.4xlarge and 5 more \(l4: no MIG\); p5e\.48xlarge \(h200 141 GB: all-1g\.18gb, all-1g\.18gb\.me, all-1g\.35gb and 4 more\)\. Only p4d, p4de, p5 have it/);
    assert.deepEqual(configProblems(() => parseConfig(configInput({ nodePools: [migPool({ gpuSharing: { mig: { profile: "1g.10gb" } } })] }))), [
      'nodePools[0].gpuSharing.mig.profile: is "1g.10gb", which is no MIG config of a GPU the module knows: did you mean all-1g.10gb? the MIG manager names them all-<profile> (all-1g.10gb, all-1g.10gb.me, all-1g.18gb, all-1g.18gb.me, all-1g.20gb, all-1g.23gb and 38 more)',
    ]);
    assert.match(configProblems(() => parseConfig(configInput({ nodePools: [migPool({ gpuSharing: { mig: { profile: "all-balanced" } } })] })))[0], /is "all-balanced", which mixes profiles on each GPU, which needs the device plugin's mixed MIG strategy/);
    const g7 = configProblems(() => parseConfig(configInput({ nodePools: [migPool({ instanceCategories: ["g"], requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g7"] }], gpuSharing: { mig: { profile: "all-1g.24gb" } } })] })));
    assert.match(g7[0], /\(rtx-pro-4500: MIG, with no instance counts the module can source\)\. Only g7e have it/);
  });

  it("refuses both sharing methods at once, a hand-set MIG label, and GPU Operator values that would change what the overlays count", () => {
    assert.deepEqual(configProblems(() => parseConfig(configInput({ nodePools: [migPool({ gpuSharing: { mig: { profile: "all-1g.10gb" }, timeSlicing: { replicas: 2 } }, labels: { "nvidia.com/mig.config": "all-7g.80gb", "nvidia.com/gpu.deploy.device-plugin": "true" } })] }))), [
      "nodePools[0].gpuSharing: must set exactly one of timeSlicing and mig",
      "nodePools[0].labels.nvidia.com/mig.config: is set by the module from gpuSharing (the GPU Operator's sharing config, or the device plugin held until MIG is applied: the NodeOverlays count on it); remove this label",
      "nodePools[0].labels.nvidia.com/gpu.deploy.device-plugin: is set by the module from gpuSharing (the GPU Operator's sharing config, or the device plugin held until MIG is applied: the NodeOverlays count on it); remove this label",
    ]);
    const values = { mig: { strategy: "mixed" }, migManager: { enabled: false, config: { name: "custom-mig-parted-config" } } };
    assert.deepEqual(configProblems(() => parseConfig(configInput({ nodePools: [migPool()], gpuOperator: { additionalValues: values } }))), [
      `gpuOperator.additionalValues.mig.strategy: is "mixed", but the module sets the single MIG strategy (each MIG instance one nvidia.com/gpu, as the NodeOverlays count) from the pools' gpuSharing ("single"); remove it`,
      `gpuOperator.additionalValues.migManager.enabled: is false, but the module needs the MIG manager on, writing its config from each GPU's own profiles (what the NodeOverlays count) from the pools' gpuSharing (true); remove it`,
      `gpuOperator.additionalValues.migManager.config.name: is "custom-mig-parted-config", but the module needs the MIG manager on, writing its config from each GPU's own profiles (what the NodeOverlays count) from the pools' gpuSharing (""); remove it`,
    ]);
    assert.deepEqual(configProblems(() => parseConfig(configInput({ gpuOperator: { additionalValues: values } }))), [], "without a MIG pool these values are the user's");
    // The operator applies a component's env after its own: these would undo the same settings behind the values.
    const env = { migManager: { env: [{ name: "WITH_REBOOT", value: "false" }, { name: "CONFIG_FILE", value: "/mine.yaml" }] }, devicePlugin: { env: [{ name: "MIG_STRATEGY", value: "mixed" }] } };
    assert.deepEqual(configProblems(() => parseConfig(configInput({ nodePools: [migPool()], gpuOperator: { additionalValues: env } }))), [
      "gpuOperator.additionalValues.migManager.env[1]: sets CONFIG_FILE, but a MIG pool's nodes need the MIG manager's own config, written from each GPU's profiles (what the NodeOverlays count): remove this entry",
      "gpuOperator.additionalValues.devicePlugin.env[0]: sets MIG_STRATEGY, but a MIG pool needs the single MIG strategy (each instance one nvidia.com/gpu, as the NodeOverlays count): remove this entry",
    ]);
    assert.match(errorOf(() => synthStack((stack) => new GpuOperator(stack, "g", { gpuNodeTaints: [], gpuSharing: [{ mig: { profile: "all-1g.10gb" } }], additionalValues: env }))), /- additionalValues\.migManager\.env\[1\]: sets CONFIG_FILE/);
  });

  it("counts a node's instances against limits.gpus: a cap below one p4de's 56 instances leaves the pool nothing to launch", () => {
    const p4de = [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["p4de"] }];
    assert.deepEqual(configProblems(() => parseConfig(configInput({ nodePools: [migPool({ requirements: p4de, limits: { cpu: 384, gpus: 56 } })] }))), []);
    assert.deepEqual(configProblems(() => parseConfig(configInput({ nodePools: [migPool({ requirements: p4de, limits: { cpu: 384, gpus: 32 } })] }))), [
      "nodePools[0].limits.gpus: no instance type pool mig admits fits within its caps (cpu 384, nvidia.com/gpu 32): the smallest, p4de.24xlarge, has 96 vCPUs and 8 GPUs (56 nvidia.com/gpu shared), so the pool can never launch a node",
    ]);
  });

  it("GpuNodePool names the prop of a MIG problem", () => {
    const error = errorOf(() => synthStack((stack) => new GpuNodePool(stack, "p", { name: "s", nodeClassName: "c", cpuLimit: 64, instanceCategories: ["g"], gpuSharing: { mig: { profile: "all-1g.10gb" } } })));
    assert.match(error, /- gpuSharing\.mig\.profile: is "all-1g\.10gb", but the pool admits types whose GPU has no such MIG profile: .*\(l4: no MIG\)/);
  });
});
