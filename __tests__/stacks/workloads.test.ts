/**
 * examples/workloads/ against the two-pool example config: each manifest passes the Kubernetes
 * schema, and each pod can only land on the pool it is meant for.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Job } from "kubernetes-models/batch/v1/Job";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { parseAllDocuments } from "yaml";
import { poolCapacity } from "../../modules/config/capacity.js";
import { loadConfigFile } from "../../modules/config/parse.js";
import { type NodePoolConfig } from "../../modules/config/schema.js";
import { ROOT } from "../helpers.js";

const config = loadConfigFile(join(ROOT, "examples", "spot-training-on-demand-inference.yaml"));
const docs = (file: string) => parseAllDocuments(readFileSync(join(ROOT, "examples", "workloads", file), "utf8")).map((d) => d.toJS());
const [job] = docs("training-job.yaml");
const [trainingPdb] = docs("training-pdb.yaml");
const [deployment, servingPdb] = docs("inference-deployment.yaml");

interface PodSpec {
  tolerations?: { key: string; operator?: string; value?: string; effect?: string }[];
  nodeSelector?: Record<string, string>;
  containers: { resources?: { requests?: Record<string, string | number> } }[];
}

/**
 * The tolerations EKS's ExtendedResourceToleration admission controller adds: `Exists` for each
 * extended resource a container requests (on since EKS 1.19, aws/containers-roadmap#739).
 */
function admittedTolerations(pod: PodSpec): NonNullable<PodSpec["tolerations"]> {
  const requested = new Set(pod.containers.flatMap((c) => Object.keys(c.resources?.requests ?? {})).filter((r) => r.includes("/")));
  return [...(pod.tolerations ?? []), ...[...requested].map((key) => ({ key, operator: "Exists", effect: "NoSchedule" }))];
}

/** Pools a pod can be scheduled onto: it tolerates every pool taint and its node selector fits the pool. */
function poolsFor(pod: PodSpec): string[] {
  const tolerations = admittedTolerations(pod);
  const tolerates = (t: NodePoolConfig["taints"][number]) =>
    tolerations.some((tol) => tol.key === t.key && (tol.effect === undefined || tol.effect === t.effect) && (tol.operator === "Exists" || tol.value === t.value));
  const capacity = pod.nodeSelector?.["karpenter.sh/capacity-type"];
  return config.nodePools.filter((p) => p.taints.every(tolerates) && (!capacity || p.capacityTypes.includes(capacity as "spot"))).map((p) => p.name);
}

/** Whether some instance type the pool admits can hold the pod's CPU and GPU requests. */
function fits(pod: PodSpec, poolName: string): boolean {
  const req = pod.containers[0].resources?.requests ?? {};
  const pool = poolCapacity(config.nodePools.find((p) => p.name === poolName)!);
  return pool.admitted.some((t) => t.maxNodes > 0 && t.vcpu >= Number(req.cpu) && t.gpus >= Number(req["nvidia.com/gpu"]));
}

describe("examples/workloads", () => {
  it("are valid Kubernetes objects", () => {
    new Job(job).validate();
    new PodDisruptionBudget(trainingPdb).validate();
    new Deployment(deployment).validate();
    new PodDisruptionBudget(servingPdb).validate();
  });

  it("the training Job lands only on the spot training pool, on a type that fits its 4 GPUs", () => {
    const pod = job.spec.template.spec as PodSpec;
    assert.deepEqual(poolsFor(pod), ["gpu-training-spot"]);
    assert.ok(fits(pod, "gpu-training-spot"));
    assert.equal(pod.containers[0].resources?.requests?.["nvidia.com/gpu"], 4);
  });

  it("the training Job is protected from voluntary disruption and checkpoints within the spot notice", () => {
    assert.equal(job.spec.template.metadata.annotations["karpenter.sh/do-not-disrupt"], "true");
    assert.ok(job.spec.template.spec.terminationGracePeriodSeconds < 120, "shorter than the two-minute spot notice");
    assert.equal(trainingPdb.spec.minAvailable, 1, "an integer: for a Job's pods Kubernetes accepts no percentage");
    assert.deepEqual(trainingPdb.spec.selector.matchLabels, job.spec.template.metadata.labels);
  });

  it("the inference Deployment lands only on the on-demand inference pool", () => {
    const pod = deployment.spec.template.spec as PodSpec;
    assert.deepEqual(poolsFor(pod), ["gpu-inference"]);
    assert.ok(fits(pod, "gpu-inference"));
    assert.equal(Number.isInteger(servingPdb.spec.minAvailable), true);
  });
});
