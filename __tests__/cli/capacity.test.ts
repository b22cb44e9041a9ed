import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { capacityReport, formatCapacityReport, poolCapacity } from "../../modules/config/capacity.js";
import { loadConfigFile, parseConfig } from "../../modules/config/parse.js";
import { GPU_INSTANCE_TYPES } from "../../modules/karpenter/gpu-instances.js";
import { QUOTA_BUCKETS, quotaBucketFor } from "../../modules/karpenter/quota.js";
import { ROOT, configInput } from "../helpers.js";

const base = configInput({ clusterName: "c", nodeClasses: [{ name: "gpu" }] });
const pool = (p: Record<string, unknown>) => parseConfig({ ...base, nodePools: [{ name: "p", nodeClass: "gpu", limits: { cpu: 96 }, ...p }] }).nodePools[0];
const types = (p: Record<string, unknown>) => poolCapacity(pool(p)).admitted.map((a) => a.type);

describe("GPU instance matrix", () => {
  const byType = (t: string) => GPU_INSTANCE_TYPES.find((x) => x.type === t)!;
  it("encodes the traps: gr6 is category gr, g4ad is AMD, g6f/gr6f have no whole GPU, g5g is arm64", () => {
    assert.equal(byType("gr6.4xlarge").category, "gr");
    assert.equal(byType("gr6f.4xlarge").gpus, 0);
    assert.equal(byType("g6f.large").gpus, 0);
    assert.equal(byType("g4ad.xlarge").gpuManufacturer, "amd");
    assert.equal(byType("g5g.xlarge").arch, "arm64");
    assert.equal(byType("p5.48xlarge").quotaFamily, "P");
    assert.equal(byType("gr6.8xlarge").quotaFamily, "G and VT");
  });
  it("covers every size of the families Karpenter can launch for GPU pods", () => {
    const families = new Set(GPU_INSTANCE_TYPES.map((t) => t.family));
    for (const f of ["g4dn", "g5", "g5g", "g6", "g6e", "g6f", "gr6", "gr6f", "g7", "g7e", "p4d", "p4de", "p5", "p5e", "p5en", "p6-b200", "p6-b300"]) assert.ok(families.has(f), f);
    assert.deepEqual(GPU_INSTANCE_TYPES.filter((t) => t.family === "g5").map((t) => t.type), ["g5.xlarge", "g5.2xlarge", "g5.4xlarge", "g5.8xlarge", "g5.12xlarge", "g5.16xlarge", "g5.24xlarge", "g5.48xlarge"]);
  });
});

describe("capacity report", () => {
  it("admits only NVIDIA, whole-GPU, amd64 g/p types by default: no g4ad, g6f, gr6, g5g", () => {
    const admitted = types({});
    for (const t of ["g4ad.xlarge", "g6f.large", "gr6.4xlarge", "g5g.xlarge"]) assert.equal(admitted.includes(t), false, t);
    for (const t of ["g5.xlarge", "g6e.48xlarge", "p5.48xlarge"]) assert.equal(admitted.includes(t), true, t);
  });

  it("follows the pool's categories, architectures and extra requirements", () => {
    assert.ok(types({ instanceCategories: ["gr"] }).every((t) => t.startsWith("gr6.")));
    assert.deepEqual(types({ instanceCategories: ["g"], architectures: ["arm64"] }), ["g5g.xlarge", "g5g.2xlarge", "g5g.4xlarge", "g5g.8xlarge", "g5g.16xlarge", "g5g.metal"]);
    assert.deepEqual(types({ instanceCategories: ["p"], requirements: [{ key: "karpenter.k8s.aws/instance-gpu-name", operator: "In", values: ["h100"] }] }), ["p5.4xlarge", "p5.48xlarge"]);
    assert.deepEqual(types({ requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g5"] }, { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["3"] }] }), ["g5.12xlarge", "g5.24xlarge", "g5.48xlarge"]);
  });

  it("counts Gte and Lte bounds inclusively (Karpenter 1.14 operators)", () => {
    const g5 = { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g5"] } as const;
    assert.deepEqual(types({ requirements: [g5, { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gte", values: ["4"] }] }), ["g5.12xlarge", "g5.24xlarge", "g5.48xlarge"]);
    assert.deepEqual(types({ requirements: [g5, { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Lte", values: ["1"] }] }), ["g5.xlarge", "g5.2xlarge", "g5.4xlarge", "g5.8xlarge", "g5.16xlarge"]);
  });

  it("computes the most nodes and GPUs each type reaches under both caps", () => {
    const cap = poolCapacity(pool({ limits: { cpu: 400, gpus: 16 } }));
    const row = (t: string) => cap.admitted.find((a) => a.type === t)!;
    assert.deepEqual([row("g5.xlarge").maxNodes, row("g5.xlarge").maxGpus], [16, 16], "GPU cap binds");
    assert.deepEqual([row("g5.48xlarge").maxNodes, row("g5.48xlarge").maxGpus], [2, 16]);
    assert.deepEqual([row("g5.16xlarge").maxNodes, row("g5.16xlarge").maxGpus], [6, 6], "CPU cap binds");
  });

  it("names the quota buckets per capacity type and family, with the vCPUs the pool may draw", () => {
    const spotP = poolCapacity(pool({ instanceCategories: ["p"], capacityTypes: ["spot"], limits: { cpu: 384, gpus: 16 } }));
    assert.deepEqual(spotP.buckets.map((b) => [b.bucket.code, b.vcpus]), [["L-7212CCBC", 384]]);
    const both = poolCapacity(pool({ capacityTypes: ["spot", "on-demand"], limits: { cpu: 1000 } }));
    assert.deepEqual(both.buckets.map((b) => b.bucket.code).sort(), ["L-3819A6DF", "L-417A185B", "L-7212CCBC", "L-DB2E81BA"]);
    // A GPU cap bounds vCPUs too: 4 GPUs of at most 64 vCPUs each (g4dn/g5/g6.16xlarge) is 256.
    assert.equal(poolCapacity(pool({ instanceCategories: ["g"], limits: { cpu: 1000, gpus: 4 } })).buckets[0].vcpus, 256);
    assert.equal(quotaBucketFor("P", "reserved").code, "L-417A185B", "reserved capacity counts as on-demand");
    assert.equal(QUOTA_BUCKETS.length, 4);
  });

  it("adds up pools that share a quota, for the two-pool example", () => {
    const report = capacityReport(loadConfigFile(join(ROOT, "examples", "spot-training-on-demand-inference.yaml")));
    assert.deepEqual(report.buckets.map((b) => [b.bucket.code, b.pools, b.vcpus]), [
      ["L-DB2E81BA", ["gpu-inference"], 256],
      ["L-3819A6DF", ["gpu-training-spot"], 768],
      ["L-7212CCBC", ["gpu-training-spot"], 768],
    ]);
    const shared = capacityReport(parseConfig({ ...base, nodePools: [{ name: "a", nodeClass: "gpu", limits: { cpu: 100 } }, { name: "b", nodeClass: "gpu", limits: { cpu: 60 } }] }));
    assert.deepEqual(shared.buckets.find((b) => b.bucket.code === "L-DB2E81BA"), { bucket: QUOTA_BUCKETS[0], pools: ["a", "b"], vcpus: 160 });
  });

  it("lists requirement keys it cannot evaluate rather than pretending", () => {
    assert.deepEqual(poolCapacity(pool({ requirements: [{ key: "topology.kubernetes.io/zone", operator: "In", values: ["us-west-2a"] }] })).unevaluated, ["topology.kubernetes.io/zone"]);
  });

  it("prints a readable report for the default example", () => {
    const text = formatCapacityReport(capacityReport(loadConfigFile(join(ROOT, "examples", "default.yaml"))));
    assert.match(text, /^GPU capacity for cluster prod-cluster \(us-west-2\)/);
    assert.match(text, /Pool gpu-workloads: caps cpu 1000 vCPU, nvidia\.com\/gpu 250; capacity spot, on-demand/);
    assert.match(text, /\n  g5\.xlarge +4 +1 +a10g +250 +250\n/);
    assert.match(text, /L-DB2E81BA +Running On-Demand G and VT instances +gpu-workloads +1000/);
  });
});

describe("capacity report: what keeps busy GPU nodes alive", () => {
  it("prints each pool's disruption settings and its node class's AMI pin", () => {
    const text = (input: Record<string, unknown>) => formatCapacityReport(capacityReport(parseConfig(input)));
    const defaults = text(configInput({ nodeClasses: [{ name: "gpu-nodeclass", amiAlias: "al2023@v20251120" }] }));
    assert.match(defaults, /\n {2}node class gpu-nodeclass: EFA off, no placement group, AMI al2023@v20251120\n/);
    assert.match(defaults, /\n {2}disruption: WhenEmptyOrUnderutilized after 5m; budgets 0 for Drifted\/Underutilized from "0 8 \* \* mon-fri" for 10h; 10%; termination grace none \(busy nodes are never forced out\)\n/);
    const seed = text(configInput({ nodePools: [{ name: "gpu-workloads", nodeClass: "gpu-nodeclass", limits: { cpu: 1000 }, terminationGracePeriod: "2h", disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "30s" } }] }));
    assert.match(seed, /AMI al2023@latest \(every AMI release drifts its nodes\)/);
    assert.match(seed, /\n {2}disruption: WhenEmptyOrUnderutilized after 30s; budgets Karpenter's default 10%; termination grace 2h\n/);
  });
});
