/**
 * The CEL rules of the kept Karpenter CRDs, every one of them: each is evaluated on a value it
 * must accept and on one it must reject, so a rule the CEL library cannot run (a missing
 * function, a wrong int/double) fails here instead of passing silently at synth. A chart bump
 * that adds a rule fails the coverage test until the rule gets its two values below.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { buildGpuNodeClass } from "../../modules/karpenter/node-class-spec.js";
import { buildGpuNodePool } from "../../modules/karpenter/node-pool-spec.js";
import { awsTagKeyProblem, awsTagValueProblem, clusterNameProblem, crdNameProblem, helmReleaseNameProblem, iamRoleNameProblem, k8sNameProblem, kmsKeyArnProblem, managedPolicyArnProblem, namespaceProblem, oidcProviderArnProblem, oidcProviderRegionProblem, quantityValue, queueNameProblem, regionProblem, roleArnProblem, securityGroupIdProblem, subnetIdProblem } from "../../modules/core/rules.js";
import { scheduleProblem } from "../../modules/validation/cron.js";
import { amiAliasProblem, budgetNodesProblem, evictionThresholdProblem, goDurationProblem } from "../../modules/validation/karpenter-rules.js";
import { labelValueProblems, qualifiedNameProblems, restrictedLabelProblem } from "../../modules/validation/karpenter-runtime.js";
import { allMacro, celRulesOf, compileRule, crdProblems, CRD_VERSION, evaluateRule, kubernetesCelEnvironment, type CrdKind } from "../../modules/validation/crd.js";

/** A rule, found by the schema path it sits at and its message, with a value it accepts and one it rejects. */
type Fixture = readonly [path: string, message: string, accepts: unknown, rejects: unknown];

const tagsRule = (path: string): Fixture => [path, "empty tag keys or values aren't supported", { team: "ml" }, { team: "" }];
const EVICTION_KEYS = "['memory.available','nodefs.available','nodefs.inodesFree','imagefs.available','imagefs.inodesFree','pid.available']";
const reserved = (what: string): Fixture[] => [
  [`spec.kubelet.${what}`, `valid keys for ${what} are ['cpu','memory','ephemeral-storage','pid']`, { cpu: "1", pid: "100" }, { "nvidia.com/gpu": "1" }],
  [`spec.kubelet.${what}`, `${what} value cannot be a negative resource quantity`, { memory: "1Gi" }, { memory: "-1Gi" }],
];
const aliasFamily = (alias: string, family: string, article: string): Fixture => [
  "spec",
  `if set, amiFamily must be '${family}' or 'Custom' when using ${article} ${family} alias`,
  { amiFamily: family, amiSelectorTerms: [{ alias: `${alias}@latest` }] },
  { amiFamily: family === "AL2" ? "AL2023" : "AL2", amiSelectorTerms: [{ alias: `${alias}@latest` }] },
];
const sgTerm = "in a security group selector term";

const FIXTURES: Record<CrdKind, readonly Fixture[]> = {
  NodePool: [
    ["spec", "only 'limits.nodes' is supported on static NodePools", { replicas: 2, limits: { nodes: "4" } }, { replicas: 2, limits: { cpu: 64 } }],
    ["spec", "'weight' is not supported on static NodePools", { replicas: 2 }, { replicas: 2, weight: 10 }],
    ["spec.disruption.budgets", "'schedule' must be set with 'duration'", [{ nodes: "1", schedule: "@daily", duration: "8h" }, { nodes: "10%" }], [{ nodes: "1", schedule: "@daily" }]],
    ["spec.template.metadata.labels", 'label domain "karpenter.sh" is restricted', { "karpenter.sh/capacity-type": "spot", team: "ml" }, { "example.karpenter.sh/x": "y" }],
    ["spec.template.metadata.labels", 'label "karpenter.sh/nodepool" is restricted', { team: "ml" }, { "karpenter.sh/nodepool": "x" }],
    ["spec.template.metadata.labels", 'label "kubernetes.io/hostname" is restricted', { team: "ml" }, { "kubernetes.io/hostname": "x" }],
    ["spec.template.metadata.labels", 'label domain "karpenter.k8s.aws" is restricted', { "karpenter.k8s.aws/instance-family": "g5" }, { "karpenter.k8s.aws/gpu": "x" }],
    ["spec.template.spec.nodeClassRef.group", "group may not be empty", "karpenter.k8s.aws", ""],
    ["spec.template.spec.nodeClassRef.kind", "kind may not be empty", "EC2NodeClass", ""],
    ["spec.template.spec.nodeClassRef.name", "name may not be empty", "gpu", ""],
    ["spec.template.spec.requirements", "requirements with operator 'In' must have a value defined", [{ key: "a", operator: "In", values: ["x"] }, { key: "b", operator: "Exists" }], [{ key: "a", operator: "In", values: [] }]],
    [
      "spec.template.spec.requirements",
      "requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value",
      [{ key: "a", operator: "Gte", values: ["2"] }, { key: "b", operator: "Lt", values: ["0"] }, { key: "c", operator: "In", values: ["x", "y"] }],
      [{ key: "a", operator: "Lte", values: ["1", "2"] }],
    ],
    [
      "spec.template.spec.requirements",
      "requirements with 'minValues' must have at least that many values specified in the 'values' field",
      [{ key: "a", operator: "In", values: ["x", "y"], minValues: 2 }],
      [{ key: "a", operator: "In", values: ["x"], minValues: 2 }],
    ],
    ["spec.template.spec.requirements.*.key", 'label domain "karpenter.sh" is restricted', "karpenter.sh/capacity-type", "karpenter.sh/anything"],
    ["spec.template.spec.requirements.*.key", 'label "karpenter.sh/nodepool" is restricted', "topology.kubernetes.io/zone", "karpenter.sh/nodepool"],
    ["spec.template.spec.requirements.*.key", 'label "kubernetes.io/hostname" is restricted', "kubernetes.io/os", "kubernetes.io/hostname"],
    ["spec.template.spec.requirements.*.key", 'label domain "karpenter.k8s.aws" is restricted', "karpenter.k8s.aws/instance-gpu-count", "karpenter.k8s.aws/gpu"],
  ],
  EC2NodeClass: [
    ["spec", "must specify exactly one of ['role', 'instanceProfile']", { role: "nodes" }, { role: "nodes", instanceProfile: "nodes" }],
    aliasFamily("al2", "AL2", "an"),
    aliasFamily("al2023", "AL2023", "an"),
    aliasFamily("bottlerocket", "Bottlerocket", "a"),
    aliasFamily("windows2019", "Windows2019", "a"),
    aliasFamily("windows2022", "Windows2022", "a"),
    aliasFamily("windows2025", "Windows2025", "a"),
    ["spec", "must specify amiFamily if amiSelectorTerms does not contain an alias", { amiFamily: "AL2023", amiSelectorTerms: [{ id: "ami-1" }] }, { amiSelectorTerms: [{ id: "ami-1" }] }],
    ["spec.amiSelectorTerms", "expected at least one, got none, ['tags', 'id', 'name', 'alias', 'ssmParameter']", [{ name: "gpu-*" }], [{ owner: "self" }]],
    ["spec.amiSelectorTerms", "'id' is mutually exclusive, cannot be set with a combination of other fields in amiSelectorTerms", [{ id: "ami-1" }], [{ id: "ami-1", name: "gpu" }]],
    ["spec.amiSelectorTerms", "'alias' is mutually exclusive, cannot be set with a combination of other fields in amiSelectorTerms", [{ alias: "al2023@latest" }], [{ alias: "al2023@latest", owner: "self" }]],
    ["spec.amiSelectorTerms", "'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms", [{ alias: "al2023@latest" }], [{ alias: "al2023@latest" }, { id: "ami-1" }]],
    ["spec.amiSelectorTerms.*.alias", "'alias' is improperly formatted, must match the format 'family@version'", "al2023@v20250101", "al2023"],
    ["spec.amiSelectorTerms.*.alias", "family is not supported, must be one of the following: 'al2', 'al2023', 'bottlerocket', 'windows2019', 'windows2022', 'windows2025'", "bottlerocket@v1.20.0", "ubuntu@latest"],
    ["spec.amiSelectorTerms.*.alias", "windows families may only specify version 'latest'", "windows2022@latest", "windows2022@v1"],
    tagsRule("spec.amiSelectorTerms.*.tags"),
    ["spec.blockDeviceMappings", "must have only one blockDeviceMappings with rootVolume", [{ rootVolume: true }, { rootVolume: false }, {}], [{ rootVolume: true }, { rootVolume: true }]],
    ["spec.blockDeviceMappings.*.ebs", "snapshotID or volumeSize must be defined", { volumeSize: "200Gi" }, { encrypted: true }],
    ["spec.blockDeviceMappings.*.ebs", "snapshotID must be set when volumeInitializationRate is set", { snapshotID: "snap-1", volumeInitializationRate: 300 }, { volumeSize: "200Gi", volumeInitializationRate: 300 }],
    ["spec.capacityReservationSelectorTerms", "expected at least one, got none, ['tags', 'id', 'instanceMatchCriteria']", [{ id: "cr-1" }], [{ ownerID: "111122223333" }]],
    ["spec.capacityReservationSelectorTerms", "'id' is mutually exclusive, cannot be set along with other fields in a capacity reservation selector term", [{ id: "cr-1" }], [{ id: "cr-1", ownerID: "111122223333" }]],
    tagsRule("spec.capacityReservationSelectorTerms.*.tags"),
    ["spec.connectionTracking", "at least one of tcpEstablishedTimeout, udpStreamTimeout, or udpTimeout must be set", { udpTimeout: "30s" }, {}],
    ["spec.instanceProfile", "instanceProfile cannot be empty", "nodes", ""],
    ["spec.kubelet", "imageGCHighThresholdPercent must be greater than imageGCLowThresholdPercent", { imageGCHighThresholdPercent: 85, imageGCLowThresholdPercent: 80 }, { imageGCHighThresholdPercent: 80, imageGCLowThresholdPercent: 85 }],
    [
      "spec.kubelet",
      "evictionSoft OwnerKey does not have a matching evictionSoftGracePeriod",
      { evictionSoft: { "memory.available": "5%" }, evictionSoftGracePeriod: { "memory.available": "1m" } },
      { evictionSoft: { "memory.available": "5%" }, evictionSoftGracePeriod: { "nodefs.available": "1m" } },
    ],
    [
      "spec.kubelet",
      "evictionSoftGracePeriod OwnerKey does not have a matching evictionSoft",
      { evictionSoft: { "memory.available": "5%" }, evictionSoftGracePeriod: { "memory.available": "1m" } },
      { evictionSoft: { "memory.available": "5%" }, evictionSoftGracePeriod: { "memory.available": "1m", "pid.available": "1m" } },
    ],
    ["spec.kubelet.evictionHard", `valid keys for evictionHard are ${EVICTION_KEYS}`, { "memory.available": "5%" }, { "memory.free": "5%" }],
    ["spec.kubelet.evictionSoft", `valid keys for evictionSoft are ${EVICTION_KEYS}`, { "nodefs.available": "10%" }, { "gpu.available": "1" }],
    ["spec.kubelet.evictionSoftGracePeriod", `valid keys for evictionSoftGracePeriod are ${EVICTION_KEYS}`, { "pid.available": "1m" }, { pid: "1m" }],
    ...reserved("kubeReserved"),
    ...reserved("systemReserved"),
    [
      "spec.networkInterfaces",
      "networkInterfaces must include a primary interface with interfaceType='interface'",
      [{ networkCardIndex: 0, deviceIndex: 0, interfaceType: "interface" }],
      [{ networkCardIndex: 0, deviceIndex: 1, interfaceType: "interface" }],
    ],
    [
      "spec.networkInterfaces",
      "networkInterfaces must not have duplicate networkCardIndex and deviceIndex pairs, and can have at most one efa device per network card",
      [{ networkCardIndex: 0, deviceIndex: 0, interfaceType: "interface" }, { networkCardIndex: 1, deviceIndex: 1, interfaceType: "efa-only" }],
      [{ networkCardIndex: 0, deviceIndex: 0, interfaceType: "interface" }, { networkCardIndex: 0, deviceIndex: 0, interfaceType: "interface" }],
    ],
    ["spec.placementGroupSelector", "expected at least one, got none, ['name', 'id']", { name: "training" }, {}],
    ["spec.placementGroupSelector", "'name' and 'id' are mutually exclusive", { id: "pg-1" }, { name: "training", id: "pg-1" }],
    ["spec.role", "role cannot be empty", "nodes", ""],
    ["spec.securityGroupSelectorTerms", "securityGroupSelectorTerms cannot be empty", [{ id: "sg-1" }], []],
    ["spec.securityGroupSelectorTerms", "expected at least one, got none, ['tags', 'id', 'name']", [{ name: "nodes" }], [{}]],
    ["spec.securityGroupSelectorTerms", `'id' is mutually exclusive, cannot be set with a combination of other fields ${sgTerm}`, [{ id: "sg-1" }], [{ id: "sg-1", name: "nodes" }]],
    ["spec.securityGroupSelectorTerms", `'name' is mutually exclusive, cannot be set with a combination of other fields ${sgTerm}`, [{ name: "nodes" }], [{ name: "nodes", tags: { team: "ml" } }]],
    tagsRule("spec.securityGroupSelectorTerms.*.tags"),
    ["spec.subnetSelectorTerms", "subnetSelectorTerms cannot be empty", [{ id: "subnet-1" }], []],
    ["spec.subnetSelectorTerms", "expected at least one, got none, ['tags', 'id']", [{ tags: { team: "ml" } }], [{}]],
    ["spec.subnetSelectorTerms", "'id' is mutually exclusive, cannot be set with a combination of other fields in a subnet selector term", [{ id: "subnet-1" }], [{ id: "subnet-1", tags: { team: "ml" } }]],
    tagsRule("spec.subnetSelectorTerms.*.tags"),
    ["spec.tags", "empty tag keys aren't supported", { team: "ml" }, { "": "ml" }],
    ["spec.tags", "tag contains a restricted tag matching eks:eks-cluster-name", { team: "ml" }, { "eks:eks-cluster-name": "prod" }],
    ["spec.tags", "tag contains a restricted tag matching kubernetes.io/cluster/", { "kubernetes.io/role": "x" }, { "kubernetes.io/cluster/prod": "owned" }],
    ["spec.tags", "tag contains a restricted tag matching karpenter.sh/nodepool", { "karpenter.sh/discovery": "prod" }, { "karpenter.sh/nodepool": "x" }],
    ["spec.tags", "tag contains a restricted tag matching karpenter.sh/nodeclaim", { team: "ml" }, { "karpenter.sh/nodeclaim": "x" }],
    ["spec.tags", "tag contains a restricted tag matching karpenter.k8s.aws/ec2nodeclass", { team: "ml" }, { "karpenter.k8s.aws/ec2nodeclass": "x" }],
  ],
  NodeOverlay: [
    ["spec", "cannot set both 'price' and 'priceAdjustment'", { price: "1.5" }, { price: "1.5", priceAdjustment: "+10%" }],
    ["spec.capacity", "invalid resource restricted", { "nvidia.com/gpu": "4" }, { memory: "1Gi" }],
    ["spec.requirements", "requirements with operator 'NotIn' must have a value defined", [{ key: "team", operator: "NotIn", values: ["a"] }], [{ key: "team", operator: "NotIn", values: [] }]],
    ["spec.requirements", "requirements with operator 'In' must have a value defined", [{ key: "team", operator: "In", values: ["a"] }], [{ key: "team", operator: "In", values: [] }]],
    ["spec.requirements", "requirements operator 'Gt', 'Lt', 'Gte' or 'Lte' must have a single positive integer value", [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["1"] }], [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["1", "2"] }]],
    ["spec.requirements.*.key", 'label domain "karpenter.sh" is restricted', "karpenter.sh/nodepool", "karpenter.sh/team"],
    ["spec.requirements.*.key", 'label "kubernetes.io/hostname" is restricted', "kubernetes.io/arch", "kubernetes.io/hostname"],
    ["spec.requirements.*.key", 'label domain "karpenter.k8s.aws" is restricted', "karpenter.k8s.aws/instance-gpu-count", "karpenter.k8s.aws/instance-tenancy"],
  ],
};

describe(`the CEL rules of the Karpenter ${CRD_VERSION} CRDs`, () => {
  it("are 82: 79 evaluated at synth, 3 (NodePool, comparing with oldSelf) skipped as update-only", () => {
    const counts = (kind: CrdKind) => [celRulesOf(kind).evaluated.length, celRulesOf(kind).skipped.length];
    assert.deepEqual(counts("NodePool"), [17, 3]);
    assert.deepEqual(counts("EC2NodeClass"), [54, 0]);
    assert.deepEqual(counts("NodeOverlay"), [8, 0]);
    assert.deepEqual(
      celRulesOf("NodePool").skipped.map((r) => r.message),
      ["Cannot transition NodePool between static (replicas set) and dynamic (replicas unset) provisioning modes", "nodeClassRef.group is immutable", "nodeClassRef.kind is immutable"],
    );
  });

  for (const kind of ["NodePool", "EC2NodeClass", "NodeOverlay"] as const) {
    it(`${kind}: every rule is evaluated on a value it accepts and one it rejects, and each test value belongs to one rule`, () => {
      const unmatched = [...FIXTURES[kind]];
      for (const spec of celRulesOf(kind).evaluated) {
        const where = `${spec.path.join(".")}: ${spec.message}`;
        const i = unmatched.findIndex(([path, message]) => path === spec.path.join(".") && message === spec.message);
        assert.ok(i >= 0, `no test values for the rule at ${where} (${spec.rule})`);
        const [, , accepts, rejects] = unmatched.splice(i, 1)[0];
        assert.equal(evaluateRule(kind, spec, accepts), true, `${where} should accept ${JSON.stringify(accepts)}`);
        assert.equal(evaluateRule(kind, spec, rejects), false, `${where} should reject ${JSON.stringify(rejects)}`);
      }
      assert.deepEqual(unmatched, [], "test values for rules the CRD does not have");
    });
  }

  it("have the Kubernetes regex library's find(): the first match, or an empty string", () => {
    const env = kubernetesCelEnvironment();
    assert.equal(env.evaluate('"karpenter.sh/nodepool".find("^([^/]+)")', {}), "karpenter.sh");
    assert.equal(env.evaluate('"/x".find("^([^/]+)")', {}), "");
    assert.equal(compileRule("self.find('[0-9]+')")({ self: "gpu-80gb" }), "80");
  });

  it("name the failing item of a self.all() rule, not just the list", () => {
    assert.deepEqual(allMacro("self.all(x, has(x.schedule) == has(x.duration))"), { variable: "x", body: "has(x.schedule) == has(x.duration)" });
    assert.equal(allMacro("!self.all(x, has(x.id) && has(x.tags))"), undefined);
    assert.equal(allMacro("self.all(x, x != '') && self.size() > 0"), undefined);
  });
});

describe("crdProblems", () => {
  it("finds nothing wrong with the module's default NodePool and EC2NodeClass", () => {
    assert.deepEqual(crdProblems("NodePool", buildGpuNodePool({ name: "gpu", nodeClassName: "gpu", cpuLimit: 96 })), []);
    assert.deepEqual(crdProblems("EC2NodeClass", buildGpuNodeClass({ name: "gpu", clusterName: "prod", roleName: "nodes" })), []);
  });

  it("applies the CRD's defaults to a copy, then runs the rules on the defaulted object, leaving the input unchanged", () => {
    const pool = buildGpuNodePool({ name: "gpu", nodeClassName: "gpu", cpuLimit: 96 });
    const before = structuredClone(pool);
    crdProblems("NodePool", pool);
    assert.deepEqual(pool, before);
  });

  it("reports a schema problem with the field, the allowed values and the value given", () => {
    const pool = buildGpuNodePool({ name: "gpu", nodeClassName: "gpu", cpuLimit: 96, taints: [{ key: "sku", effect: "Never" as "NoSchedule" }] });
    assert.deepEqual(crdProblems("NodePool", pool), [
      { path: ["spec", "template", "spec", "taints", 0, "effect"], message: 'must be equal to one of the allowed values (NoSchedule, PreferNoSchedule, NoExecute) (got "Never")' },
    ]);
  });

  it("refuses a field the CRD does not have (the API server would drop it and every plan would show a change)", () => {
    const pool = buildGpuNodePool({ name: "gpu", nodeClassName: "gpu", cpuLimit: 96 });
    (pool.spec.template.spec as Record<string, unknown>).taint = [];
    assert.deepEqual(crdProblems("NodePool", pool), [
      { path: ["spec", "template", "spec", "taint"], message: "is not a field of the CRD (the API server would drop it)" },
    ]);
  });

  it("does not run the CEL rules on an object with a wrong type, as the API server does not", () => {
    const pool = buildGpuNodePool({ name: "gpu", nodeClassName: "gpu", cpuLimit: 96, requirements: [{ key: "karpenter.sh/x", operator: "In", values: [] }] });
    (pool.spec as Record<string, unknown>).weight = "heavy";
    assert.deepEqual(crdProblems("NodePool", pool).map((p) => p.message), ['must be integer (got "heavy")']);
  });

  it("reports a rule that cannot be evaluated on the value as failing, with the reason", () => {
    const pool = buildGpuNodePool({ name: "gpu", nodeClassName: "gpu", cpuLimit: 96, requirements: [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["two"] }] });
    assert.deepEqual(crdProblems("NodePool", pool), [
      {
        path: ["spec", "template", "spec", "requirements", 5],
        message: "requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value (the rule could not be evaluated: int() type error: cannot convert to int)",
        rule: "self.all(x, (x.operator == 'Gt' || x.operator == 'Lt' || x.operator == 'Gte' || x.operator == 'Lte') ? (x.values.size() == 1 && int(x.values[0]) >= 0) : true)",
      },
    ]);
  });
});

describe("no regular expression applied to config text can be made to hang", () => {
  /** Text built to make a backtracking pattern try every split: 256 KiB of a repeated unit, then a character that fails the match. */
  const ATTACKS = ["a", "1", "a-", "a.", "1h", "1.", "a ", "1e1", "a/", "-", "@a", "arn:aws-"].flatMap((unit) => ["!", "", "/", " x"].map((end) => unit.repeat(Math.ceil((256 * 1024) / unit.length)) + end));

  /** Every regular expression the check applies: schema patterns, and the regexes of CEL rules (find, matches). */
  function crdRegexes(): string[] {
    const out = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (typeof node !== "object" || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === "pattern" && typeof value === "string") out.add(value);
        else if (key === "rule" && typeof value === "string") for (const m of value.matchAll(/(?:find|matches)\((?:"([^"]*)"|'([^']*)')\)/g)) out.add(m[1] ?? m[2]);
        else walk(value);
      }
    };
    for (const file of ["karpenter.sh_nodepools.yaml", "karpenter.k8s.aws_ec2nodeclasses.yaml", "karpenter.sh_nodeoverlays.yaml"]) walk(parse(readFileSync(join(import.meta.dirname, "..", "..", "crds", `karpenter-${CRD_VERSION}`, file), "utf8")));
    return [...out];
  }

  it("runs every regular expression of the CRDs in linear time on 256 KiB of text built to make it backtrack", () => {
    const regexes = crdRegexes();
    assert.ok(regexes.length >= 15, `found only ${regexes.length} regular expressions`);
    // The budget schedule's pattern backtracks without bound: validation/cron.ts parses it (100 characters at most) before the CRD check.
    const applied = regexes.filter((p) => !p.includes("(.+)\\s(.+)"));
    assert.equal(applied.length, regexes.length - 1, "the schedule pattern is the only one left out");
    const inputs = ATTACKS;
    const start = performance.now();
    for (const pattern of applied) {
      const re = new RegExp(pattern, "u");
      for (const input of inputs) re.test(input);
    }
    // Linear patterns take about a second in all here; one that backtracks quadratically takes minutes.
    const ms = performance.now() - start;
    assert.ok(ms < 30_000, `the CRD's regular expressions took ${ms.toFixed(0)} ms on ${applied.length * inputs.length} inputs of 256 KiB`);
  });
  it("runs the module's own rules on the same text in linear time", () => {
    const rules: ((text: string) => unknown)[] = [
      k8sNameProblem, namespaceProblem, clusterNameProblem, iamRoleNameProblem, regionProblem, subnetIdProblem, securityGroupIdProblem, roleArnProblem, oidcProviderArnProblem,
      kmsKeyArnProblem, managedPolicyArnProblem, queueNameProblem, awsTagKeyProblem, awsTagValueProblem, quantityValue, scheduleProblem, amiAliasProblem, budgetNodesProblem,
      goDurationProblem, evictionThresholdProblem, qualifiedNameProblems, labelValueProblems, restrictedLabelProblem, (t) => oidcProviderRegionProblem(t, "us-west-2"),
      helmReleaseNameProblem, crdNameProblem,
    ];
    const start = performance.now();
    for (const rule of rules) for (const input of ATTACKS) rule(input);
    const ms = performance.now() - start;
    assert.ok(ms < 30_000, `the module's rules took ${ms.toFixed(0)} ms on ${rules.length * ATTACKS.length} inputs of 256 KiB`);
  });
});

