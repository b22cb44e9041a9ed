/** fast-check generators of karpenter-gpu configurations, shared by the fuzz and security tests. */
import fc from "fast-check";
import { partitionOf } from "../modules/core/rules.js";
import { defaultGpuLimit, managedRequirements } from "../modules/karpenter/node-pool-spec.js";
import { launchProblems } from "../modules/validation/launchability.js";

const hex = (n: number) => fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: n, maxLength: n });
const dnsName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
const duration = fc.constantFrom("30s", "5m", "1h30m", "720h", "Never");

const taint = fc.record(
  {
    key: fc.constantFrom("sku", "workload", "nvidia.com/gpu", "dedicated"),
    value: fc.constantFrom("gpu", "training", "inference"),
    effect: fc.constantFrom("NoSchedule", "PreferNoSchedule", "NoExecute"),
  },
  { requiredKeys: ["key", "effect"] },
);
const FIELD_NAMES = { pool: "pool", instanceCategories: "instanceCategories", architectures: "architectures", requirement: (i: number) => `requirements[${i}]`, label: (key: string) => `labels.${key}`, cpuLimit: "cpu", gpuLimit: "gpus" };
/** The generated GPU cap: a share of the most the CPU cap allows. */
const gpusOf = (p: { cpu: number; gpuShare: number | null }) => (p.gpuShare === null ? undefined : Math.max(1, Math.floor((p.cpu / 4) * p.gpuShare)));

const requirement = fc.oneof(
  fc.record({ key: fc.constant("karpenter.k8s.aws/instance-gpu-name"), operator: fc.constant("In"), values: fc.subarray(["a10g", "l4", "l40s", "h100"], { minLength: 1 }) }),
  fc.record({ key: fc.constant("karpenter.k8s.aws/instance-gpu-count"), operator: fc.constantFrom("Gt", "Lt"), values: fc.integer({ min: 0, max: 8 }).map((n) => [String(n)]) }),
  fc.record({ key: fc.constant("topology.kubernetes.io/zone"), operator: fc.constantFrom("Exists", "DoesNotExist") }),
  fc.record({ key: fc.constant("karpenter.k8s.aws/instance-family"), operator: fc.constantFrom("In", "NotIn"), values: fc.subarray(["g5", "g6", "g6e", "p5"], { minLength: 1 }) }),
);
const budget = fc.oneof(
  fc.record({ nodes: fc.constantFrom("0", "1", "10%", "100%"), reasons: fc.subarray(["Underutilized", "Empty", "Drifted"], { minLength: 1 }) }, { requiredKeys: ["nodes"] }),
  fc.record({ nodes: fc.constantFrom("0", "2"), schedule: fc.constantFrom("@daily", "0 9 * * mon-fri"), duration: fc.constantFrom("8h", "1h30m") }),
);

/** A valid configuration: a random mix of every section's options. */
export const validConfig = fc
  .record({
    clusterName: fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,30}$/),
    region: fc.constantFrom("us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2", "us-gov-west-1"),
    subnets: fc.uniqueArray(hex(17).map((h) => `subnet-${h}`), { minLength: 1, maxLength: 3 }),
    sgs: fc.uniqueArray(hex(17).map((h) => `sg-${h}`), { minLength: 1, maxLength: 2 }),
    discoveryMode: fc.constantFrom("tag", "existing", "ids"),
    // The escape hatches and the typed keys beside them.
    userData: fc.option(fc.constantFrom("#!/bin/bash\necho ${HOME}", "MIME-Version: 1.0\n")),
    classSpec: fc.option(fc.record({ associatePublicIPAddress: fc.boolean(), detailedMonitoring: fc.boolean() }, { requiredKeys: [] })),
    classNames: fc.uniqueArray(dnsName, { minLength: 1, maxLength: 3 }),
    pools: fc.uniqueArray(
      fc.record({
        name: dnsName,
        classIndex: fc.nat(),
        instanceCategories: fc.subarray(["g", "p", "gr"] as const, { minLength: 1 }),
        capacityTypes: fc.subarray(["spot", "on-demand", "reserved"] as const, { minLength: 1 }),
        architectures: fc.subarray(["amd64", "arm64"] as const, { minLength: 1 }),
        taints: fc.uniqueArray(taint, { selector: (t) => `${t.key}:${t.effect}`, maxLength: 3 }),
        requirements: fc.array(requirement, { maxLength: 2 }),
        cpu: fc.integer({ min: 4, max: 5000 }),
        gpuShare: fc.option(fc.double({ min: 0.01, max: 1, noNaN: true })),
        weight: fc.option(fc.integer({ min: 1, max: 100 })),
        expireAfter: duration,
        consolidationPolicy: fc.constantFrom("WhenEmptyOrUnderutilized", "WhenEmpty"),
        consolidateAfter: duration,
        budgets: fc.option(fc.array(budget, { minLength: 1, maxLength: 2 })),
        // A static pool: replicas, and limits.nodes of replicas plus a margin.
        replicas: fc.option(fc.integer({ min: 0, max: 4 })),
        nodeMargin: fc.option(fc.integer({ min: 0, max: 2 })),
        capacityReservationType: fc.option(fc.constantFrom("default", "capacity-block")),
        startupTaints: fc.option(fc.uniqueArray(taint, { selector: (t) => `${t.key}:${t.effect}`, minLength: 1, maxLength: 2 })),
        annotations: fc.option(fc.dictionary(fc.constantFrom("team", "example.com/owner"), fc.constantFrom("ml", "platform"), { minKeys: 1 })),
      })
        // Karpenter refuses a key and effect given twice across taints and startup taints.
        .filter((p) => !p.startupTaints?.some((s) => p.taints.some((t) => t.key === s.key && t.effect === s.effect)))
        // A pool that can never launch a node is a config error (modules/validation/launchability.ts), so
        // valid configs only have pools that can.
        .filter((p) => launchProblems({ name: p.name, managed: managedRequirements(p), requirements: p.requirements, cpuLimit: p.cpu, gpuLimit: gpusOf(p) ?? defaultGpuLimit(p.cpu) }, FIELD_NAMES).length === 0),
      { selector: (p) => p.name, minLength: 1, maxLength: 3 },
    ),
    rootVolume: fc.option(
      fc.oneof(
        // IOPS within what EBS allows for the size: gp3 500/GiB (80000 max), io1 50/GiB, io2 1000/GiB.
        fc.record({ sizeGiB: fc.integer({ min: 20, max: 2000 }), iopsShare: fc.double({ min: 0, max: 1, noNaN: true }), throughputMiBps: fc.integer({ min: 125, max: 2000 }) }).map((v) => {
          const iops = Math.round(3000 + v.iopsShare * (Math.min(80000, 500 * v.sizeGiB) - 3000));
          return { sizeGiB: v.sizeGiB, type: "gp3", iops, throughputMiBps: Math.min(v.throughputMiBps, Math.floor(iops / 4)) };
        }),
        fc.record({ sizeGiB: fc.integer({ min: 20, max: 2000 }), type: fc.constant("gp2") }),
        fc.record({ sizeGiB: fc.integer({ min: 60, max: 2000 }), type: fc.constant("io1"), iopsShare: fc.double({ min: 0, max: 1, noNaN: true }) }).map((v) => ({
          sizeGiB: v.sizeGiB, type: "io1", iops: Math.round(3000 + v.iopsShare * (Math.min(64000, 50 * v.sizeGiB) - 3000)),
        })),
        fc.record({ sizeGiB: fc.integer({ min: 20, max: 2000 }), type: fc.constant("io2"), iopsShare: fc.double({ min: 0, max: 1, noNaN: true }) }).map((v) => ({
          sizeGiB: v.sizeGiB, type: "io2", iops: Math.round(3000 + v.iopsShare * (Math.min(256000, 1000 * v.sizeGiB) - 3000)),
        })),
      ),
    ),
    raid: fc.boolean(),
    identity: fc.constantFrom("podIdentity", "irsa"),
    quotaGuard: fc.constantFrom("warn", "fail", "off"),
    auth: fc.constantFrom("token", "exec"),
    // Tag text within AWS's rules (letters, digits, spaces and _ . : / = + - @), non-ASCII letters included.
    tags: fc.dictionary(fc.stringMatching(/^[a-z][a-z-]{0,10}$/), fc.stringMatching(/^[A-Za-z0-9éß _.:/=+@-]{1,10}$/), { maxKeys: 3 }),
  })
  .map((g) => ({
    clusterName: g.clusterName,
    region: g.region,
    discovery: { mode: g.discoveryMode, subnetIds: g.subnets, securityGroupIds: g.sgs, allowMultipleSecurityGroups: g.sgs.length > 1 },
    controller:
      g.identity === "irsa"
        ? { identity: "irsa", oidcProviderArn: `arn:${partitionOf(g.region)}:iam::111122223333:oidc-provider/oidc.eks.${g.region}.amazonaws.com${partitionOf(g.region) === "aws-cn" ? ".cn" : ""}/id/ABC` }
        : { identity: "podIdentity" },
    nodeClasses: g.classNames.map((name, i) => ({
      name,
      ...(g.rootVolume ? { rootVolume: g.rootVolume } : {}),
      ...(g.raid ? { instanceStorePolicy: "RAID0" } : {}),
      ...(g.userData !== null ? { userData: g.userData } : {}),
      ...(g.classSpec !== null ? { spec: g.classSpec } : {}),
      // A pool with reserved capacity needs a class that selects reservations.
      ...(g.pools.some((p) => p.capacityTypes.includes("reserved") && p.classIndex % g.classNames.length === i)
        ? { capacityReservations: [{ id: `cr-0${i}a1b2c3d4e5f6789` }, { tags: { team: "ml" }, ...(i % 2 ? { ownerId: "111122223333" } : {}) }] }
        : {}),
    })),
    nodePools: g.pools.map((p) => ({
      name: p.name,
      nodeClass: g.classNames[p.classIndex % g.classNames.length],
      instanceCategories: p.instanceCategories,
      capacityTypes: p.capacityTypes,
      ...(p.capacityReservationType !== null && p.capacityTypes.includes("reserved") ? { capacityReservationType: p.capacityReservationType } : {}),
      architectures: p.architectures,
      taints: p.taints,
      ...(p.startupTaints !== null ? { startupTaints: p.startupTaints } : {}),
      ...(p.annotations !== null ? { spec: { template: { metadata: { annotations: p.annotations } } } } : {}),
      requirements: p.requirements,
      expireAfter: p.expireAfter,
      ...(p.replicas !== null
        ? {
            replicas: p.replicas,
            ...(p.nodeMargin !== null && p.replicas + p.nodeMargin > 0 ? { limits: { nodes: p.replicas + p.nodeMargin } } : {}),
            ...(p.budgets ? { disruption: { budgets: p.budgets } } : {}),
          }
        : {
            limits: { cpu: p.cpu, ...(p.gpuShare !== null ? { gpus: gpusOf(p) } : {}) },
            ...(p.weight !== null ? { weight: p.weight } : {}),
            disruption: { consolidationPolicy: p.consolidationPolicy, consolidateAfter: p.consolidateAfter, ...(p.budgets ? { budgets: p.budgets } : {}) },
          }),
    })),
    quotaGuard: g.quotaGuard,
    kubernetesAuth: g.auth,
    tags: g.tags,
  }));

