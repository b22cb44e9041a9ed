/**
 * Disruption that does not kill busy GPU nodes: the defaults of a pool that states no
 * disruption, termination grace, node labels, kubelet settings and the AMI pin warning.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { parseConfig } from "../../modules/config/parse.js";
import { type KarpenterGpuConfigInput } from "../../modules/config/schema.js";
import { buildGpuNodePool, DEFAULT_GPU_BUDGETS } from "../../modules/karpenter/node-pool-spec.js";
import { GpuNodeClass } from "../../modules/nodepools/node-class.js";
import { GpuNodePool } from "../../modules/nodepools/node-pool.js";
import { buildStacks } from "../../modules/stacks/app.js";
import { configInput, configProblems, newApp, ofType, synthOf, synthStack } from "../helpers.js";

type PoolInput = KarpenterGpuConfigInput["nodePools"][number];
const pool = (p: Partial<PoolInput> = {}): PoolInput => ({ name: "gpu-workloads", nodeClass: "gpu-nodeclass", limits: { cpu: 1000 }, ...p });
const manifests = (input: KarpenterGpuConfigInput) =>
  Object.values(ofType(synthOf(buildStacks(newApp(), parseConfig(input)).nodePools).resource, "kubernetes_manifest")).map((m) => m.manifest as any);
const nodePoolOf = (input: KarpenterGpuConfigInput) => manifests(input).find((m) => m.kind === "NodePool");

describe("GPU disruption defaults", () => {
  it("a pool without a disruption block waits 5 minutes to consolidate and is not disrupted for drift or underutilization in weekday working hours (UTC)", () => {
    assert.deepEqual(nodePoolOf(configInput({ nodePools: [pool()] })).spec.disruption, {
      consolidationPolicy: "WhenEmptyOrUnderutilized",
      consolidateAfter: "5m",
      budgets: [
        { nodes: "0", reasons: ["Drifted", "Underutilized"], schedule: "0 8 * * mon-fri", duration: "10h" },
        { nodes: "10%" },
      ],
    });
  });

  it("a pool that states its disruption gets exactly that (the seed keeps 30 s and Karpenter's default budget)", () => {
    assert.deepEqual(nodePoolOf(configInput({ nodePools: [pool({ disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "30s" } })] })).spec.disruption, {
      consolidationPolicy: "WhenEmptyOrUnderutilized",
      consolidateAfter: "30s",
    });
    assert.deepEqual(nodePoolOf(configInput({ nodePools: [pool({ disruption: { consolidationPolicy: "WhenEmpty" } })] })).spec.disruption, {
      consolidationPolicy: "WhenEmpty",
      consolidateAfter: "5m",
    }, "an unstated consolidateAfter is the GPU default");
  });

  it("the construct's defaults: 5 minutes, and DEFAULT_GPU_BUDGETS only when asked", () => {
    const built = buildGpuNodePool({ name: "p", nodeClassName: "c", cpuLimit: 100 });
    assert.equal(built.spec.disruption?.consolidateAfter, "5m");
    assert.equal(built.spec.disruption?.budgets, undefined);
    assert.deepEqual(buildGpuNodePool({ name: "p", nodeClassName: "c", cpuLimit: 100, budgets: DEFAULT_GPU_BUDGETS }).spec.disruption?.budgets, DEFAULT_GPU_BUDGETS);
  });
});

describe("termination grace and node labels", () => {
  it("writes terminationGracePeriod and template labels; leaves them out by default (no forced termination)", () => {
    const np = nodePoolOf(configInput({ nodePools: [pool({ terminationGracePeriod: "2h", labels: { team: "ml", "example.com/tier": "training" } })] }));
    assert.equal(np.spec.template.spec.terminationGracePeriod, "2h");
    assert.deepEqual(np.spec.template.metadata, { labels: { team: "ml", "example.com/tier": "training" } });
    const plain = nodePoolOf(configInput({ nodePools: [pool()] }));
    assert.equal(plain.spec.template.spec.terminationGracePeriod, undefined);
    assert.equal(plain.spec.template.metadata, undefined);
  });

  it("refuses a grace period of Never and labels in the domains Karpenter restricts, at the config key", () => {
    assert.deepEqual(configProblems(() => parseConfig(configInput({ nodePools: [pool({ terminationGracePeriod: "Never" })] }))), [
      'nodePools[0].terminationGracePeriod: must be a duration such as "30m" or "2h" (no "Never": leave it out for no limit) (got "Never")',
    ]);
    const [problem, ...rest] = configProblems(() => parseConfig(configInput({ nodePools: [pool({ labels: { "karpenter.sh/team": "ml" } })] })));
    assert.equal(rest.length, 0);
    assert.match(problem, /^nodePools\[0\]\.labels.*: label domain "karpenter\.sh" is restricted \(NodePool gpu-workloads: spec\.template\.metadata\.labels/);
  });

  it("GpuNodePool takes the same props", () => {
    const s = synthStack((stack) => new GpuNodePool(stack, "pool", { name: "p", nodeClassName: "c", cpuLimit: 100, terminationGracePeriod: "45m", labels: { team: "ml" } }));
    const m = Object.values(ofType(s.resource, "kubernetes_manifest"))[0].manifest as any;
    assert.equal(m.spec.template.spec.terminationGracePeriod, "45m");
    assert.deepEqual(m.spec.template.metadata.labels, { team: "ml" });
  });
});

describe("kubelet settings of a node class", () => {
  const nodeClassOf = (kubelet: unknown) => manifests(configInput({ nodeClasses: [{ name: "gpu-nodeclass", amiAlias: "al2023@v20251120", kubelet } as any] })).find((m) => m.kind === "EC2NodeClass");

  it("writes image GC thresholds, reservations, eviction and maxPods to spec.kubelet", () => {
    const kubelet = { imageGCHighThresholdPercent: 80, imageGCLowThresholdPercent: 60, kubeReserved: { cpu: "200m", memory: "2Gi" }, systemReserved: { memory: "1Gi" }, evictionHard: { "memory.available": "5%" }, maxPods: 110 };
    assert.deepEqual(nodeClassOf(kubelet).spec.kubelet, kubelet);
    assert.equal(nodeClassOf(undefined).spec.kubelet, undefined);
  });

  it("refuses what the CRD refuses, and keys it does not offer, at the config key", () => {
    const problems = (kubelet: unknown) => configProblems(() => parseConfig(configInput({ nodeClasses: [{ name: "gpu-nodeclass", kubelet } as any] })));
    assert.match(problems({ imageGCHighThresholdPercent: 50, imageGCLowThresholdPercent: 70 }).join("\n"), /^nodeClasses\[0\]\.kubelet.*imageGCHighThresholdPercent must be greater than imageGCLowThresholdPercent/m);
    assert.match(problems({ kubeReserved: { gpu: "1" } }).join("\n"), /^nodeClasses\[0\]\.kubelet\.kubeReserved.*valid keys for kubeReserved are \['cpu','memory','ephemeral-storage','pid'\]/m);
    assert.deepEqual(problems({ cpuCFSQuota: false }), [
      'nodeClasses[0].kubelet.cpuCFSQuota: unknown key; allowed keys here: imageGCHighThresholdPercent, imageGCLowThresholdPercent, kubeReserved, systemReserved, evictionHard, maxPods',
    ]);
    assert.deepEqual(problems({ imageGCHighThresholdPercent: 101 }), ["nodeClasses[0].kubelet.imageGCHighThresholdPercent: must be a whole percentage from 0 to 100 (got 101)"]);
  });
});

describe("AMI pinning", () => {
  const warningsOf = (amiAlias?: string) => {
    let nc: GpuNodeClass | undefined;
    synthStack((stack) => (nc = new GpuNodeClass(stack, "nc", { name: "gpu", clusterName: "prod-cluster", roleName: "KarpenterNodeRole-prod-cluster", amiAlias })));
    return nc!.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
  };
  it("warns that al2023@latest replaces nodes at every AMI release, and is quiet for a pinned alias", () => {
    assert.deepEqual(warningsOf("al2023@v20251120"), []);
    const [warning] = warningsOf(undefined);
    assert.match(warning, /^EC2NodeClass gpu uses al2023@latest: each new EKS AMI release marks every node of this class as drifted/);
    assert.match(warning, /Pin a release \(e\.g\. al2023@v20251120\)/);
  });
});

describe("expiry that tells the truth", () => {
  const poolWarnings = (props: Partial<ConstructorParameters<typeof GpuNodePool>[2]>) => {
    let np: GpuNodePool | undefined;
    synthStack((stack) => (np = new GpuNodePool(stack, "np", { name: "gpu", nodeClassName: "gpu", ...(props.replicas === undefined ? { cpuLimit: 96 } : {}), ...props })));
    return np!.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
  };

  it("warns about a pool whose expired nodes have no bounded drain, naming both keys and the consequence", () => {
    const [warning, ...rest] = poolWarnings({});
    assert.deepEqual(rest, []);
    assert.match(warning, /^NodePool gpu: expireAfter is 720h and terminationGracePeriod is not set\. Karpenter deletes an expired node at once, outside the disruption budgets and without starting a replacement first/);
    assert.match(warning, /keeps the node cordoned \(and billed\) until it ends\. Set terminationGracePeriod to bound the drain, or expireAfter: Never/);
    assert.deepEqual(poolWarnings({ terminationGracePeriod: "24h" }), []);
    assert.deepEqual(poolWarnings({ expireAfter: "Never" }), []);
  });

  it("gives a static pool no expiry, and warns when one is set without a grace period: its nodes expire together", () => {
    assert.deepEqual(poolWarnings({ replicas: 2 }), []);
    assert.match(poolWarnings({ replicas: 2, expireAfter: "336h" })[0], /a static pool's nodes, started together, expire together/);
  });
});

describe("node repair", () => {
  const stacksOf = (input: KarpenterGpuConfigInput) => buildStacks(newApp(), parseConfig(input));
  const karpenterValues = (input: KarpenterGpuConfigInput) =>
    parse((Object.entries(ofType(synthOf(stacksOf(input).charts).resource, "helm_release")).find(([k]) => k.startsWith("karpenter_controller"))![1].values as string[])[0]);

  it("is on by default: the nodeRepair gate, and a plan-time warning (not an error) when the node monitoring agent is missing", () => {
    const c = parseConfig(configInput());
    assert.deepEqual(c.nodeRepair, { enabled: true, monitoringAgent: "warn" });
    assert.deepEqual(karpenterValues(configInput()).settings.featureGates, { nodeRepair: true });
    const aws = synthOf(stacksOf(configInput()).aws) as Record<string, any>;
    const check = aws.check.node_monitoring_agent;
    assert.deepEqual(check.data.aws_eks_addon.node_monitoring_agent, { cluster_name: "prod-cluster", addon_name: "eks-node-monitoring-agent" });
    assert.match(check.assert[0].error_message, /^The eks-node-monitoring-agent add-on is not on cluster prod-cluster: Karpenter's node repair then replaces only nodes that stop being Ready, not nodes whose GPU fails/);
    assert.deepEqual(ofType(aws.resource, "aws_eks_addon"), {});
  });

  it("installs the add-on (adopting self-managed objects), checks it is present, or leaves it alone", () => {
    const aws = (monitoringAgent: "install" | "present" | "unchecked", enabled = true) => synthOf(stacksOf(configInput({ nodeRepair: { enabled, monitoringAgent } })).aws) as Record<string, any>;
    const installed = Object.values(ofType(aws("install").resource, "aws_eks_addon"));
    assert.deepEqual(installed, [{ cluster_name: "prod-cluster", addon_name: "eks-node-monitoring-agent", resolve_conflicts_on_create: "OVERWRITE", resolve_conflicts_on_update: "OVERWRITE" }]);
    const present = aws("present");
    assert.equal(Object.values(ofType(present.data, "aws_eks_addon")).filter((d) => d.addon_name === "eks-node-monitoring-agent").length, 1);
    assert.equal(present.check, undefined);
    for (const quiet of [aws("unchecked"), aws("install", false)]) {
      assert.equal(quiet.check, undefined);
      assert.deepEqual(ofType(quiet.resource, "aws_eks_addon"), {});
    }
    assert.equal(karpenterValues(configInput({ nodeRepair: { enabled: false } })).settings.featureGates, undefined, "disabled: the chart's default (off)");
  });

  it("refuses additionalValues that turn the gate off while node repair is enabled", () => {
    assert.deepEqual(configProblems(() => parseConfig(configInput({ karpenter: { additionalValues: { settings: { featureGates: { nodeRepair: false } } } } }))), [
      "karpenter.additionalValues.settings.featureGates.nodeRepair: is false, but nodeRepair.enabled is true (the default), which turns on the nodeRepair feature gate (nodeRepair.enabled: false turns it off); remove it",
    ]);
    assert.deepEqual(configProblems(() => parseConfig(configInput({ nodeRepair: { enabled: false }, karpenter: { additionalValues: { settings: { featureGates: { nodeRepair: false } } } } }))), []);
  });
});
