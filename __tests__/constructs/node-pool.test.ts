import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildGpuNodePool, defaultGpuLimit } from "../../modules/karpenter/node-pool-spec.js";
import { GpuNodePool } from "../../modules/nodepools/node-pool.js";
import { errorOf, ofType, synthStack } from "../helpers.js";
import { seedNodePoolWithAdditions } from "../seed.js";

const seedProps = {
  name: "gpu-workloads",
  nodeClassName: "gpu-nodeclass",
  capacityTypes: ["spot", "on-demand"] as const,
  cpuLimit: 1000,
  // The seed states 30 s; the construct's own default is 5 minutes.
  consolidateAfter: "30s",
};

describe("GpuNodePool", () => {
  it("reproduces the seed NodePool field by field, plus the GPU limit and the NVIDIA-only, whole-GPU requirements", () => {
    const json = buildGpuNodePool({ ...seedProps, capacityTypes: [...seedProps.capacityTypes] });
    assert.deepEqual(json, seedNodePoolWithAdditions());
  });

  it("defaults to on-demand capacity, g and p categories, amd64, the sku=gpu taint", () => {
    const spec = (buildGpuNodePool({ name: "p", nodeClassName: "c", cpuLimit: 96 }) as any).spec;
    assert.deepEqual(spec.template.spec.requirements.slice(0, 3), [
      { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["g", "p"] },
      { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
      { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
    ]);
    assert.deepEqual(spec.template.spec.taints, [{ key: "sku", value: "gpu", effect: "NoSchedule" }]);
    assert.deepEqual(spec.limits, { cpu: 96, "nvidia.com/gpu": 24 });
  });

  it("derives the default GPU cap as the most GPUs the CPU cap admits (4 vCPUs per GPU at best)", () => {
    assert.equal(defaultGpuLimit(1000), 250);
    assert.equal(defaultGpuLimit(10), 2);
  });

  it("applies every override: limits, weight, requirements, taints, expiry, disruption and budgets", () => {
    const spec = (buildGpuNodePool({
      name: "training",
      nodeClassName: "gpu",
      instanceCategories: ["p"],
      capacityTypes: ["spot"],
      architectures: ["amd64", "arm64"],
      requirements: [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["3"] }],
      taints: [{ key: "nvidia.com/gpu", effect: "NoSchedule" }],
      cpuLimit: 384,
      gpuLimit: 16,
      memoryLimitGiB: 4096,
      weight: 10,
      expireAfter: "Never",
      consolidationPolicy: "WhenEmpty",
      consolidateAfter: "10m",
      budgets: [{ nodes: "0", reasons: ["Underutilized", "Drifted"] }, { nodes: "1", schedule: "0 22 * * *", duration: "8h" }],
    }) as any).spec;
    assert.deepEqual(spec.limits, { cpu: 384, "nvidia.com/gpu": 16, memory: "4096Gi" });
    assert.equal(spec.weight, 10);
    assert.deepEqual(spec.disruption, {
      consolidationPolicy: "WhenEmpty",
      consolidateAfter: "10m",
      budgets: [{ nodes: "0", reasons: ["Underutilized", "Drifted"] }, { nodes: "1", schedule: "0 22 * * *", duration: "8h" }],
    });
    assert.equal(spec.template.spec.expireAfter, "Never");
    assert.deepEqual(spec.template.spec.requirements.at(-1), { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["3"] });
    assert.deepEqual(spec.template.spec.requirements[0].values, ["p"]);
    assert.deepEqual(spec.template.spec.taints, [{ key: "nvidia.com/gpu", effect: "NoSchedule" }]);
  });

  it("applies the pool as a kubernetes_manifest that waits for Ready and allows 30 minutes to drain on delete", () => {
    const s = synthStack((stack) => new GpuNodePool(stack, "pool", seedProps));
    const m = ofType(s.resource, "kubernetes_manifest").pool_manifest as any;
    assert.deepEqual(m.manifest, JSON.parse(JSON.stringify(seedNodePoolWithAdditions())));
    assert.deepEqual(m.wait, { condition: [{ type: "Ready", status: "True" }] });
    assert.equal(m.timeouts.delete, "30m");
  });

  it("validates its props like the config file does, naming each bad prop", () => {
    const message = errorOf(() =>
      synthStack((stack) => new GpuNodePool(stack, "pool", {
        ...seedProps,
        name: "GPU_Pool",
        cpuLimit: -5,
        requirements: [{ key: "karpenter.sh/capacity-type", operator: "In", values: ["spot"] }, { key: "topology.kubernetes.io/zone", operator: "Exists", values: ["a"] }],
        taints: [{ key: "sku", value: "a", effect: "NoSchedule" }, { key: "sku", value: "b", effect: "NoSchedule" }],
      })),
    );
    assert.match(message, /^GpuNodePool at 'test\/pool' has invalid props:/);
    assert.match(message, /- name: must be a DNS-1123 name/);
    assert.match(message, /- cpuLimit: must be a whole number of vCPUs, at least 4 \(the smallest GPU instance has 4\) \(got -5\)/);
    assert.match(message, /- requirements\[0\]\.key: "karpenter\.sh\/capacity-type" is set by the pool itself: set capacityTypes instead/);
    assert.match(message, /- requirements\[1\]\.values: must be empty with operator Exists/);
    assert.match(message, /- taints\[1\]: conflicts with an earlier taint with key "sku" and effect NoSchedule/);
  });

  it("fails at synth, naming the pool, each field and the prop it came from, when the object breaks the CRD's schema", () => {
    const message = errorOf(() =>
      synthStack((stack) => new GpuNodePool(stack, "pool", { ...seedProps, weight: 0, consolidateAfter: "30 seconds", taints: [{ key: "sku", effect: "NoSchedul" as "NoSchedule" }] })),
    );
    assert.equal(
      message,
      [
        "NodePool gpu-workloads does not pass Karpenter 1.14.1's validation (its CRD, then the controller's runtime checks):",
        '  - spec.disruption.consolidateAfter (consolidateAfter): must match pattern "^(([0-9]+(s|m|h))+|Never)$" (got "30 seconds")',
        '  - spec.template.spec.taints[0].effect (taints[0].effect): must be equal to one of the allowed values (NoSchedule, PreferNoSchedule, NoExecute) (got "NoSchedul")',
        "  - spec.weight (weight): must be >= 1 (got 0)",
      ].join("\n"),
    );
  });

  it("rejects at synth a taint key or value the API server would reject (issue 12: they used to fail only at apply)", () => {
    const message = errorOf(() => synthStack((stack) => new GpuNodePool(stack, "pool", { ...seedProps, taints: [{ key: "Bad Value!*", value: "gpu!", effect: "NoSchedule" }] })));
    const pattern = String.raw`"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(\/))?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$"`;
    assert.equal(
      message,
      [
        "NodePool gpu-workloads does not pass Karpenter 1.14.1's validation (its CRD, then the controller's runtime checks):",
        `  - spec.template.spec.taints[0].key (taints[0].key): must match pattern ${pattern} (got "Bad Value!*")`,
        `  - spec.template.spec.taints[0].value (taints[0].value): must match pattern ${pattern} (got "gpu!")`,
      ].join("\n"),
    );
  });

  it("evaluates the CRD's CEL rules at synth: each failing requirement and budget is named with the rule's message", () => {
    const message = errorOf(() =>
      synthStack((stack) => new GpuNodePool(stack, "pool", {
        ...seedProps,
        requirements: [
          { key: "topology.kubernetes.io/zone", operator: "In", values: [] },
          { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gte", values: ["1", "2"] },
          { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g5"], minValues: 2 },
          { key: "karpenter.sh/nodepool", operator: "Exists" },
          { key: "kubernetes.io/hostname", operator: "Exists" },
          { key: "example.karpenter.sh/team", operator: "Exists" },
          { key: "karpenter.k8s.aws/gpu", operator: "Exists" },
        ],
        budgets: [{ nodes: "1", schedule: "@daily" }],
      })),
    );
    assert.equal(
      message,
      [
        "NodePool gpu-workloads does not pass Karpenter 1.14.1's validation (its CRD, then the controller's runtime checks):",
        "  - spec.disruption.budgets[0] (budgets[0]): 'schedule' must be set with 'duration'",
        "  - spec.template.spec.requirements[5] (requirements[0]): requirements with operator 'In' must have a value defined",
        "  - spec.template.spec.requirements[6] (requirements[1]): requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value",
        "  - spec.template.spec.requirements[7] (requirements[2]): requirements with 'minValues' must have at least that many values specified in the 'values' field",
        '  - spec.template.spec.requirements[10].key (requirements[5].key): label domain "karpenter.sh" is restricted',
        '  - spec.template.spec.requirements[8].key (requirements[3].key): label "karpenter.sh/nodepool" is restricted',
        '  - spec.template.spec.requirements[9].key (requirements[4].key): label "kubernetes.io/hostname" is restricted',
        '  - spec.template.spec.requirements[11].key (requirements[6].key): label domain "karpenter.k8s.aws" is restricted',
      ].join("\n"),
    );
  });

  it("accepts the Gte and Lte operators of Karpenter 1.14", () => {
    const s = synthStack((stack) => new GpuNodePool(stack, "pool", {
      ...seedProps,
      requirements: [{ key: "karpenter.k8s.aws/instance-gpu-memory", operator: "Gte", values: ["40000"] }, { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Lte", values: ["4"] }],
    }));
    const requirements = (ofType(s.resource, "kubernetes_manifest").pool_manifest as any).manifest.spec.template.spec.requirements;
    assert.deepEqual(requirements.slice(5), [
      { key: "karpenter.k8s.aws/instance-gpu-memory", operator: "Gte", values: ["40000"] },
      { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Lte", values: ["4"] },
    ]);
  });

  it("startupTaints and the spec escape hatch (annotations) reach the manifest; owned fields are refused naming the prop", () => {
    const s = synthStack((stack) => new GpuNodePool(stack, "p", { ...seedProps, startupTaints: [{ key: "example.com/gpu-check", effect: "NoExecute" }], spec: { template: { metadata: { annotations: { team: "ml" } } } } }));
    const spec = (ofType(s.resource, "kubernetes_manifest").p_manifest as any).manifest.spec;
    assert.deepEqual(spec.template.spec.startupTaints, [{ key: "example.com/gpu-check", effect: "NoExecute" }]);
    assert.deepEqual(spec.template.metadata.annotations, { team: "ml" });
    const message = errorOf(() => synthStack((stack) => new GpuNodePool(stack, "p", { ...seedProps, spec: { weight: 5, template: { spec: { requirements: [] }, metadata: { labels: { a: "b" } } } } })));
    assert.match(message, /- spec\.weight: is written by the module; use weight/);
    assert.match(message, /- spec\.template\.spec\.requirements: is written by the module; use instanceCategories, capacityTypes, architectures and requirements/);
    assert.match(message, /- spec\.template\.metadata\.labels: is written by the module; use labels/);
    const crd = errorOf(() => synthStack((stack) => new GpuNodePool(stack, "p", { ...seedProps, spec: { template: { metadata: { annotations: { team: 5 } } } } })));
    assert.match(crd, /spec\.template\.metadata\.annotations\.team \(spec\.template\.metadata\.annotations\.team\): must be string/);
  });
});
