/**
 * examples/p5-training-efa-reserved.yaml and examples/workloads/efa-training-job.yaml: the
 * example synthesizes, its objects pass the Karpenter CRD checks, the EFA device plugin tolerates
 * its pool, and the two-node Job can only run on that pool, on a type that holds one pod per node.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Service } from "kubernetes-models/v1/Service";
import { parse, parseAllDocuments } from "yaml";
import { loadConfigFile } from "../../modules/config/parse.js";
import { type NodePoolConfig } from "../../modules/config/schema.js";
import { admittedInstanceTypes } from "../../modules/karpenter/efa.js";
import { modelProblems, type CrdObject } from "../../modules/validation/model.js";
import { ROOT, runApp } from "../helpers.js";

const EXAMPLE = join(ROOT, "examples", "p5-training-efa-reserved.yaml");
const readStack = (outdir: string, stack: string) => JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));

describe("examples/p5-training-efa-reserved.yaml", () => {
  const run = runApp({ KARPENTER_GPU_CONFIG: EXAMPLE });
  const manifests = () => Object.values(readStack(run.outdir, "prod-cluster-nodepools").resource.kubernetes_manifest).map((m: any) => m.manifest as CrdObject & { spec: any });

  it("synthesizes an EFA node class for p5.48xlarge's 32 network cards, without a placement group (a Capacity Block places its instances itself)", () => {
    assert.equal(run.status, 0, run.stderr);
    const nodeClass = manifests().find((m) => m.kind === "EC2NodeClass" && m.metadata.name === "p5-efa")!;
    const nis = nodeClass.spec.networkInterfaces as { networkCardIndex: number; deviceIndex: number; interfaceType: string }[];
    assert.equal(nis.filter((n) => n.interfaceType === "efa-only").length, 32);
    assert.deepEqual(nis[0], { networkCardIndex: 0, deviceIndex: 0, interfaceType: "interface" });
    assert.equal(nodeClass.spec.placementGroupSelector, undefined);
    assert.deepEqual(nodeClass.spec.capacityReservationSelectorTerms, [{ id: "cr-0a1b2c3d4e5f60718" }], "the Capacity Block");
  });

  it("writes objects that pass the Karpenter 1.14.1 CRDs (schema and CEL rules)", () => {
    const all = manifests();
    assert.deepEqual(all.map((m) => `${m.kind}/${m.metadata.name}`).sort(), ["EC2NodeClass/inference", "EC2NodeClass/p5-efa", "NodePool/inference-warm", "NodePool/p5-training"]);
    for (const m of all) assert.deepEqual(modelProblems(m), [], `${m.kind} ${m.metadata.name}`);
    const pool = all.find((m) => m.kind === "NodePool" && m.metadata.name === "p5-training")!;
    const requirement = (key: string) => pool.spec.template.spec.requirements.find((r: any) => r.key === key)?.values;
    assert.deepEqual(requirement("karpenter.sh/capacity-type"), ["reserved"]);
    assert.deepEqual(requirement("karpenter.k8s.aws/capacity-reservation-type"), ["capacity-block"]);
    const warm = all.find((m) => m.kind === "NodePool" && m.metadata.name === "inference-warm")!;
    assert.equal(warm.spec.replicas, 1, "a warm static pool");
    assert.deepEqual(warm.spec.limits, { nodes: 2 });
  });

  it("installs the EFA device plugin tolerating the pool's taints", () => {
    const release = Object.values(readStack(run.outdir, "prod-cluster-charts").resource.helm_release).find((r: any) => r.chart === "aws-efa-k8s-device-plugin") as any;
    assert.ok(release, "an aws-efa-k8s-device-plugin release");
    assert.deepEqual(parse(release.values[0]).tolerations, [
      { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" },
      { key: "workload", operator: "Equal", value: "efa-training", effect: "NoSchedule" },
    ]);
  });
});

describe("examples/workloads/efa-training-job.yaml", () => {
  const [service, job] = parseAllDocuments(readFileSync(join(ROOT, "examples", "workloads", "efa-training-job.yaml"), "utf8")).map((d) => d.toJS());
  const pod = job.spec.template.spec;
  const requests = pod.containers[0].resources.requests;
  // Every pool of every example, as if all ran on one cluster.
  const pools: NodePoolConfig[] = ["p5-training-efa-reserved.yaml", "spot-training-on-demand-inference.yaml", "default.yaml"].flatMap(
    (f) => loadConfigFile(join(ROOT, "examples", f)).nodePools,
  );

  /** Pools the pod may land on: it tolerates every taint, its node selector fits, and an admitted type holds its requests. */
  function poolsFor(): string[] {
    const tolerates = (t: NodePoolConfig["taints"][number]) =>
      (pod.tolerations ?? []).some((tol: any) => tol.key === t.key && (tol.effect === undefined || tol.effect === t.effect) && (tol.operator === "Exists" || tol.value === t.value));
    const fits = (p: NodePoolConfig) =>
      admittedInstanceTypes(p).some(
        (t) => t.gpus >= requests["nvidia.com/gpu"] && t.efaInterfaces >= requests["vpc.amazonaws.com/efa"] && t.vcpu >= Number(requests.cpu) && t.memoryMiB >= parseInt(requests.memory) * 1024,
      );
    const selected = (p: NodePoolConfig) => Object.entries(pod.nodeSelector ?? {}).every(([k, v]) => k !== "karpenter.sh/nodepool" || v === p.name);
    return pools.filter((p) => p.taints.every(tolerates) && selected(p) && fits(p)).map((p) => p.name);
  }

  it("is a valid headless Service and Indexed Job", () => {
    new Service(service).validate();
    new Job(job).validate();
    assert.equal(service.spec.clusterIP, "None");
    assert.equal(pod.subdomain, service.metadata.name, "pods get DNS names under the Service");
  });

  it("runs two pods, each requesting all 8 GPUs and 32 EFA interfaces of a p5.48xlarge", () => {
    assert.equal(job.spec.completions, 2);
    assert.equal(job.spec.parallelism, 2);
    assert.equal(requests["nvidia.com/gpu"], 8);
    assert.equal(requests["vpc.amazonaws.com/efa"], 32);
    assert.deepEqual(pod.containers[0].resources.limits, { "nvidia.com/gpu": 8, "vpc.amazonaws.com/efa": 32 }, "extended resources need limits equal to requests");
  });

  it("lands only on the p5-training pool, whose caps hold both pods", () => {
    assert.deepEqual(poolsFor(), ["p5-training"]);
    const p5 = pools.find((p) => p.name === "p5-training")!;
    assert.ok((p5.limits.cpu ?? 0) >= 2 * 192 && (p5.limits.gpus ?? 0) >= 2 * 8, "two p5.48xlarge fit under the pool's caps");
  });
});
