/**
 * `karpenter-gpu doctor` against recorded kubectl output: a stub `kubectl` on PATH answers each
 * command from __tests__/fixtures/doctor/<scenario>/ (written in the shapes kubectl prints).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { quantity, runDoctor, type Finding } from "../../cli/doctor.js";
import { bundled, ROOT, tempDir } from "../helpers.js";

const STUB = `#!/usr/bin/env node
const fs = require("fs");
const path = require("path");
const args = process.argv.slice(2);
fs.appendFileSync(process.env.KUBECTL_LOG, JSON.stringify(args) + "\\n");
const at = args.indexOf("--context");
if (at >= 0) args.splice(at, 2);
const routes = JSON.parse(fs.readFileSync(path.join(process.env.KUBECTL_FIXTURES, "..", "routes.json"), "utf8"));
const file = routes[args.join(" ")] && path.join(process.env.KUBECTL_FIXTURES, routes[args.join(" ")]);
if (!file || !fs.existsSync(file)) {
  process.stderr.write("error: the server doesn't have a resource type for: kubectl " + args.join(" ") + "\\n");
  process.exit(1);
}
process.stdout.write(fs.readFileSync(file));
`;

function doctor(scenario: string, ...flags: string[]) {
  const bin = tempDir("kubectl-");
  writeFileSync(join(bin, "kubectl"), STUB);
  chmodSync(join(bin, "kubectl"), 0o755);
  const log = join(bin, "calls.log");
  writeFileSync(log, "");
  try {
    const run = spawnSync(process.execPath, [bundled("cli/main.ts"), "doctor", ...flags], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        KUBECTL_FIXTURES: join(ROOT, "__tests__", "fixtures", "doctor", scenario),
        KUBECTL_LOG: log,
        KARPENTER_GPU_DOCTOR_NOW: "2026-11-28T10:00:00Z",
      },
    });
    const calls = readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as string[]);
    return { ...run, calls };
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

const findingsOf = (run: { stdout: string }) => JSON.parse(run.stdout) as Finding[];

const SPOT_ROLE_FIX =
  "set spotServiceLinkedRole: create in the karpenter-gpu config (it adds aws_iam_service_linked_role for spot.amazonaws.com) and apply, or run once per account: aws iam create-service-linked-role --aws-service-name spot.amazonaws.com";

describe("karpenter-gpu doctor", () => {
  it("reports a healthy cluster and exits 0", () => {
    const run = doctor("healthy", "--json");
    assert.equal(run.status, 0, run.stderr);
    const findings = findingsOf(run);
    assert.deepEqual(findings.map((f) => [f.check, f.severity]), [
      ["karpenter", "ok"],
      ["nodepool/gpu-workloads", "ok"],
      ["nodeclaims", "ok"],
      ["gpu-nodes", "ok"],
      ["gpu-operator", "ok"],
    ]);
    assert.equal(findings.find((f) => f.check === "gpu-operator")?.message, "3 pod(s) Ready or completed");
    assert.equal(findings.find((f) => f.check === "gpu-nodes")?.message, "1 GPU node(s) report healthy GPU hardware");
  });

  it("uses the given context on every kubectl call", () => {
    const run = doctor("healthy", "--context", "prod-admin", "--json");
    assert.ok(run.calls.length >= 5);
    for (const call of run.calls) assert.deepEqual(call.slice(0, 2), ["--context", "prod-admin"]);
  });

  describe("on a broken cluster", () => {
    const run = doctor("broken", "--json");
    const findings = findingsOf(run);
    const find = (check: string) => {
      const f = findings.filter((x) => x.check === check);
      assert.ok(f.length, `no finding for ${check}: ${JSON.stringify(findings, null, 1)}`);
      return f;
    };

    it("exits non-zero", () => assert.equal(run.status, 1));

    it("says Karpenter is not ready and quotes its last errors from the logs", () => {
      const [k] = find("karpenter");
      assert.equal(k.severity, "fail");
      assert.match(k.message, /^controller not ready \(0\/2\); last errors:/);
      assert.match(k.message, /failed listing instance types for default: operation error EC2: DescribeInstanceTypes.*UnauthorizedOperation/);
      assert.match(k.message, /Reconciler error: getting AMIs, operation error SSM: GetParameter, AccessDenied/);
      assert.ok(run.calls.some((c) => c.join(" ") === "logs -n kube-system deployment/karpenter --tail=100"));
    });

    it("flags a controller replica the scheduler cannot place, with its message and how to make room", () => {
      const [s] = find("karpenter/scheduling");
      assert.deepEqual([s.severity, s.gotcha], ["fail", "controller-scheduling"]);
      assert.equal(
        s.message,
        "1 of 2 controller replica(s) cannot be scheduled (karpenter-7d9f8b6c5d-wr5tz): 0/3 nodes are available: 1 node(s) didn't match pod anti-affinity rules, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
      );
      assert.equal(
        s.fix,
        "the chart spreads its replicas over zones, one per node, and keeps them off nodes Karpenter manages: run at least two nodes not managed by Karpenter, in two zones (EKS managed node group or Fargate), or for a single-node test cluster set replicas: 1 in karpenter.additionalValues",
      );
      assert.ok(run.calls.some((c) => c.join(" ") === "get pods -n kube-system -l app.kubernetes.io/name=karpenter -o json"));
    });

    it("flags a pool at its CPU limit and a pool that is not Ready", () => {
      const [limit] = find("nodepool/gpu-workloads");
      assert.deepEqual([limit.severity, limit.gotcha], ["fail", "limits"]);
      assert.match(limit.message, /at its cpu limit \(1000\/1000\)/);
      assert.match(limit.fix ?? "", /raise limits\.cpu of pool gpu-workloads/);
      assert.match(find("nodepool/gpu-training")[0].message, /^not Ready: NodeClassReady=False/);
    });

    it("flags a NodeClaim stuck before Registered, with the time left before the 15-minute limit", () => {
      const [stuck] = find("nodeclaim/gpu-workloads-a1b2c");
      assert.deepEqual([stuck.severity, stuck.gotcha], ["fail", "startup"]);
      assert.equal(stuck.message, "g6e.12xlarge not Registered after 12 min; Karpenter deletes it at 15 min (3 min left)");
    });

    it("names the device plugin when a registered GPU node advertises no nvidia.com/gpu", () => {
      const [dp] = find("nodeclaim/gpu-workloads-d3e4f");
      assert.deepEqual([dp.severity, dp.gotcha], ["fail", "device-plugin"]);
      assert.match(dp.message, /advertises nvidia\.com\/gpu 0/);
      assert.match(dp.fix ?? "", /must tolerate sku=gpu:NoSchedule/);
    });

    it("turns VcpuLimitExceeded events into the quota to raise, once per pool", () => {
      const quota = find("quota/gpu-workloads");
      assert.equal(quota.length, 1, "two events for the same pool give one finding");
      assert.equal(quota[0].gotcha, "quota");
      assert.match(quota[0].fix ?? "", /^request more vCPUs for L-7212CCBC "All P Spot Instance Requests" \(at least 1000, the pool's limits\.cpu, plus what other pools drawing on it may use: npm run capacity adds them up\) in Service Quotas/);
    });

    it("finds the missing Spot service-linked role from events alone, when the logs do not show it", () => {
      const [spot] = find("spot");
      assert.deepEqual([spot.severity, spot.gotcha], ["fail", "spot-service-linked-role"]);
      assert.match(spot.message, /^EC2 refused Spot with AuthFailure\.ServiceLinkedRoleCreationNotPermitted \(seen in 1 event\(s\) for NodeClaim\(s\) gpu-workloads-m4n5p\): /);
      assert.doesNotMatch(spot.message, /spot-only/, "neither pool is restricted to spot");
      assert.equal(spot.fix, SPOT_ROLE_FIX);
    });

    it("names a GPU node whose hardware failed, why, and when node repair replaces it", () => {
      const [node] = find("node/ip-10-0-2-9.us-west-2.compute.internal");
      assert.deepEqual([node.severity, node.gotcha], ["fail", "node-repair"]);
      assert.equal(
        node.message,
        "GPU hardware not healthy: AcceleratedHardwareReady=False for 4 min (NvidiaXID79Error: GPU has fallen off the bus); if the NodeRepair gate is on, Karpenter replaces it in 6 min (10 min after the change; not while more than 20% of the pool's nodes are unhealthy)",
      );
      assert.equal(node.fix, "to replace it now: kubectl delete nodeclaim gpu-workloads-x1y2z");
      assert.ok(!findings.some((f) => f.check === "node/ip-10-0-2-10.us-west-2.compute.internal"), "a healthy GPU node is not listed");
    });

    it("lists GPU Operator pods that are not Ready, with their waiting reason", () => {
      const [pod] = find("gpu-operator/nvidia-device-plugin-daemonset-p9q8r");
      assert.match(pod.message, /not Ready \(Running, CrashLoopBackOff\) on node ip-10-0-2-7/);
    });
  });

  describe("on an account without the Spot service-linked role", () => {
    const run = doctor("no-spot-role", "--json");
    const findings = findingsOf(run);

    it("fails while the controller is Ready, naming the role, where it was seen and the spot-only pool", () => {
      assert.equal(run.status, 1, run.stderr);
      assert.deepEqual(findings.map((f) => [f.check, f.severity]), [
        ["karpenter", "ok"],
        ["nodepool/gpu-workloads", "ok"],
        ["nodepool/gpu-training-spot", "ok"],
        ["nodeclaims", "ok"],
        ["spot", "fail"],
        ["gpu-operator", "ok"],
      ]);
      const spot = findings.find((f) => f.check === "spot")!;
      assert.equal(spot.gotcha, "spot-service-linked-role");
      assert.equal(
        spot.message,
        "EC2 refused Spot with AuthFailure.ServiceLinkedRoleCreationNotPermitted (seen in the controller logs and 2 event(s) for NodeClaim(s) gpu-training-spot-k7m2n): the account has no AWSServiceRoleForEC2Spot and Karpenter may not create it, so it treats all spot offerings as unavailable; spot-only NodePool(s) gpu-training-spot get no nodes",
      );
      assert.equal(spot.fix, SPOT_ROLE_FIX);
    });
  });

  it("prints a readable report by default", () => {
    const run = doctor("broken");
    assert.match(run.stdout, /^FAIL karpenter: controller not ready \(0\/2\)/);
    assert.match(run.stdout, /FAIL nodeclaim\/gpu-workloads-d3e4f \[device-plugin\]: /);
    assert.match(run.stdout, /\n\d+ failing, \d+ warning\(s\), \d+ ok\n$/);
  });

  it("says so when the cluster cannot be reached, instead of five identical errors", () => {
    const run = doctor("missing-scenario", "--json");
    assert.equal(run.status, 1);
    assert.deepEqual(findingsOf(run).map((f) => f.check), ["cluster"]);
  });

  describe("GPU node health without the fixtures' defaults", () => {
    /** The doctor against a cluster whose only answers are a ready controller (with these gates) and these Karpenter nodes. */
    const healthOf = (gates: string | undefined, nodes: unknown[]) => {
      const answers: Record<string, unknown> = {
        "get deployment karpenter -n kube-system -o json": { spec: { replicas: 1, template: { spec: { containers: [{ env: gates === undefined ? [] : [{ name: "FEATURE_GATES", value: gates }] }] } } }, status: { readyReplicas: 1 } },
        "get nodes -l karpenter.sh/nodepool -o json": { items: nodes },
      };
      const kubectl = (args: readonly string[]) => {
        const key = args.join(" ");
        if (key === "get --raw /version") return "{}";
        if (key in answers) return JSON.stringify(answers[key]);
        return JSON.stringify({ items: [] });
      };
      return runDoctor(kubectl, { now: new Date("2026-11-28T10:00:00Z") }).filter((f) => f.check === "gpu-nodes" || f.check.startsWith("node/"));
    };
    const gpuNode = (conditions: unknown[]) => ({ metadata: { name: "n1", labels: { "karpenter.sh/nodeclaim": "pool-abc" } }, status: { capacity: { "nvidia.com/gpu": "1" }, conditions } });

    it("warns when no GPU node reports AcceleratedHardwareReady: the monitoring agent is missing", () => {
      const [f, ...rest] = healthOf("NodeRepair=true", [gpuNode([{ type: "Ready", status: "True" }])]);
      assert.deepEqual(rest, []);
      assert.deepEqual([f.check, f.severity, f.gotcha], ["gpu-nodes", "warn", "node-repair"]);
      assert.match(f.message, /^none of 1 GPU node\(s\) reports AcceleratedHardwareReady: the EKS node monitoring agent is not running/);
      assert.match(f.fix ?? "", /nodeRepair\.monitoringAgent: install/);
    });

    /** kubectl's answers for a cluster whose only Karpenter node is `node`. */
    const answers = (node: unknown) => (args: readonly string[]) => {
      const key = args.join(" ");
      if (key === "get --raw /version") return "{}";
      if (key === "get nodes -l karpenter.sh/nodepool -o json") return JSON.stringify({ items: [node] });
      if (key.startsWith("get deployment karpenter")) return JSON.stringify({ spec: { replicas: 1 }, status: { readyReplicas: 1 } });
      return JSON.stringify({ items: [] });
    };

    it("names a time-sliced node that advertises less than its overlay promised, and the usual cause", () => {
      const sliced = (advertised: string) => ({
        metadata: { name: "n2", labels: { "karpenter.sh/nodepool": "shared", "nvidia.com/device-plugin.config": "time-slicing-4", "karpenter.k8s.aws/instance-gpu-count": "1" } },
        status: { capacity: { "nvidia.com/gpu": advertised }, conditions: [{ type: "AcceleratedHardwareReady", status: "True" }] },
      });
      const [f] = runDoctor(answers(sliced("1")), { now: new Date("2026-11-28T10:00:00Z") }).filter((x) => x.gotcha === "gpu-sharing");
      assert.equal(f.message, "advertises nvidia.com/gpu 1, but its pool shared shares each of its 1 GPU(s) 4 ways, so Karpenter plans with 4: it launches nodes for pods that then do not fit, until the pool's limit stops it and pods stay Pending");
      assert.match(f.fix ?? "", /has not applied the time-slicing-4 config/);
      assert.deepEqual(runDoctor(answers(sliced("4")), { now: new Date("2026-11-28T10:00:00Z") }).filter((x) => x.gotcha === "gpu-sharing"), []);
    });

    it("names a MIG node that advertises other than its profile's instances, with what the MIG manager's state and the paused device plugin say", () => {
      const migNode = (advertised: string, state?: string, plugin = "paused-for-mig-change") => ({
        metadata: {
          name: "n3",
          labels: {
            "karpenter.sh/nodepool": "mig",
            "karpenter.sh/nodeclaim": "mig-xyz",
            "nvidia.com/mig.config": "all-1g.10gb",
            "nvidia.com/gpu.deploy.device-plugin": plugin,
            ...(state ? { "nvidia.com/mig.config.state": state } : {}),
            "karpenter.k8s.aws/instance-gpu-count": "8",
            "karpenter.k8s.aws/instance-gpu-name": "a100",
            "karpenter.k8s.aws/instance-gpu-memory": "40960",
          },
        },
        status: { capacity: { "nvidia.com/gpu": "8" }, allocatable: { "nvidia.com/gpu": advertised }, conditions: [{ type: "AcceleratedHardwareReady", status: "True" }] },
      });
      const sharing = (node: unknown) => runDoctor(answers(node), { now: new Date("2026-11-28T10:00:00Z") }).filter((x) => x.gotcha === "gpu-sharing");
      // An A100 40 GB holds four 1g.10gb instances: 8 GPUs × 4. While the MIG manager works, a warning, not a failure.
      const [pending] = sharing(migNode("0", "pending"));
      assert.deepEqual([pending.severity, pending.message], ["warn", "advertises nvidia.com/gpu 0 while the MIG manager splits its 8 GPU(s) into 4 all-1g.10gb instances each (nvidia.com/mig.config.state=pending): Karpenter waits for the 32 its overlay promised"]);
      const [failed] = sharing(migNode("0", "failed"));
      assert.equal(failed.severity, "fail");
      assert.equal(failed.message, "advertises nvidia.com/gpu 0, but its pool mig splits each of its 8 GPU(s) into 4 MIG instances (all-1g.10gb), so Karpenter plans with 32: it launches nodes for pods that then do not fit, until the pool's limit stops it and pods stay Pending");
      assert.match(failed.fix ?? "", /failed to apply all-1g\.10gb .*logs -l app=nvidia-mig-manager.*kubectl delete nodeclaim mig-xyz/);
      assert.match(sharing(migNode("0", "success"))[0].fix ?? "", /left the device plugin paused .*kubectl label node n3 nvidia\.com\/gpu\.deploy\.device-plugin=true --overwrite/);
      assert.deepEqual(sharing(migNode("32", "success", "true")), [], "allocatable, not capacity, is compared");
    });

    it("says a failed GPU stays until replaced by hand when the gate is off, and is replaced now past 10 minutes when it is on", () => {
      const failed = gpuNode([{ type: "AcceleratedHardwareReady", status: "False", reason: "NvidiaXID48Error", lastTransitionTime: "2026-11-28T09:30:00Z" }]);
      const [off] = healthOf("NodeRepair=false,StaticCapacity=true", [failed]);
      assert.match(off.message, /for 30 min \(NvidiaXID48Error\); node repair is off \(the NodeRepair gate\), so it stays until replaced by hand$/);
      assert.equal(off.fix, "set nodeRepair.enabled: true in the karpenter-gpu config, or replace the node now: kubectl delete nodeclaim pool-abc");
      const [on] = healthOf("ReservedCapacity=true,NodeRepair=true", [failed]);
      assert.match(on.message, /; Karpenter replaces it now \(10 min after the change;/);
      assert.deepEqual(healthOf("NodeRepair=true", []), [], "a cluster without GPU nodes has nothing to report");
    });
  });

  it("parses Kubernetes quantities", () => {
    assert.deepEqual(["1000", "500m", "16Gi", 8, undefined].map((q) => quantity(q as string)), [1000, 0.5, 16 * 2 ** 30, 8, 0]);
  });
});

describe("karpenter-gpu capacity", () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [bundled("cli/main.ts"), ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, KARPENTER_GPU_CONFIG: "" } });

  it("prints the report for a config, as text or JSON", () => {
    const text = cli("capacity", "--config", join(ROOT, "examples", "spot-training-on-demand-inference.yaml"));
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /Pool gpu-training-spot: caps cpu 768 vCPU, nvidia\.com\/gpu 64; capacity spot/);
    const json = JSON.parse(cli("capacity", "--config", join(ROOT, "examples", "default.yaml"), "--json").stdout);
    assert.equal(json.pools[0].pool, "gpu-workloads");
  });

  it("asks for a config when none is named, and rejects unknown commands", () => {
    const none = cli("capacity");
    assert.equal(none.status, 2);
    assert.match(none.stderr, /capacity needs a config file/);
    assert.equal(cli("frobnicate").status, 2);
  });
});
