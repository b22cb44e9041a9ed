/**
 * `karpenter-gpu doctor`: the seed's operate-and-debug checks, run through `kubectl`, each
 * finding named after the gotcha it points to.
 */
import { spawnSync } from "node:child_process";
import { quantityValue } from "../modules/core/rules.js";
import { DEVICE_PLUGIN_CONFIG_LABEL, DEVICE_PLUGIN_DEPLOY_LABEL, MIG_CONFIG_LABEL, MIG_CONFIG_STATE_LABEL, PAUSED_FOR_MIG_CHANGE } from "../modules/karpenter/gpu-sharing.js";
import { migSlices } from "../modules/karpenter/mig-profiles.js";
import { quotaBucketFor, type QuotaBucket } from "../modules/karpenter/quota.js";

export type Severity = "ok" | "warn" | "fail";

export interface Finding {
  /** Which check found it, e.g. `karpenter`, `nodepool/gpu-workloads`. */
  readonly check: string;
  readonly severity: Severity;
  readonly message: string;
  /** The seed gotcha this is, when it is one: `quota`, `startup`, `device-plugin`, ... */
  readonly gotcha?: string;
  /** What to do about it. */
  readonly fix?: string;
}

/** Runs kubectl with the given arguments; returns stdout or throws with stderr. */
export type Kubectl = (args: readonly string[]) => string;

export interface DoctorOptions {
  /** kubectl context. @default - the current context */
  readonly context?: string;
  /** Karpenter's namespace. @default "kube-system" */
  readonly karpenterNamespace?: string;
  /** GPU Operator's namespace. @default "gpu-operator" */
  readonly gpuOperatorNamespace?: string;
  /** Time to measure ages against. @default - now */
  readonly now?: Date;
}

/** Karpenter deletes a NodeClaim that has not registered within this time. */
export const REGISTRATION_TTL_MINUTES = 15;

/** The node condition the EKS node monitoring agent sets for GPU health. */
const ACCELERATED_HARDWARE_READY = "AcceleratedHardwareReady";
/** How long node repair tolerates AcceleratedHardwareReady=False (aws/karpenter-provider-aws v1.14.1 RepairPolicies). */
export const ACCELERATED_HARDWARE_TOLERATION_MINUTES = 10;

/** Whether the controller runs with the NodeRepair gate on (its FEATURE_GATES env); undefined when it cannot tell. */
function nodeRepairGate(deployment: K8sObject): boolean | undefined {
  const containers = (deployment.spec?.template?.spec?.containers ?? []) as { env?: { name: string; value?: string }[] }[];
  const gates = containers.flatMap((c) => c.env ?? []).find((e) => e.name === "FEATURE_GATES")?.value;
  const m = gates === undefined ? null : /(?:^|,)NodeRepair=(true|false)(?:,|$)/.exec(gates);
  return m ? m[1] === "true" : undefined;
}

/** A kubectl runner bound to a context; the binary comes from PATH. */
export function kubectlFor(context?: string): Kubectl {
  return (args) => {
    const run = spawnSync("kubectl", [...(context ? ["--context", context] : []), ...args], { encoding: "utf8" });
    if (run.error) throw new Error(`kubectl could not be run: ${run.error.message}`);
    // kubectl's last stderr line is the error; earlier ones are client-go log noise.
    if (run.status !== 0) throw new Error(run.stderr.trim().split("\n").at(-1) || `kubectl ${args.join(" ")} exited ${run.status}`);
    return run.stdout;
  };
}

interface K8sCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}
interface K8sObject {
  metadata: { name: string; namespace?: string; creationTimestamp?: string; labels?: Record<string, string> };
  spec?: any;
  status?: any;
}

const condition = (o: K8sObject, type: string): K8sCondition | undefined =>
  (o.status?.conditions as K8sCondition[] | undefined)?.find((c) => c.type === type);

/** A Kubernetes quantity ("1000", "500m", "16Gi") as a number in base units: 0 when absent, NaN when not a quantity. */
export function quantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === "number") return q;
  return quantityValue(q) ?? Number.NaN;
}

/** Runs every check. A check that cannot run (kubectl error) is itself a finding. */
export function runDoctor(kubectl: Kubectl, options: DoctorOptions = {}): Finding[] {
  const now = options.now ?? new Date();
  const ns = options.karpenterNamespace ?? "kube-system";
  const findings: Finding[] = [];
  const list = (args: string[]): K8sObject[] => (JSON.parse(kubectl([...args, "-o", "json"])) as { items: K8sObject[] }).items;
  const attempt = (check: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      findings.push({ check, severity: "fail", message: `could not check: ${(err as Error).message}` });
    }
  };

  try {
    kubectl(["get", "--raw", "/version"]);
  } catch (err) {
    findings.push({
      check: "cluster",
      severity: "fail",
      message: `cannot reach the Kubernetes API: ${(err as Error).message}`,
      fix: "check the kubectl context (--context NAME) and credentials: aws eks update-kubeconfig --name <cluster>",
    });
    return findings;
  }

  let logs: string | undefined;
  /** The controller's last 100 log lines, read once. */
  const karpenterLogs = () => (logs ??= kubectl(["logs", "-n", ns, "deployment/karpenter", "--tail=100"]));
  let deploymentObject: K8sObject | undefined;
  /** The controller's Deployment, read once. */
  const karpenterDeployment = () => (deploymentObject ??= JSON.parse(kubectl(["get", "deployment", "karpenter", "-n", ns, "-o", "json"])) as K8sObject);
  let nodesOfKarpenter: K8sObject[] | undefined;
  /** The nodes Karpenter launched, read once. */
  const karpenterNodes = () => (nodesOfKarpenter ??= list(["get", "nodes", "-l", "karpenter.sh/nodepool"]));

  attempt("karpenter", () => {
    const deployment = karpenterDeployment();
    const want = deployment.spec?.replicas ?? 1;
    const ready = deployment.status?.readyReplicas ?? 0;
    if (ready >= want) {
      findings.push({ check: "karpenter", severity: "ok", message: `controller ready (${ready}/${want})` });
      return;
    }
    const errors = karpenterLogs()
      .split("\n")
      .filter((l) => /"level":"ERROR"|\bERROR\b/.test(l))
      .map((l) => {
        try {
          const entry = JSON.parse(l) as { message?: string; error?: string };
          return [entry.message, entry.error].filter(Boolean).join(": ");
        } catch {
          return l.trim();
        }
      })
      .slice(-5);
    findings.push({
      check: "karpenter",
      severity: "fail",
      message: `controller not ready (${ready}/${want})${errors.length ? `; last errors:\n${errors.map((e) => `      ${e}`).join("\n")}` : ""}`,
      fix: `kubectl logs -n ${ns} deployment/karpenter --tail=100; check the controller role, the Pod Identity association (or IRSA annotation) and settings.clusterEndpoint`,
    });
  });

  // The chart runs 2 replicas, spread over zones (DoNotSchedule), one per host, and only on nodes
  // without the karpenter.sh/nodepool label: a cluster with fewer nodes of its own leaves one Pending.
  attempt("karpenter/scheduling", () => {
    const pods = list(["get", "pods", "-n", ns, "-l", "app.kubernetes.io/name=karpenter"]);
    const unschedulable = pods.filter((p) => p.status?.phase === "Pending" && condition(p, "PodScheduled")?.status === "False" && condition(p, "PodScheduled")?.reason === "Unschedulable");
    if (unschedulable.length === 0) return;
    const reasons = [...new Set(unschedulable.map((p) => condition(p, "PodScheduled")?.message ?? "no message"))];
    findings.push({
      check: "karpenter/scheduling",
      severity: "fail",
      gotcha: "controller-scheduling",
      message: `${unschedulable.length} of ${pods.length} controller replica(s) cannot be scheduled (${unschedulable.map((p) => p.metadata.name).join(", ")}): ${reasons.join("; ")}`,
      fix: "the chart spreads its replicas over zones, one per node, and keeps them off nodes Karpenter manages: run at least two nodes not managed by Karpenter, in two zones (EKS managed node group or Fargate), or for a single-node test cluster set replicas: 1 in karpenter.additionalValues",
    });
  });

  let pools: K8sObject[] = [];
  attempt("nodepools", () => {
    pools = list(["get", "nodepools"]);
    if (pools.length === 0) findings.push({ check: "nodepools", severity: "warn", message: "no NodePools: GPU pods cannot get nodes", fix: "apply the <cluster>-nodepools stack" });
    for (const pool of pools) {
      const check = `nodepool/${pool.metadata.name}`;
      const ready = condition(pool, "Ready");
      if (ready?.status !== "True") {
        findings.push({ check, severity: "fail", message: `not Ready${ready?.message ? `: ${ready.message}` : ""}`, fix: `kubectl describe nodepool ${pool.metadata.name}` });
        continue;
      }
      const limits = (pool.spec?.limits ?? {}) as Record<string, string | number>;
      const used = (pool.status?.resources ?? {}) as Record<string, string | number>;
      let atLimit = false;
      for (const [resource, limit] of Object.entries(limits)) {
        const use = quantity(used[resource]);
        const cap = quantity(limit);
        if (cap > 0 && use >= cap) {
          atLimit = true;
          findings.push({
            check,
            severity: "fail",
            gotcha: "limits",
            message: `at its ${resource} limit (${used[resource]}/${limit}): Karpenter launches no more nodes for this pool and new pods stay Pending`,
            fix: `raise limits.${({ "nvidia.com/gpu": "gpus", memory: "memoryGiB" } as Record<string, string>)[resource] ?? resource} of pool ${pool.metadata.name} (and the EC2 vCPU quota it draws on: npm run capacity)`,
          });
        } else if (cap > 0 && use >= 0.9 * cap) {
          atLimit = true;
          findings.push({ check, severity: "warn", gotcha: "limits", message: `near its ${resource} limit (${used[resource]}/${limit})` });
        }
      }
      if (!atLimit) findings.push({ check, severity: "ok", message: "Ready, below its limits" });
    }
  });

  let nodeClaims: K8sObject[] = [];
  attempt("nodeclaims", () => {
    nodeClaims = list(["get", "nodeclaims"]);
    const nodes = nodeClaims.some((c) => condition(c, "Registered")?.status === "True" && condition(c, "Initialized")?.status !== "True")
      ? list(["get", "nodes"])
      : [];
    for (const claim of nodeClaims) {
      const check = `nodeclaim/${claim.metadata.name}`;
      const ageMin = claim.metadata.creationTimestamp ? (now.getTime() - Date.parse(claim.metadata.creationTimestamp)) / 60_000 : 0;
      const instanceType = claim.metadata.labels?.["node.kubernetes.io/instance-type"] ?? "unknown type";
      const launched = condition(claim, "Launched");
      if (launched?.status === "False") {
        findings.push({ check, severity: "fail", message: `not launched: ${launched.message ?? launched.reason ?? "no reason given"}` });
        continue;
      }
      if (condition(claim, "Registered")?.status !== "True") {
        const left = Math.max(0, REGISTRATION_TTL_MINUTES - ageMin);
        findings.push({
          check,
          severity: ageMin >= 10 ? "fail" : "warn",
          gotcha: "startup",
          message: `${instanceType} not Registered after ${Math.floor(ageMin)} min; Karpenter deletes it at ${REGISTRATION_TTL_MINUTES} min (${Math.ceil(left)} min left)`,
          fix: "the node has not joined: check the EC2_LINUX access entry of the node role, the AMI (al2023 alias) and the instance's console output",
        });
        continue;
      }
      if (condition(claim, "Initialized")?.status !== "True") {
        const node = nodes.find((n) => n.metadata.name === claim.status?.nodeName);
        const gpus = quantity(node?.status?.allocatable?.["nvidia.com/gpu"]);
        const taints = ((claim.spec?.taints ?? []) as { key: string; value?: string; effect: string }[]).map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`);
        if (gpus === 0) {
          findings.push({
            check,
            severity: "fail",
            gotcha: "device-plugin",
            message: `${instanceType} registered but not Initialized: node ${claim.status?.nodeName ?? "?"} advertises nvidia.com/gpu 0`,
            fix: `the NVIDIA device plugin is not running on the node: the GPU Operator DaemonSets must tolerate ${taints.join(", ") || "the node's taints"} (kubectl -n gpu-operator get pods -o wide)`,
          });
        } else {
          findings.push({ check, severity: "warn", gotcha: "startup", message: `${instanceType} registered, not yet Initialized (${Math.floor(ageMin)} min old)` });
        }
      }
    }
    if (nodeClaims.length && !findings.some((f) => f.check.startsWith("nodeclaim/"))) {
      findings.push({ check: "nodeclaims", severity: "ok", message: `${nodeClaims.length} NodeClaim(s), all launched, registered and initialized` });
    }
  });

  let events: K8sObject[] = [];
  attempt("events", () => {
    events = list(["get", "events", "-A"]);
    const quotaEvents = events.filter((e: any) => /InsufficientCapacity/.test(e.reason ?? "") && /VcpuLimitExceeded/.test(e.message ?? ""));
    const seen = new Set<string>();
    for (const e of quotaEvents as any[]) {
      const claim = nodeClaims.find((c) => c.metadata.name === e.involvedObject?.name);
      const poolName = claim?.metadata.labels?.["karpenter.sh/nodepool"];
      const pool = pools.find((p) => p.metadata.name === poolName);
      const buckets = claim ? bucketsOf(claim) : [];
      const key = `${poolName ?? "?"}:${buckets.map((b) => b.code).join(",")}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const cpuLimit = pool?.spec?.limits?.cpu;
      findings.push({
        check: `quota${poolName ? `/${poolName}` : ""}`,
        severity: "fail",
        gotcha: "quota",
        message: `EC2 refused capacity with VcpuLimitExceeded${claim ? ` for NodeClaim ${claim.metadata.name}` : ""}: ${e.message}`,
        fix: buckets.length
          ? `request more vCPUs for ${buckets.map((b) => `${b.code} "${b.name}"`).join(" or ")}${cpuLimit ? ` (at least ${cpuLimit}, the pool's limits.cpu, plus what other pools drawing on it may use: npm run capacity adds them up)` : ""} in Service Quotas, or lower the pool's limits.cpu`
          : "request more vCPUs for the G and VT / P quota of the pool's capacity type in Service Quotas (npm run capacity names them)",
      });
    }
  });

  // An account that never used Spot has no AWSServiceRoleForEC2Spot, and the controller role may not
  // create it. Confirmed in aws/karpenter-provider-aws v1.14.1 (pkg/errors/errors.go,
  // pkg/providers/instance/{instance,events}.go; PR #7998): CreateFleet's error code
  // "AuthFailure.ServiceLinkedRoleCreationNotPermitted" counts as insufficient capacity and marks all
  // spot offerings unavailable, so spot-only pools stay Pending while on-demand still launches. It
  // shows as the log line "failed launching nodeclaim" with error "creating instance, insufficient
  // capacity, with fleet error(s), AuthFailure.ServiceLinkedRoleCreationNotPermitted: The provided
  // credentials do not have permission to create the service-linked role for EC2 Spot Instances.",
  // as an InsufficientCapacityError event with that text, and as a NodeClaim event "Attempted to
  // launch a spot instance but failed due to "AuthFailure.ServiceLinkedRoleCreationNotPermitted"".
  attempt("spot", () => {
    const SLR = /ServiceLinkedRoleCreationNotPermitted/;
    let inLogs = false;
    try {
      inLogs = SLR.test(karpenterLogs());
    } catch {
      // no readable controller log: the events below still show it
    }
    const slrEvents = events.filter((e: any) => SLR.test(e.message ?? ""));
    if (!inLogs && slrEvents.length === 0) return;
    const claims = [...new Set(slrEvents.map((e: any) => e.involvedObject?.kind === "NodeClaim" ? e.involvedObject.name : undefined).filter(Boolean))];
    const seen = [
      ...(inLogs ? ["the controller logs"] : []),
      ...(slrEvents.length ? [`${slrEvents.length} event(s)${claims.length ? ` for NodeClaim(s) ${claims.join(", ")}` : ""}`] : []),
    ];
    const spotOnly = pools
      .filter((p) => {
        const req = ((p.spec?.template?.spec?.requirements ?? []) as { key: string; operator: string; values?: string[] }[]).find((r) => r.key === "karpenter.sh/capacity-type" && r.operator === "In");
        return req?.values?.length && req.values.every((v) => v === "spot");
      })
      .map((p) => p.metadata.name);
    findings.push({
      check: "spot",
      severity: "fail",
      gotcha: "spot-service-linked-role",
      message: `EC2 refused Spot with AuthFailure.ServiceLinkedRoleCreationNotPermitted (seen in ${seen.join(" and ")}): the account has no AWSServiceRoleForEC2Spot and Karpenter may not create it, so it treats all spot offerings as unavailable${spotOnly.length ? `; spot-only NodePool(s) ${spotOnly.join(", ")} get no nodes` : ""}`,
      fix: "set spotServiceLinkedRole: create in the karpenter-gpu config (it adds aws_iam_service_linked_role for spot.amazonaws.com) and apply, or run once per account: aws iam create-service-linked-role --aws-service-name spot.amazonaws.com",
    });
  });

  // Node repair acts on AcceleratedHardwareReady=False after 10 minutes (aws/karpenter-provider-aws
  // v1.14.1 pkg/cloudprovider/cloudprovider.go, RepairPolicies) when the NodeRepair gate is on.
  attempt("gpu-nodes", () => {
    const gpuNodes = karpenterNodes().filter((n) => quantity(n.status?.capacity?.["nvidia.com/gpu"]) > 0);
    if (gpuNodes.length === 0) return;
    let gate: boolean | undefined;
    try {
      gate = nodeRepairGate(karpenterDeployment());
    } catch {
      gate = undefined; // the karpenter check reports an unreadable Deployment
    }
    const reporting = gpuNodes.filter((n) => condition(n, ACCELERATED_HARDWARE_READY) !== undefined);
    if (reporting.length === 0) {
      findings.push({
        check: "gpu-nodes",
        severity: "warn",
        gotcha: "node-repair",
        message: `none of ${gpuNodes.length} GPU node(s) reports ${ACCELERATED_HARDWARE_READY}: the EKS node monitoring agent is not running on them, so a failed GPU goes unnoticed until a job fails`,
        fix: "set nodeRepair.monitoringAgent: install in the karpenter-gpu config and apply (or install the eks-node-monitoring-agent EKS add-on)",
      });
      return;
    }
    let unhealthy = 0;
    for (const node of reporting) {
      const c = condition(node, ACCELERATED_HARDWARE_READY)!;
      if (c.status === "True") continue;
      unhealthy++;
      const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : now.getTime();
      const sinceMin = Math.floor((now.getTime() - since) / 60_000);
      const what = `${ACCELERATED_HARDWARE_READY}=${c.status} for ${sinceMin} min (${[c.reason, c.message].filter(Boolean).join(": ") || "no reason given"})`;
      const claim = node.metadata.labels?.["karpenter.sh/nodeclaim"] ?? "<nodeclaim>";
      const left = Math.ceil(ACCELERATED_HARDWARE_TOLERATION_MINUTES - (now.getTime() - since) / 60_000);
      const repair =
        c.status !== "False"
          ? "node repair acts only on False"
          : gate === false
            ? "node repair is off (the NodeRepair gate), so it stays until replaced by hand"
            : `${gate === undefined ? "if the NodeRepair gate is on, " : ""}Karpenter replaces it ${left > 0 ? `in ${left} min` : "now"} (${ACCELERATED_HARDWARE_TOLERATION_MINUTES} min after the change; not while more than 20% of the pool's nodes are unhealthy)`;
      findings.push({
        check: `node/${node.metadata.name}`,
        severity: c.status === "False" ? "fail" : "warn",
        gotcha: "node-repair",
        message: `GPU hardware not healthy: ${what}; ${repair}`,
        fix: gate === false ? `set nodeRepair.enabled: true in the karpenter-gpu config, or replace the node now: kubectl delete nodeclaim ${claim}` : `to replace it now: kubectl delete nodeclaim ${claim}`,
      });
    }
    if (unhealthy === 0) findings.push({ check: "gpu-nodes", severity: "ok", message: `${reporting.length} GPU node(s) report healthy GPU hardware` });
  });

  // A sharing pool's nodes must advertise what its NodeOverlays promised Karpenter: GPUs × replicas
  // with time-slicing, GPUs × the profile's instances on that GPU with MIG.
  attempt("gpu-sharing", () => {
    for (const node of karpenterNodes()) {
      const labels = node.metadata.labels ?? {};
      const gpus = Number(labels["karpenter.k8s.aws/instance-gpu-count"]);
      if (!(gpus > 0)) continue;
      const replicas = /^time-slicing-([0-9]+)$/.exec(labels[DEVICE_PLUGIN_CONFIG_LABEL] ?? "")?.[1];
      const mig = labels[MIG_CONFIG_LABEL];
      const migPerGpu = mig === undefined ? undefined : migSlices(mig, { gpuName: labels["karpenter.k8s.aws/instance-gpu-name"] ?? "", gpuMemoryMiB: Number(labels["karpenter.k8s.aws/instance-gpu-memory"]) });
      const perGpu = replicas !== undefined ? Number(replicas) : migPerGpu;
      if (perGpu === undefined) continue;
      const promised = gpus * perGpu;
      // What pods can get: allocatable (capacity stays while a stopped device plugin's devices age out).
      const advertised = quantity((node.status?.allocatable ?? node.status?.capacity)?.["nvidia.com/gpu"]);
      if (advertised === promised) continue;
      const pool = labels["karpenter.sh/nodepool"] ?? "?";
      const state = labels[MIG_CONFIG_STATE_LABEL];
      const paused = labels[DEVICE_PLUGIN_DEPLOY_LABEL] === PAUSED_FOR_MIG_CHANGE;
      const claim = labels["karpenter.sh/nodeclaim"] ?? "<nodeclaim>";
      const overLaunch = "it launches nodes for pods that then do not fit, until the pool's limit stops it and pods stay Pending";
      if (replicas !== undefined) {
        findings.push({
          check: `node/${node.metadata.name}`,
          severity: "fail",
          gotcha: "gpu-sharing",
          message: `advertises nvidia.com/gpu ${advertised}, but its pool ${pool} shares each of its ${gpus} GPU(s) ${replicas} ways, so Karpenter plans with ${promised}: ${overLaunch}`,
          fix:
            advertised === gpus
              ? `the device plugin has not applied the time-slicing-${replicas} config: check that gpuOperator is applied with it (kubectl -n gpu-operator get configmap karpenter-gpu-device-plugin-config) and the device plugin pod's config-manager logs`
              : "kubectl -n gpu-operator get pods -o wide (the device plugin on this node)",
        });
        continue;
      }
      // MIG: the device plugin is paused (0 advertised, the node not initialized for Karpenter) until the MIG manager has applied the profile.
      const applying = state === undefined || state === "pending" || state === "rebooting";
      findings.push({
        check: `node/${node.metadata.name}`,
        severity: applying ? "warn" : "fail",
        gotcha: "gpu-sharing",
        message: applying
          ? `advertises nvidia.com/gpu ${advertised} while the MIG manager splits its ${gpus} GPU(s) into ${perGpu} ${mig} instances each (${MIG_CONFIG_STATE_LABEL}=${state ?? "not set yet"}): Karpenter waits for the ${promised} its overlay promised`
          : `advertises nvidia.com/gpu ${advertised}, but its pool ${pool} splits each of its ${gpus} GPU(s) into ${perGpu} MIG instances (${mig}), so Karpenter plans with ${promised}: ${overLaunch}`,
        fix: applying
          ? `wait a few minutes and run doctor again; if it stays so, check that the MIG manager runs on this node (kubectl -n gpu-operator get pods -o wide -l app=nvidia-mig-manager)`
          : state === "success" && paused
            ? `the MIG manager applied ${mig} but left the device plugin paused (${DEVICE_PLUGIN_DEPLOY_LABEL}=${PAUSED_FOR_MIG_CHANGE}; it does so when it finds the config already applied): kubectl label node ${node.metadata.name} ${DEVICE_PLUGIN_DEPLOY_LABEL}=true --overwrite`
            : state === "failed"
              ? `the MIG manager failed to apply ${mig} and leaves the device plugin paused: kubectl -n gpu-operator logs -l app=nvidia-mig-manager --tail=50; once the cause is fixed, replace the node: kubectl delete nodeclaim ${claim}`
              : `${MIG_CONFIG_STATE_LABEL} is ${state}: check the device plugin on this node (kubectl -n gpu-operator get pods -o wide) and that mig.strategy is single`,
      });
    }
  });

  attempt("gpu-operator", () => {
    const pods = list(["get", "pods", "-n", options.gpuOperatorNamespace ?? "gpu-operator"]);
    const bad = pods.filter((p) => p.status?.phase !== "Succeeded" && condition(p, "Ready")?.status !== "True");
    if (pods.length === 0) {
      findings.push({ check: "gpu-operator", severity: "fail", gotcha: "device-plugin", message: "no GPU Operator pods", fix: "apply the <cluster>-charts stack" });
    } else if (bad.length) {
      for (const p of bad) {
        const waiting = (p.status?.containerStatuses ?? []).map((c: any) => c.state?.waiting?.reason).filter(Boolean);
        findings.push({
          check: `gpu-operator/${p.metadata.name}`,
          severity: "fail",
          gotcha: "device-plugin",
          message: `not Ready (${p.status?.phase}${waiting.length ? `, ${waiting.join(", ")}` : ""}) on node ${p.spec?.nodeName ?? "?"}`,
          fix: `kubectl -n ${p.metadata.namespace ?? "gpu-operator"} logs ${p.metadata.name}`,
        });
      }
    } else {
      findings.push({ check: "gpu-operator", severity: "ok", message: `${pods.length} pod(s) Ready or completed` });
    }
  });

  return findings;
}

/** The quota buckets a NodeClaim's requirements point to (capacity type × instance category). */
function bucketsOf(claim: K8sObject): QuotaBucket[] {
  const reqs = (claim.spec?.requirements ?? []) as { key: string; operator: string; values?: string[] }[];
  const values = (key: string) => reqs.find((r) => r.key === key && r.operator === "In")?.values ?? [];
  const type = claim.metadata.labels?.["node.kubernetes.io/instance-type"];
  const categories = type ? [type.startsWith("p") ? "p" : "g"] : values("karpenter.k8s.aws/instance-category");
  const capacity = claim.metadata.labels?.["karpenter.sh/capacity-type"];
  const capacityTypes = (capacity ? [capacity] : values("karpenter.sh/capacity-type")) as ("spot" | "on-demand" | "reserved")[];
  const out = new Map<string, QuotaBucket>();
  for (const c of capacityTypes) for (const cat of categories) {
    const bucket = quotaBucketFor(cat === "p" ? "P" : "G and VT", c);
    out.set(bucket.code, bucket);
  }
  return [...out.values()];
}

/** The findings as text for a terminal, worst first within the order the checks ran. */
export function formatFindings(findings: readonly Finding[]): string {
  const mark: Record<Severity, string> = { ok: "ok  ", warn: "WARN", fail: "FAIL" };
  const lines = findings.map((f) => {
    const gotcha = f.gotcha ? ` [${f.gotcha}]` : "";
    return `${mark[f.severity]} ${f.check}${gotcha}: ${f.message}${f.fix ? `\n       fix: ${f.fix}` : ""}`;
  });
  const counts = (s: Severity) => findings.filter((f) => f.severity === s).length;
  lines.push("", `${counts("fail")} failing, ${counts("warn")} warning(s), ${counts("ok")} ok`);
  return `${lines.join("\n")}\n`;
}
