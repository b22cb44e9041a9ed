import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseConfig } from "../../modules/config/parse.js";
import { type KarpenterGpuConfigInput } from "../../modules/config/schema.js";
import { GpuNodePool } from "../../modules/nodepools/node-pool.js";
import { bundled, configInput, configProblems, errorOf, ROOT, synthStack, tempDir } from "../helpers.js";

type PoolInput = KarpenterGpuConfigInput["nodePools"][number];
const pool = (p: Partial<PoolInput>): PoolInput => ({ name: "gpu-workloads", nodeClass: "gpu-nodeclass", limits: { cpu: 1000 }, ...p });
const family = (...values: string[]) => ({ key: "karpenter.k8s.aws/instance-family", operator: "In" as const, values });

/** The problems of a config with these pools. */
const problemsOf = (...pools: PoolInput[]) => configProblems(() => parseConfig(configInput({ nodePools: pools })));

describe("pools that can never launch a node are config errors", () => {
  it("an AMD family in an NVIDIA pool", () => {
    assert.deepEqual(problemsOf(pool({ requirements: [family("g4ad")] })), [
      "nodePools[0].requirements[0]: karpenter.k8s.aws/instance-family In [g4ad] leaves pool gpu-workloads no instance type to launch: the types it admits (g4ad.*) are all excluded by the module's NVIDIA-only requirement (karpenter.k8s.aws/instance-gpu-manufacturer In [nvidia])",
    ]);
  });

  it("a family outside the pool's instance categories", () => {
    assert.deepEqual(problemsOf(pool({ instanceCategories: ["g"], requirements: [family("p5")] })), [
      "nodePools[0].requirements[0]: karpenter.k8s.aws/instance-family In [p5] leaves pool gpu-workloads no instance type to launch: the types it admits (p5.*) are all excluded by nodePools[0].instanceCategories (karpenter.k8s.aws/instance-category In [g])",
    ]);
  });

  it("an architecture no type of the categories has", () => {
    assert.deepEqual(problemsOf(pool({ instanceCategories: ["p"], architectures: ["arm64"] })), [
      "nodePools[0].architectures: kubernetes.io/arch In [arm64] leaves pool gpu-workloads no instance type to launch: the types it admits (g5g.*) are all excluded by nodePools[0].instanceCategories (karpenter.k8s.aws/instance-category In [p])",
    ]);
  });

  it("a family that does not exist, with the known ones listed", () => {
    const [problem] = problemsOf(pool({ requirements: [family("g9x")] }));
    assert.match(problem, /^nodePools\[0\]\.requirements\[0\]: karpenter\.k8s\.aws\/instance-family In \[g9x\] leaves pool gpu-workloads no instance type to launch: no GPU instance type has karpenter\.k8s\.aws\/instance-family "g9x"; known values: g4ad, g4dn, g5, /);
  });

  it("a GPU name in the wrong case, with the right spelling", () => {
    const [problem] = problemsOf(pool({ requirements: [{ key: "karpenter.k8s.aws/instance-gpu-name", operator: "In", values: ["H100"] }] }));
    assert.match(problem, /no GPU instance type has karpenter\.k8s\.aws\/instance-gpu-name "H100" \(the label's values are lower case: "h100"\)/);
  });

  it("caps smaller than every type the pool admits", () => {
    assert.deepEqual(problemsOf(pool({ instanceCategories: ["p"], limits: { cpu: 4 } })), [
      "nodePools[0].limits.cpu: no instance type pool gpu-workloads admits fits within its caps (cpu 4, nvidia.com/gpu 1): the smallest, p3.2xlarge, has 8 vCPUs and 1 GPU, so the pool can never launch a node",
    ]);
    assert.deepEqual(problemsOf(pool({ requirements: [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["4"] }], limits: { cpu: 1000, gpus: 4 } })), [
      "nodePools[0].limits.gpus: no instance type pool gpu-workloads admits fits within its caps (cpu 1000, nvidia.com/gpu 4): the smallest, p3.16xlarge, has 64 vCPUs and 8 GPUs, so the pool can never launch a node",
    ]);
  });

  it("reports every pool that cannot launch, in one run", () => {
    const problems = problemsOf(pool({ requirements: [family("g4ad")] }), pool({ name: "b", instanceCategories: ["p"], architectures: ["arm64"] }));
    assert.deepEqual(problems.map((p) => p.slice(0, p.indexOf(":"))), ["nodePools[0].requirements[0]", "nodePools[1].architectures"]);
  });

  it("accepts pools that can launch, including requirements on labels the table does not know", () => {
    assert.deepEqual(problemsOf(pool({})), []);
    assert.deepEqual(problemsOf(pool({ instanceCategories: ["g"], architectures: ["arm64"] })), []);
    assert.deepEqual(problemsOf(pool({ requirements: [family("g5", "g9x"), { key: "topology.kubernetes.io/zone", operator: "In", values: ["us-west-2a"] }] })), []);
    assert.deepEqual(problemsOf(pool({ instanceCategories: ["p"], limits: { cpu: 8 } })), [], "p3.2xlarge fits 8 vCPUs and 2 GPUs");
  });
});

describe("GpuNodePool refuses a pool that cannot launch (library use)", () => {
  it("names the prop", () => {
    const message = errorOf(() =>
      synthStack((stack) => new GpuNodePool(stack, "pool", { name: "gpu", nodeClassName: "gpu", cpuLimit: 100, instanceCategories: ["g"], requirements: [family("p5")] })),
    );
    assert.match(message, /- requirements\[0\]: karpenter\.k8s\.aws\/instance-family In \[p5\] leaves pool gpu no instance type to launch: the types it admits \(p5\.\*\) are all excluded by instanceCategories/);
  });
});

describe("karpenter-gpu capacity", () => {
  it("exits non-zero and names the pool when a pool admits no instance type", () => {
    const file = join(tempDir("launch-"), "config.json");
    writeFileSync(file, JSON.stringify(configInput({ nodePools: [pool({ requirements: [{ key: "karpenter.k8s.aws/instance-gpu-name", operator: "In", values: ["H100"] }] })] })));
    const run = spawnSync(process.execPath, [bundled("cli/main.ts"), "capacity", "--config", file], { cwd: ROOT, encoding: "utf8" });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /nodePools\[0\]\.requirements\[0\]: karpenter\.k8s\.aws\/instance-gpu-name In \[H100\] leaves pool gpu-workloads no instance type to launch/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
  });
});

describe("typos that still launch are warned about (Karpenter reads types from EC2, so a newer type is possible)", () => {
  const warningsOf = (requirements: { key: string; operator: "In" | "NotIn"; values: string[] }[]) => {
    let pool: GpuNodePool | undefined;
    synthStack((s) => (pool = new GpuNodePool(s, "p", { name: "p", nodeClassName: "c", cpuLimit: 96, expireAfter: "Never", requirements })));
    return pool!.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
  };

  it("a value no GPU type has beside values some have, with a did-you-mean", () => {
    assert.deepEqual(warningsOf([{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6", "g6ee"] }]), [
      `NodePool p: requirements[0]: karpenter.k8s.aws/instance-family In lists "g6ee" (did you mean "g6e"?), which no GPU instance type in the module's table (Karpenter 1.14's instance-types reference) has; the pool uses only the other values`,
    ]);
    assert.deepEqual(warningsOf([{ key: "karpenter.k8s.aws/instance-family", operator: "NotIn", values: ["g6ee"] }]), [], "NotIn a value nothing has changes nothing");
  });

  it("a key a few edits from a well-known label; custom keys far from any are quiet", () => {
    assert.match(warningsOf([{ key: "node.kubernetes.io/instance-typ", operator: "In", values: ["g6.xlarge"] }])[0], /key "node\.kubernetes\.io\/instance-typ" is not a label Karpenter knows; did you mean "node\.kubernetes\.io\/instance-type"\?/);
    assert.deepEqual(warningsOf([{ key: "team", operator: "In", values: ["ml"] }]), []);
  });
});
