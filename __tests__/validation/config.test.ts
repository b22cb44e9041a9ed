import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadConfigFile, parseConfig } from "../../modules/config/parse.js";
import { ConfigError, formatPath } from "../../modules/config/problems.js";
import { podIdentityAgentMode } from "../../modules/config/schema.js";
import { configInput, rejectionOf, tempDir } from "../helpers.js";

const minimal = configInput();

/** The problems a config yields (as ConfigError lines); it must be rejected. */
const problemsOf = rejectionOf;

/** The CRD's pattern for label and taint keys (and taint values), as the schema error quotes it. */
const LABEL_KEY_PATTERN = String.raw`"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(\/))?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$"`;

const withPool = (pool: Record<string, unknown>) => ({ ...minimal, nodePools: [{ name: "p", nodeClass: "gpu-nodeclass", limits: { cpu: 8 }, ...pool }] });

describe("config: the built-in example", () => {
  const config = loadConfigFile(join(import.meta.dirname, "..", "..", "examples", "default.yaml"));

  it("is the seed's cluster, pool and node class", () => {
    assert.equal(config.clusterName, "prod-cluster");
    assert.deepEqual(config.discovery.securityGroupIds.length, 1);
    assert.deepEqual(config.nodeClasses.map((c) => [c.name, c.amiAlias, c.rootVolume]), [["gpu-nodeclass", "al2023@latest", { sizeGiB: 200, type: "gp3" }]]);
    const pool = config.nodePools[0];
    assert.deepEqual(
      { ...pool },
      {
        name: "gpu-workloads",
        nodeClass: "gpu-nodeclass",
        instanceCategories: ["g", "p"],
        capacityTypes: ["spot", "on-demand"],
        architectures: ["amd64"],
        requirements: [],
        taints: [{ key: "sku", value: "gpu", effect: "NoSchedule" }],
        limits: { cpu: 1000 },
        expireAfter: "720h",
        disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "30s" },
      },
    );
  });
});

describe("config: defaults", () => {
  const c = parseConfig(minimal);
  it("applies secure, documented defaults", () => {
    assert.deepEqual(c.controller, { identity: "podIdentity", namespace: "kube-system", serviceAccount: "karpenter", runsOnFargate: false });
    assert.equal(podIdentityAgentMode(c), "present", "the add-on is checked, not managed: a cluster module usually owns it");
    assert.equal(c.spotServiceLinkedRole, "present");
    assert.deepEqual(c.nodeRole, { createAccessEntry: true });
    assert.deepEqual(c.interruptionQueue, { messageRetentionSeconds: 300, manageKmsKeyPolicy: false });
    assert.equal(c.discovery.allowMultipleSecurityGroups, false);
    assert.deepEqual(c.tags, {});
    assert.equal(c.kubernetesAuth, "token");
    assert.equal(c.quotaGuard, "warn");
    assert.deepEqual(c.karpenter, { chartVersion: "1.14.1", zonalShift: false, releaseName: "karpenter", crdReleaseName: "karpenter-crd", adoptExistingCrds: false, importExistingReleases: [] },
      "the release names of Karpenter's guides; nothing adopted or imported unless asked");
    assert.deepEqual(c.gpuOperator, { chartVersion: "v26.7.0", installDriver: false });
  });
  it("gives pools on-demand capacity only unless spot is asked for, the sku=gpu taint, and leaves expiry to the pool's kind", () => {
    const p = c.nodePools[0];
    assert.deepEqual(p.capacityTypes, ["on-demand"]);
    assert.deepEqual(p.taints, [{ key: "sku", value: "gpu", effect: "NoSchedule" }]);
    assert.equal(p.expireAfter, undefined, "720h for a dynamic pool, Never for a static one: resolved when the NodePool is built");
    assert.deepEqual(p.instanceCategories, ["g", "p"]);
  });
});

describe("config: every problem names its field", () => {
  const cases: [string, unknown, string][] = [
    ["a typo in a top-level key", { ...minimal, clusterNmae: "x" }, 'clusterNmae: unknown key (did you mean "clusterName"?); allowed keys here: clusterName, region, aws, discovery, nodeRole, controller, interruptionQueue, nodeClasses, nodePools, kubernetesAuth, spotServiceLinkedRole, quotaGuard, nodeRepair, karpenter, gpuOperator, terraformCloud, tags'],
    ["a typo in a nested key", withPool({ limits: { cpu: 1, gpu: 8 } }), 'nodePools[0].limits.gpu: unknown key (did you mean "gpus"?); allowed keys here: cpu, gpus, memoryGiB, nodes'],
    ["a singular for a plural key (3 edits on a long key)", withPool({ limits: { cpu: 96 }, instanceCategory: ["g"] }), 'nodePools[0].instanceCategory: unknown key (did you mean "instanceCategories"?); allowed keys here: name, nodeClass, instanceCategories, capacityTypes, architectures, requirements, startupTaints, spec, taints, capacityReservationType, replicas, limits, weight, expireAfter, terminationGracePeriod, labels, gpuSharing, disruption'],
    ["a weight above 100", withPool({ limits: { cpu: 96 }, weight: 500 }), "nodePools[0].weight: must be a whole number from 1 to 100 (Karpenter tries pools of higher weight first) (got 500)"],
    ["a wrong type", { ...minimal, region: 5 }, "region: must be a string (got 5)"],
    ["a negative limit", { ...minimal, nodePools: [minimal.nodePools[0], { name: "b", nodeClass: "gpu-nodeclass", limits: { cpu: -1 } }] }, "nodePools[1].limits.cpu: must be a positive number (vCPUs) (got -1)"],
    ["a missing key", { ...minimal, region: undefined }, "region: is required"],
    ["a bad region", { ...minimal, region: "us-west" }, 'region: must be an AWS region code such as "us-west-2" (got "us-west")'],
    ["a bad subnet ID", { ...minimal, discovery: { ...minimal.discovery, subnetIds: ["subnet-xyz"] } }, 'discovery.subnetIds[0]: must be a subnet ID such as "subnet-0123456789abcdef0" (got "subnet-xyz")'],
    ["a duplicate subnet", { ...minimal, discovery: { ...minimal.discovery, subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60718"] } }, 'discovery.subnetIds[1]: "subnet-0a1b2c3d4e5f60718" is listed twice'],
    ["two security groups without opt-in", { ...minimal, discovery: { ...minimal.discovery, securityGroupIds: ["sg-0c3d4e5f607182930", "sg-0123456789abcdef0"] } }, "discovery.securityGroupIds: lists 2 security groups, but more than one security group carrying the discovery tag breaks load balancers (terraform-aws-eks#3096). Keep one, or set allowMultipleSecurityGroups: true if you accept that"],
    ["a taint effect typo", withPool({ taints: [{ key: "sku", value: "gpu", effect: "NoSchedul" }] }), 'nodePools[0].taints[0].effect: must be one of NoSchedule, PreferNoSchedule, NoExecute (got "NoSchedul")'],
    ["an unknown consolidation policy", withPool({ disruption: { consolidationPolicy: "Sometimes" } }), 'nodePools[0].disruption.consolidationPolicy: must be one of WhenEmptyOrUnderutilized, WhenEmpty (got "Sometimes")'],
    ["an unknown capacity type", withPool({ capacityTypes: ["spot", "preemptible"] }), 'nodePools[0].capacityTypes[1]: must be one of spot, on-demand, reserved (got "preemptible")'],
    ["a non-DNS-1123 pool name", withPool({ name: "GPU_Pool" }), "nodePools[0].name: must be a DNS-1123 name: at most 63 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (got \"GPU_Pool\")"],
    ["a bad duration", withPool({ expireAfter: "30 days" }), 'nodePools[0].expireAfter: must be a duration such as "30s", "15m", "720h" or "Never" (got "30 days")'],
    ["a pool referring to a missing node class", withPool({ nodeClass: "cpu-nodeclass" }), 'nodePools[0].nodeClass: refers to "cpu-nodeclass", which is not in nodeClasses (known: gpu-nodeclass)'],
    ["duplicate pool names", { ...minimal, nodePools: [minimal.nodePools[0], minimal.nodePools[0]] }, 'nodePools[1].name: "gpu-workloads" is used by another node pool; names must be unique'],
    ["IRSA without an OIDC provider", { ...minimal, controller: { identity: "irsa" } }, 'controller.oidcProviderArn: is required when controller.identity is "irsa" (the cluster\'s IAM OIDC provider ARN)'],
    ["an unknown identity", { ...minimal, controller: { identity: "keys" } }, 'controller.identity: must be one of podIdentity, irsa (got "keys")'],
    ["a Pod Identity agent mode with IRSA", { ...minimal, controller: { identity: "irsa", oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/X", podIdentityAgent: "install" } }, 'controller.podIdentityAgent: is only used with controller.identity "podIdentity" (got "install" with "irsa"); remove it'],
    ["an unknown Pod Identity agent mode", { ...minimal, controller: { podIdentityAgent: "maybe" } }, 'controller.podIdentityAgent: must be one of install, present, unchecked (got "maybe")'],
    ["Pod Identity on Fargate", { ...minimal, controller: { runsOnFargate: true } }, 'controller.identity: "podIdentity" cannot work on Fargate (controller.runsOnFargate puts the controller there): EKS Pod Identity does not run on Fargate pods; set controller.identity: irsa with controller.oidcProviderArn'],
    ["Pod Identity with a Fargate node selector in chart values", { ...minimal, karpenter: { additionalValues: { nodeSelector: { "eks.amazonaws.com/compute-type": "fargate" } } } }, 'controller.identity: "podIdentity" cannot work on Fargate (karpenter.additionalValues.nodeSelector.eks.amazonaws.com/compute-type puts the controller there): EKS Pod Identity does not run on Fargate pods; set controller.identity: irsa with controller.oidcProviderArn'],
    ["an unknown spot service-linked role mode", { ...minimal, spotServiceLinkedRole: "yes" }, 'spotServiceLinkedRole: must be one of create, present (got "yes")'],
    ["a controller policy of another partition", { ...minimal, region: "cn-north-1", controller: { additionalPolicyArns: { x: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" } } }, 'controller.additionalPolicyArns.x: is in partition aws, but cn-north-1 is in aws-cn: the ARN must start with arn:aws-cn: (got "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")'],
    ["an escape-hatch field the module writes", { ...minimal, nodeClasses: [{ name: "gpu-nodeclass", spec: { role: "x" } }] }, "nodeClasses[0].spec.role: is written by the module; use the node role (nodeRole.* in config, roleName as a prop)"],
    ["IMDSv2 weakened through the hatch", { ...minimal, nodeClasses: [{ name: "gpu-nodeclass", spec: { metadataOptions: { httpTokens: "optional" } } }] }, 'nodeClasses[0].spec.metadataOptions.httpTokens: must stay "required" (got "optional"): IMDSv2 with one hop keeps pods on the pod network from reading the node\'s credentials'],
    ["a hatch value the CRD refuses", { ...minimal, nodeClasses: [{ name: "gpu-nodeclass", spec: { detailedMonitoring: "yes" } }] }, "nodeClasses[0].spec.detailedMonitoring: must be boolean (got \"yes\") (EC2NodeClass gpu-nodeclass: spec.detailedMonitoring)"],
    ["amiAlias with a hardened AMI's terms", { ...minimal, nodeClasses: [{ name: "gpu-nodeclass", amiAlias: "al2023@v20251120", spec: { amiSelectorTerms: [{ id: "ami-0123456789abcdef0" }] } }] }, "nodeClasses[0].spec.amiSelectorTerms: replaces the terms of amiAlias: set amiAlias or spec.amiSelectorTerms, not both"],
    ["user data over EC2's 16 KB", { ...minimal, nodeClasses: [{ name: "gpu-nodeclass", userData: "x".repeat(16385) }] }, "nodeClasses[0].userData: is 16385 bytes; EC2 takes at most 16384 bytes of user data, and Karpenter adds its own NodeConfig to it"],
    ["a pool hatch field the module writes", withPool({ spec: { weight: 5 } }), "nodePools[0].spec.weight: is written by the module; use weight"],
    ["two startup taints with one key and effect", withPool({ startupTaints: [{ key: "a", effect: "NoSchedule" }, { key: "a", value: "b", effect: "NoSchedule" }] }), 'nodePools[0].startupTaints[1]: conflicts with an earlier taint with key "a" and effect NoSchedule; a node carries one value per key and effect'],
    ["a list given as a number (zod's own message, in the module's words)", withPool({ taints: 5 }), "nodePools[0].taints: must be a list (got 5)"],
    ["an unknown controller policy group", { ...minimal, controller: { policyNames: { Nodelifecycle: "x" } } }, 'controller.policyNames.Nodelifecycle: unknown key (did you mean "NodeLifecycle"?); allowed keys here: NodeLifecycle, IAMIntegration, EKSIntegration, Interruption, ZonalShift, ResourceDiscovery'],
    ["a bad controller policy name", { ...minimal, controller: { policyNames: { Interruption: "a b" } } }, 'controller.policyNames.Interruption: must be an IAM policy name: 1-128 letters, digits or any of "+=,.@_-" (got "a b")'],
    ["a bad EventBridge rule name", { ...minimal, interruptionQueue: { ruleNames: { rebalance: "r".repeat(65) } } }, `interruptionQueue.ruleNames.rebalance: must be an EventBridge rule name: 1-64 letters, digits or any of ".-_" (got "${"r".repeat(65)}")`],
    ["a controller statement with a bad action", { ...minimal, controller: { additionalPolicyStatements: [{ actions: ["ec2:Describe Images"], resources: ["*"] }] } }, 'controller.additionalPolicyStatements[0].actions[0]: must be an IAM action "<service>:<Action>" (wildcards * and ? allowed) or "*" (got "ec2:Describe Images")'],
    ["a controller statement with principals", { ...minimal, controller: { additionalPolicyStatements: [{ actions: ["s3:GetObject"], resources: ["*"], principals: [] }] } }, 'controller.additionalPolicyStatements[0].principals: unknown key; allowed keys here: effect, actions, resources, conditions'],
    ["a controller statement with an unknown condition operator", { ...minimal, controller: { additionalPolicyStatements: [{ actions: ["s3:GetObject"], resources: ["*"], conditions: [{ test: "StringEqualz", variable: "aws:RequestedRegion", values: ["us-west-2"] }] }] } }, 'controller.additionalPolicyStatements[0].conditions[0].test: must be an IAM condition operator such as StringEquals, StringLike, ArnLike, Bool or Null, optionally with a ForAllValues:/ForAnyValue: prefix or an IfExists suffix (got "StringEqualz")'],
    ["manageKmsKeyPolicy without a key", { ...minimal, interruptionQueue: { manageKmsKeyPolicy: true } }, "interruptionQueue.manageKmsKeyPolicy: needs interruptionQueue.kmsKeyArn: there is no key policy to manage with SSE-SQS"],
    ["an unknown requirement operator", withPool({ requirements: [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Equals", values: ["2"] }] }), 'nodePools[0].requirements[0].operator: must be one of In, NotIn, Exists, DoesNotExist, Gt, Lt, Gte, Lte (got "Equals")'],
    ["In without values (CRD rule)", withPool({ requirements: [{ key: "karpenter.k8s.aws/instance-gpu-name", operator: "In", values: [] }] }), "nodePools[0].requirements[0]: requirements with operator 'In' must have a value defined (NodePool p: spec.template.spec.requirements[5])"],
    ["Exists with values", withPool({ requirements: [{ key: "topology.kubernetes.io/zone", operator: "Exists", values: ["a"] }] }), "nodePools[0].requirements[0].values: must be empty with operator Exists"],
    ["Gt with two values (CRD rule)", withPool({ requirements: [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["1", "2"] }] }), "nodePools[0].requirements[0]: requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value (NodePool p: spec.template.spec.requirements[5])"],
    ["Gte with a non-integer (CRD rule, which cannot convert it)", withPool({ requirements: [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gte", values: ["two"] }] }), "nodePools[0].requirements[0]: requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value (the rule could not be evaluated: int() type error: cannot convert to int) (NodePool p: spec.template.spec.requirements[5])"],
    ["fewer values than minValues (CRD rule)", withPool({ requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g5"], minValues: 2 }] }), "nodePools[0].requirements[0]: requirements with 'minValues' must have at least that many values specified in the 'values' field (NodePool p: spec.template.spec.requirements[5])"],
    ["a requirement the pool manages itself", withPool({ requirements: [{ key: "karpenter.sh/capacity-type", operator: "In", values: ["spot"] }] }), 'nodePools[0].requirements[0].key: "karpenter.sh/capacity-type" is set by the pool itself: set capacityTypes instead'],
    ["a restricted requirement key (CRD rule)", withPool({ requirements: [{ key: "kubernetes.io/hostname", operator: "Exists" }] }), 'nodePools[0].requirements[0].key: label "kubernetes.io/hostname" is restricted (NodePool p: spec.template.spec.requirements[5].key)'],
    ["a karpenter.sh requirement key (CRD rule)", withPool({ requirements: [{ key: "karpenter.sh/team", operator: "Exists" }] }), 'nodePools[0].requirements[0].key: label domain "karpenter.sh" is restricted (NodePool p: spec.template.spec.requirements[5].key)'],
    ["an unknown karpenter.k8s.aws label (CRD rule)", withPool({ requirements: [{ key: "karpenter.k8s.aws/gpu", operator: "Exists" }] }), 'nodePools[0].requirements[0].key: label domain "karpenter.k8s.aws" is restricted (NodePool p: spec.template.spec.requirements[5].key)'],
    ["conflicting taints", withPool({ taints: [{ key: "sku", value: "gpu", effect: "NoSchedule" }, { key: "sku", value: "a100", effect: "NoSchedule" }] }), 'nodePools[0].taints[1]: conflicts with an earlier taint with key "sku" and effect NoSchedule; a node carries one value per key and effect'],
    ["a fractional CPU cap", withPool({ limits: { cpu: 1.5 } }), "nodePools[0].limits.cpu: must be a whole number of vCPUs, at least 4 (the smallest GPU instance has 4) (got 1.5)"],
    ["a CPU cap below the smallest GPU instance", withPool({ limits: { cpu: 2 } }), "nodePools[0].limits.cpu: must be a whole number of vCPUs, at least 4 (the smallest GPU instance has 4) (got 2)"],
    ["a requirement key that is not a label key (CRD schema)", withPool({ requirements: [{ key: "bad key!", operator: "Exists" }] }), `nodePools[0].requirements[0].key: must match pattern ${LABEL_KEY_PATTERN} (got "bad key!") (NodePool p: spec.template.spec.requirements[5].key)`],
    ["a taint key the API server refuses (CRD schema)", withPool({ taints: [{ key: "Bad Value!*", effect: "NoSchedule" }] }), `nodePools[0].taints[0].key: must match pattern ${LABEL_KEY_PATTERN} (got "Bad Value!*") (NodePool p: spec.template.spec.taints[0].key)`],
    ["a taint value the API server refuses (CRD schema)", withPool({ taints: [{ key: "sku", value: "gpu!", effect: "NoSchedule" }] }), `nodePools[0].taints[0].value: must match pattern ${LABEL_KEY_PATTERN} (got "gpu!") (NodePool p: spec.template.spec.taints[0].value)`],
    ["a Bottlerocket alias (the node class is AL2023)", { ...minimal, nodeClasses: [{ name: "gpu-nodeclass", amiAlias: "bottlerocket@latest" }] }, 'nodeClasses[0].amiAlias: must be an AL2023 AMI alias such as "al2023@latest" or "al2023@v20250101" (got "bottlerocket@latest")'],
    ["more gp3 IOPS than the volume size allows", { ...minimal, nodeClasses: [{ name: "gpu-nodeclass", rootVolume: { sizeGiB: 20, iops: 80000 } }] }, "nodeClasses[0].rootVolume.iops: must be a whole number from 3000 to 10000 for a 20 GiB gp3 volume (gp3 allows 500 IOPS per GiB, 80000 at most) (got 80000)"],
    ["more io1 IOPS than io1 allows", { ...minimal, nodeClasses: [{ name: "gpu-nodeclass", rootVolume: { type: "io1", iops: 64000 } }] }, "nodeClasses[0].rootVolume.iops: must be a whole number from 3000 to 10000 for a 200 GiB io1 volume (io1 allows 50 IOPS per GiB, 64000 at most) (got 64000)"],
    ["a reserved tag in the global tags (they go on every GPU instance; CRD rule)", { ...minimal, tags: { "eks:eks-cluster-name": "x" } }, 'tags.eks:eks-cluster-name: tag contains a restricted tag matching eks:eks-cluster-name (EC2NodeClass gpu-nodeclass: spec.tags["eks:eks-cluster-name"])'],
    ["a GPU cap the CPU cap can never reach", withPool({ limits: { cpu: 100, gpus: 40 } }), "nodePools[0].limits.gpus: is 40, but limits.cpu 100 admits at most 25 GPUs (no GPU instance has fewer than 4 vCPUs per GPU): raise limits.cpu or lower limits.gpus"],
    ["a budget schedule without a duration (CRD rule)", withPool({ disruption: { budgets: [{ nodes: "0", schedule: "@daily" }] } }), "nodePools[0].disruption.budgets[0]: 'schedule' must be set with 'duration' (NodePool p: spec.disruption.budgets[0])"],
    ["a budget with a bad node count", withPool({ disruption: { budgets: [{ nodes: "all" }] } }), 'nodePools[0].disruption.budgets[0].nodes: must be a count such as "1" or a percentage such as "10%" (got "all")'],
    ["an empty tag key (issue 12: it used to fail only at apply)", { ...minimal, nodeClasses: [{ name: "gpu-nodeclass", tags: { "": "x" } }] }, 'nodeClasses[0].tags.: must be a tag key of 1 to 128 characters (got "", 0)'],
    ["a node class tag Karpenter reserves (CRD rule)", { ...minimal, nodeClasses: [{ name: "gpu-nodeclass", tags: { "karpenter.sh/nodepool": "x" } }] }, 'nodeClasses[0].tags.karpenter.sh/nodepool: tag contains a restricted tag matching karpenter.sh/nodepool (EC2NodeClass gpu-nodeclass: spec.tags["karpenter.sh/nodepool"])'],
    ["an unknown Kubernetes auth method", { ...minimal, kubernetesAuth: "kubeconfig" }, 'kubernetesAuth: must be one of token, exec (got "kubeconfig")'],
    ["a bad chart version", { ...minimal, karpenter: { chartVersion: "latest" } }, 'karpenter.chartVersion: must be a chart version such as "1.14.1" (got "latest")'],
    ["a Helm release name with capitals (Helm's ValidateReleaseName)", { ...minimal, karpenter: { releaseName: "Karpenter" } }, "karpenter.releaseName: must be a Helm release name: at most 53 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (got \"Karpenter\")"],
    ["a Helm release name over 53 characters", { ...minimal, karpenter: { crdReleaseName: "k".repeat(54) } }, `karpenter.crdReleaseName: must be a Helm release name: at most 53 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (got "${"k".repeat(54)}", 54 characters)`],
    ["one name for both Karpenter releases", { ...minimal, karpenter: { crdReleaseName: "karpenter" } }, 'karpenter.crdReleaseName: is the same as karpenter.releaseName ("karpenter"): the CRD chart and the controller chart are two Helm releases in one namespace and need two names'],
    ["a CRD the pinned chart does not have, with a did-you-mean", { ...minimal, karpenter: { adoptExistingCrds: ["nodepool.karpenter.sh"] } }, 'karpenter.adoptExistingCrds[0]: must be a CRD of the karpenter-crd chart 1.14.1 (did you mean "nodepools.karpenter.sh"?): one of nodepools.karpenter.sh, nodeclaims.karpenter.sh, nodeoverlays.karpenter.sh, ec2nodeclasses.karpenter.k8s.aws, capacitybuffers.autoscaling.x-k8s.io (got "nodepool.karpenter.sh")'],
    ["a CRD adoption that is neither a boolean nor a list", { ...minimal, karpenter: { adoptExistingCrds: "yes" } }, 'karpenter.adoptExistingCrds: must be true, false, or a list of CRD names such as [nodepools.karpenter.sh, nodeclaims.karpenter.sh] (got "yes")'],
    ["a CRD adoption list of numbers", { ...minimal, karpenter: { adoptExistingCrds: [5] } }, "karpenter.adoptExistingCrds: must be true, false, or a list of CRD names such as [nodepools.karpenter.sh, nodeclaims.karpenter.sh] (got [5])"],
    ["an empty CRD adoption list", { ...minimal, karpenter: { adoptExistingCrds: [] } }, "karpenter.adoptExistingCrds: must list at least one CRD name, or be false"],
    ["an unknown release to import", { ...minimal, karpenter: { importExistingReleases: ["karpenter"] } }, 'karpenter.importExistingReleases[0]: must be crd or controller (got "karpenter")'],
    ["a bad resource quantity", { ...minimal, karpenter: { controllerResources: { requests: { cpu: "one" } } } }, 'karpenter.controllerResources.requests.cpu: must be a Kubernetes quantity such as "1", "500m" or "1Gi" (got "one")'],
    ["gp3 throughput above IOPS / 4", { ...minimal, nodeClasses: [{ name: "gpu-nodeclass", rootVolume: { iops: 3000, throughputMiBps: 1000 } }] }, "nodeClasses[0].rootVolume.throughputMiBps: is 1000 MiB/s, but gp3 allows at most IOPS / 4 = 750 MiB/s with 3000 IOPS: raise iops or lower throughputMiBps"],
    ["throughput on a non-gp3 volume", { ...minimal, nodeClasses: [{ name: "gpu-nodeclass", rootVolume: { type: "io2", iops: 10000, throughputMiBps: 500 } }] }, "nodeClasses[0].rootVolume.throughputMiBps: applies to gp3 volumes only (type is io2)"],
    ["an io2 volume without IOPS", { ...minimal, nodeClasses: [{ name: "gpu-nodeclass", rootVolume: { type: "io2" } }] }, "nodeClasses[0].rootVolume.iops: is required for io2 volumes"],
    ["an unknown instance store policy", { ...minimal, nodeClasses: [{ name: "gpu-nodeclass", instanceStorePolicy: "RAID1" }] }, 'nodeClasses[0].instanceStorePolicy: must be RAID0 (or left out) (got "RAID1")'],
    ["an unknown quota guard mode", { ...minimal, quotaGuard: "strict" }, 'quotaGuard: must be one of warn, fail, off (got "strict")'],
    ["an AWS profile that Terraform would read as a template", { ...minimal, aws: { profile: '${file("/etc/passwd")}' } }, 'aws.profile: must be a profile name of the AWS config files: 1-64 letters, digits or any of "_.@+=,-" (got "${file(\\"/etc/passwd\\")}")'],
    ["a role to assume given by name, not ARN", { ...minimal, aws: { assumeRole: { roleArn: "deploy-karpenter" } } }, 'aws.assumeRole.roleArn: must be an IAM role ARN such as "arn:aws:iam::111122223333:role/my-role" (got "deploy-karpenter")'],
    ["a role to assume without its ARN", { ...minimal, aws: { assumeRole: { sessionName: "ci" } } }, "aws.assumeRole.roleArn: is required"],
    ["a role to assume in another partition", { ...minimal, region: "cn-north-1", aws: { assumeRole: { roleArn: "arn:aws:iam::111122223333:role/deploy" } } }, 'aws.assumeRole.roleArn: is in partition aws, but cn-north-1 is in aws-cn: the ARN must start with arn:aws-cn: (got "arn:aws:iam::111122223333:role/deploy")'],
    ["a session name STS refuses", { ...minimal, aws: { assumeRole: { roleArn: "arn:aws:iam::111122223333:role/deploy", sessionName: "cdktf deploy" } } }, 'aws.assumeRole.sessionName: must be an STS role session name: 2-64 letters, digits or any of "_+=,.@-" (got "cdktf deploy")'],
    ["an external ID STS refuses", { ...minimal, aws: { assumeRole: { roleArn: "arn:aws:iam::111122223333:role/deploy", externalId: "x" } } }, 'aws.assumeRole.externalId: must be an STS external ID: 2-1224 letters, digits or any of "_+=,.@:/-" (got "x")'],
    ["an external ID with exec auth, which aws eks get-token cannot pass", { ...minimal, kubernetesAuth: "exec", aws: { assumeRole: { roleArn: "arn:aws:iam::111122223333:role/deploy", externalId: "ci-prod" } } }, 'aws.assumeRole.externalId: cannot be used with kubernetesAuth "exec": aws eks get-token assumes aws.assumeRole.roleArn without an external ID, so the Kubernetes token would fail; use kubernetesAuth: token (the default)'],
    ["an AWS setting the provider block does not take from the config", { ...minimal, aws: { region: "us-east-1" } }, "aws.region: unknown key; allowed keys here: profile, assumeRole"],
    ["a bad Terraform Cloud prefix", { ...minimal, terraformCloud: { organization: "acme", workspacePrefix: "gpu/" } }, "terraformCloud.workspacePrefix: must use only letters, digits, '-' and '_' (Terraform Cloud workspace names) (got \"gpu/\")"],
  ];
  for (const [what, input, expected] of cases) {
    it(`rejects ${what}`, () => assert.ok(problemsOf(input).includes(expected), `expected ${JSON.stringify(expected)} in ${JSON.stringify(problemsOf(input), null, 1)}`));
  }

  it("accepts the Gte and Lte requirement operators of Karpenter 1.14", () => {
    const requirements = [{ key: "karpenter.k8s.aws/instance-gpu-memory", operator: "Gte", values: ["40000"] }, { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Lte", values: ["4"] }];
    assert.deepEqual(parseConfig(withPool({ requirements })).nodePools[0].requirements, requirements);
  });

  it("reports every problem of a file at once, not only the first", () => {
    const problems = problemsOf({ ...minimal, region: "nowhere", tags: { team: 1 }, nodePools: [{ name: "p", nodeClass: "gpu-nodeclass", limits: { cpu: 0 } }] });
    assert.deepEqual(problems.map((p) => p.split(":")[0]).sort(), ["nodePools[0].limits.cpu", "region", "tags.team"]);
  });

  it("formats paths the way users read them", () => {
    assert.equal(formatPath(["nodePools", 1, "limits", "cpu"]), "nodePools[1].limits.cpu");
    assert.equal(formatPath([]), "");
  });
});

describe("config: files", () => {
  const dir = tempDir("config-");
  it("reads JSON and YAML alike", () => {
    writeFileSync(join(dir, "c.json"), JSON.stringify(minimal));
    writeFileSync(join(dir, "c.yml"), `clusterName: prod-cluster\nregion: us-west-2\ndiscovery: {subnetIds: [subnet-0a1b2c3d4e5f60718], securityGroupIds: [sg-0c3d4e5f607182930]}\nnodeClasses: [{name: gpu-nodeclass}]\nnodePools: [{name: gpu-workloads, nodeClass: gpu-nodeclass, limits: {cpu: 1000}}]\n`);
    assert.deepEqual(loadConfigFile(join(dir, "c.json")), loadConfigFile(join(dir, "c.yml")));
  });
  it("names the file and line of a syntax error, and a duplicate YAML key", () => {
    writeFileSync(join(dir, "bad.yaml"), "clusterName: a\nregion: [us-west-2\n");
    let err: unknown;
    try {
      loadConfigFile(join(dir, "bad.yaml"));
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /bad\.yaml/);
    assert.match(err.problems[0], /^not valid YAML at line \d+:/);
    writeFileSync(join(dir, "dup.yaml"), "clusterName: a\nclusterName: b\n");
    assert.throws(() => loadConfigFile(join(dir, "dup.yaml")), /clusterName: is given twice \(lines 1 and 2\)/);
  });
  it("says when the file cannot be read", () => {
    assert.throws(() => loadConfigFile(join(dir, "missing.yaml")), /cannot read the file/);
  });
});
