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

  it("a family that does not exist, at its value, with the nearest known ones (and not again as an empty pool)", () => {
    const problems = problemsOf(pool({ requirements: [family("zz")] }));
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^nodePools\[0\]\.requirements\[0\]\.values\[0\]: "zz": no GPU instance type in the module's table \(Karpenter 1\.14's instance-types reference\) has karpenter\.k8s\.aws\/instance-family "zz"; nearest known values: ([a-z0-9-]+, ){4}[a-z0-9-]+$/);
  });

  it("a GPU name in the wrong case, with the right spelling", () => {
    const [problem] = problemsOf(pool({ requirements: [{ key: "karpenter.k8s.aws/instance-gpu-name", operator: "In", values: ["H100"] }] }));
    assert.match(problem, /^nodePools\[0\]\.requirements\[0\]\.values\[0\]: "H100": .* has karpenter\.k8s\.aws\/instance-gpu-name "H100"; the label's values are lower case: "h100"$/);
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
    assert.deepEqual(problemsOf(pool({ requirements: [family("g5", "g6"), { key: "topology.kubernetes.io/zone", operator: "In", values: ["us-west-2a"] }] })), []);
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
    writeFileSync(file, JSON.stringify(configInput({ nodePools: [pool({ instanceCategories: ["g"], requirements: [family("p5")] })] })));
    const run = spawnSync(process.execPath, [bundled("cli/main.ts"), "capacity", "--config", file], { cwd: ROOT, encoding: "utf8" });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /nodePools\[0\]\.requirements\[0\]: karpenter\.k8s\.aws\/instance-family In \[p5\] leaves pool gpu-workloads no instance type to launch/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
  });
});

describe("typos in requirements are errors at their field, in props and config", () => {
  const problemsOf = (requirements: { key: string; operator: "In" | "NotIn"; values: string[] }[]) =>
    errorOf(() => synthStack((s) => new GpuNodePool(s, "p", { name: "p", nodeClassName: "c", cpuLimit: 96, expireAfter: "Never", requirements })));
  const configProblemsOf = (requirements: unknown[]) => configProblems(() => parseConfig(configInput({ nodePools: [{ name: "p", nodeClass: "gpu-nodeclass", limits: { cpu: 96 }, requirements } as never] })));

  it("an In or NotIn value no GPU type of the table has, even beside good values, with a did-you-mean or the nearest values", () => {
    const message = problemsOf([
      { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6", "g6ee"] },
      { key: "karpenter.k8s.aws/instance-gpu-name", operator: "NotIn", values: ["t4", "zz9"] },
    ]);
    assert.match(message, /- requirements\[0\]\.values\[1\]: "g6ee": no GPU instance type in the module's table \(Karpenter 1\.14's instance-types reference\) has karpenter\.k8s\.aws\/instance-family "g6ee"; did you mean "g6e"\?/);
    assert.match(message, /- requirements\[1\]\.values\[1\]: "zz9": .* has karpenter\.k8s\.aws\/instance-gpu-name "zz9"; (known|nearest known) values: /);
    assert.doesNotMatch(message, /values\[0\]/, "the known values are fine");
    assert.doesNotMatch(message, /leaves pool p no instance type/, "not reported twice as an empty pool");
    assert.deepEqual(configProblemsOf([{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6", "g6ee"] }]), [
      `nodePools[0].requirements[0].values[1]: "g6ee": no GPU instance type in the module's table (Karpenter 1.14's instance-types reference) has karpenter.k8s.aws/instance-family "g6ee"; did you mean "g6e"?`,
    ]);
  });

  it("a key a few edits from a well-known label; custom keys far from any stay allowed", () => {
    assert.match(problemsOf([{ key: "node.kubernetes.io/instance-typ", operator: "In", values: ["g6.xlarge"] }]), /- requirements\[0\]\.key: "node\.kubernetes\.io\/instance-typ" is not a label Karpenter knows; did you mean "node\.kubernetes\.io\/instance-type"\?/);
    assert.deepEqual(configProblemsOf([{ key: "node.kubernetes.io/instance-typ", operator: "In", values: ["g6.xlarge"] }]).map((p) => p.split(":")[0]), ["nodePools[0].requirements[0].key"]);
    synthStack((s) => new GpuNodePool(s, "p", { name: "p", nodeClassName: "c", cpuLimit: 96, expireAfter: "Never", requirements: [{ key: "team", operator: "In", values: ["ml"] }] }));
    assert.deepEqual(configProblemsOf([{ key: "example.com/team", operator: "In", values: ["ml"] }]), []);
  });
});
