/** The schema of one node class and one node pool of the configuration. */
import { admittedInstanceTypes } from "../karpenter/efa.js";
import { MAX_TIME_SLICING_REPLICAS } from "../karpenter/gpu-sharing.js";
import { GP3_DEFAULTS } from "../karpenter/node-class-spec.js";
import { DEFAULT_CONSOLIDATE_AFTER, DEFAULT_EXPIRE_AFTER, DEFAULT_GPU_BUDGETS } from "../karpenter/node-pool-spec.js";
import { scheduleProblem } from "../validation/cron.js";
import { amiAliasProblem, budgetNodesProblem, cpuLimitProblem, evictionThresholdProblem, gpuLimitProblem, placementGroupProblems, requirementProblems, gpuSharingProblems, rootVolumeProblems, sharingProblemPath, taintProblems, templateLabelProblems } from "../validation/karpenter-rules.js";
import { kmsKeyArnProblem } from "../core/rules.js";
import { nodePoolSpecProblems, userDataProblem } from "../validation/escape-hatch.js";
import { awsTags, duration, goDuration, k8sName, MAX_MEMORY_LIMIT_GIB, MAX_STATIC_NODES, percent, positive, quantity, refinementOf, rule, wholeNumber, z } from "./fields.js";

const taint = z.strictObject({
  key: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }).describe("Taint key, such as `sku` or `nvidia.com/gpu`."),
  value: z.string({ error: "must be a string" }).optional().describe("Taint value."),
  effect: z
    .enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], {
      error: "must be one of NoSchedule, PreferNoSchedule, NoExecute",
    })
    .describe("What the taint does to pods that do not tolerate it; one value per key and effect on a node."),
});

const requirement = z
  .strictObject({
    key: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }).describe("Node label key, such as `karpenter.k8s.aws/instance-family` or `node.kubernetes.io/instance-type`. Keys the pool sets itself (instance category, capacity type, architecture, GPU manufacturer) and keys Karpenter restricts are refused."),
    operator: z
      .enum(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte"], {
        error: "must be one of In, NotIn, Exists, DoesNotExist, Gt, Lt, Gte, Lte",
      })
      .describe("How the label's value is matched."),
    values: z.array(z.string({ error: "must be a string" })).optional().describe("The values: at least one with `In`, exactly one whole number (≥ 0) with `Gt`, `Lt`, `Gte` and `Lte`, none with `Exists` and `DoesNotExist`."),
    minValues: wholeNumber(1, 50, "must be a whole number from 1 to 50").optional().describe("The fewest distinct values of this key Karpenter must keep among the instance types it may launch; with `In`, at most as many as `values` lists."),
  })
  .superRefine((r, ctx) => {
    for (const p of requirementProblems(r)) ctx.addIssue({ code: "custom", path: [p.field], message: p.problem });
  });


const budget = z.strictObject({
  nodes: rule(budgetNodesProblem).describe("How many nodes may be disrupted at once: a count such as `\"1\"` (at most 2147483647: Karpenter reads it as a 32-bit integer) or a percentage such as `\"10%\"`."),
  reasons: z
    .array(z.enum(["Underutilized", "Empty", "Drifted"], { error: "must be one of Underutilized, Empty, Drifted" }))
    .optional()
    .meta({ description: "The disruption reasons the budget limits.", "x-default": "every reason" }),
  // Parsed as Karpenter's cron library does, without the CRD's backtracking pattern (validation/cron.ts).
  schedule: rule(scheduleProblem).optional().meta({ description: "When the budget becomes active: a cron schedule in UTC, such as `0 8 * * mon-fri`. Set with `duration`, or neither.", "x-default": "none: always active" }),
  duration: z
    .string({ error: "must be a duration such as \"8h\"" })
    .regex(/^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$/, { error: "must be a duration in hours and minutes such as \"8h\" or \"1h30m\"" })
    .superRefine(goDuration)
    .optional()
    .describe("How long the budget stays active from each `schedule` start, in hours and minutes such as `8h` or `1h30m`. Set with `schedule`, or neither."),
});

/** The EC2NodeClass CRD's limits on `capacityReservationSelectorTerms`. */
const MAX_CAPACITY_RESERVATION_TERMS = 30;
const MAX_CAPACITY_RESERVATION_TAGS = 20;

/**
 * One capacity reservation selector, as the EC2NodeClass CRD allows it: a reservation by `id`
 * (alone), or reservations by `tags`, optionally only those of the account `ownerId` (shared
 * reservations).
 */
const capacityReservationTerm = z
  .strictObject({
    // EC2's form (cr- and 17 hexadecimal digits); the CRD's pattern, cr-[0-9a-z]+, is looser.
    id: z.string({ error: "must be a string" }).regex(/^cr-[0-9a-f]{17}$/, { error: "must be a capacity reservation ID such as \"cr-0123456789abcdef0\" (cr- and 17 hexadecimal digits)" }).optional().describe("A reservation by ID, `cr-` and 17 hexadecimal digits; alone in its selector."),
    tags: z
      .record(z.string(), z.string({ error: "must be a string" }))
      .superRefine((tags, ctx) => {
        const keys = Object.keys(tags);
        if (keys.length === 0) ctx.addIssue({ code: "custom", message: "must have at least one tag, or be left out" });
        if (keys.length > MAX_CAPACITY_RESERVATION_TAGS) ctx.addIssue({ code: "custom", message: `has ${keys.length} tags; a selector matches at most ${MAX_CAPACITY_RESERVATION_TAGS} (the EC2NodeClass CRD's limit)` });
        for (const key of keys) {
          if (key === "") ctx.addIssue({ code: "custom", path: [key], message: "tag keys must not be empty" });
          else if (key.length > 128) ctx.addIssue({ code: "custom", path: [key], message: `must be a tag key of at most 128 characters (got ${key.length})` });
          else if (tags[key] === "") ctx.addIssue({ code: "custom", path: [key], message: "must not be empty (use \"*\" to match any value)" });
          else if (tags[key].length > 256) ctx.addIssue({ code: "custom", path: [key], message: `must be a tag value of at most 256 characters (got ${tags[key].length})` });
        }
      })
      .optional()
      .describe("Reservations by tags: 1-20 tags, values not empty, `\"*\"` matches any value."),
    ownerId: z.string({ error: "must be a string" }).regex(/^[0-9]{12}$/, { error: "must be a 12-digit AWS account ID" }).optional().describe("With `tags`: only the reservations of this 12-digit account, which owns (shares) them."),
  })
  .superRefine((t, ctx) => {
    if (t.id !== undefined && t.tags !== undefined) ctx.addIssue({ code: "custom", path: ["tags"], message: "cannot be set with id: a selector is either { id } or { tags, ownerId? }" });
    if (t.id !== undefined && t.ownerId !== undefined) ctx.addIssue({ code: "custom", path: ["ownerId"], message: "cannot be set with id: a selector is either { id } or { tags, ownerId? }" });
    if (t.id === undefined && t.tags === undefined) ctx.addIssue({ code: "custom", message: "must set id or tags: a selector is either { id } or { tags, ownerId? }" });
  });

export const nodeClass = z.strictObject({
  name: k8sName.describe("EC2NodeClass name: a DNS-1123 name (at most 63 lower-case letters, digits, `-` and `.`), unique among node classes."),
  amiAlias: rule(amiAliasProblem)
    .default("al2023@latest")
    .describe("AL2023 AMI alias, `al2023@latest` or a release such as `al2023@v20251120`: the node class is built for AL2023, whose NVIDIA variant ships the driver. With `@latest` (the seed's) synth warns: each new AMI release drifts every node of the class. Pin a release: see docs/gpu-gotchas.md \"Busy GPU nodes: disruption, AMI and taints\"."),
  rootVolume: z
    .strictObject({
      sizeGiB: z.number({ error: "must be a whole number of GiB" }).default(200).describe("Size in GiB: a whole number from 20 to 16384."),
      type: z.enum(["gp3", "gp2", "io1", "io2"], { error: "must be one of gp3, gp2, io1, io2" }).default("gp3").describe("EBS volume type."),
      iops: z
        .number({ error: "must be a whole number of IOPS" })
        .optional()
        .meta({ description: "Provisioned IOPS: a whole number from 3000, at most 500 per GiB and 80000 on gp3, 50 per GiB and 64000 on io1, 1000 per GiB and 256000 on io2. Required for io1 and io2, refused for gp2.", "x-default": `\`${GP3_DEFAULTS.iops}\` on gp3` }),
      throughputMiBps: z
        .number({ error: "must be a whole number of MiB/s" })
        .optional()
        .meta({ description: "Throughput in MiB/s, gp3 only: a whole number from 125 to 2000, at most `iops` / 4.", "x-default": `\`${GP3_DEFAULTS.throughputMiBps}\` on gp3` }),
      kmsKeyId: rule(kmsKeyArnProblem)
        .optional()
        .meta({ description: "ARN of the customer-managed KMS key that encrypts the volume (`kmsKeyID`); the node role (or the key policy) must let EC2 use it.", "x-default": "none (the account's default EBS key)" }),
    })
    .superRefine((v, ctx) => {
      for (const p of rootVolumeProblems(v)) ctx.addIssue({ code: "custom", path: [p.field], message: p.problem });
    })
    .default({ sizeGiB: 200, type: "gp3" })
    .describe("The root EBS volume of each node."),
  instanceStorePolicy: z.enum(["RAID0"], { error: "must be RAID0 (or left out)" }).optional().describe("`RAID0`: put kubelet and containerd storage on the instance's NVMe instance store disks, striped."),
  // The kubelet settings that matter on GPU nodes; values are checked against the CRD.
  kubelet: z
    .strictObject({
      imageGCHighThresholdPercent: percent.optional().describe("Disk usage, in percent (0-100), above which the kubelet always garbage-collects images; above `imageGCLowThresholdPercent`."),
      imageGCLowThresholdPercent: percent.optional().describe("Disk usage, in percent (0-100), below which the kubelet never garbage-collects images."),
      kubeReserved: z.record(z.string(), quantity).optional().describe("Resources reserved for Kubernetes system daemons, as quantities by resource: `cpu`, `memory`, `ephemeral-storage`, `pid`."),
      systemReserved: z.record(z.string(), quantity).optional().describe("Resources reserved for OS system daemons, as quantities by resource: `cpu`, `memory`, `ephemeral-storage`, `pid`."),
      // The kubelet's own rules on top of the CRD's pattern (validation/karpenter-rules.ts).
      evictionHard: z
        .record(z.string(), rule(evictionThresholdProblem))
        .optional()
        .describe("Hard eviction thresholds by signal (`memory.available`, `nodefs.available`, `nodefs.inodesFree`, `imagefs.available`, `imagefs.inodesFree`, `pid.available`): a positive quantity such as `500Mi`, or a percentage above 0% and below 100%."),
      maxPods: z.number({ error: "must be a whole number of pods" }).int({ error: "must be a whole number of pods" }).min(1, { error: "must be at least 1" }).max(1000, { error: "must be at most 1000" }).optional().describe("The most pods on a node."),
    })
    .optional()
    .meta({ description: "Kubelet settings of the GPU nodes, written to the EC2NodeClass `spec.kubelet` and checked against its CRD.", "x-default": "none (the AMI's and Karpenter's)" }),
  tags: awsTags("")
    .optional()
    .describe("Extra tags for the instances, volumes and launch templates of this class, on top of `tags`, with the same rules. With the global tags, the discovery tag and the ones Karpenter adds, an instance may carry at most 50."),
  /** One network-card layout per class: crossKeyProblems. */
  efa: z
    .boolean({ error: "must be true or false" })
    .optional()
    .meta({
      description: "Attach an ENA primary interface and an `efa-only` interface per EFA network card, for the one network-card layout the class's pools admit (refused when they admit types without EFA, or several layouts; requirements on labels the instance table lacks, such as network bandwidth, count as admitting every type, so narrow the pool with `node.kubernetes.io/instance-type In [...]`). Installs the EFA device plugin chart. See docs/efa.md \"Multi-node training: EFA and placement groups\".",
      "x-default": "`false`",
    }),
  placementGroup: z
    .strictObject(
      {
        name: z.string({ error: "must be a string" }).optional().describe("Placement group name: 1-255 ASCII characters."),
        id: z.string({ error: "must be a string" }).optional().describe("Placement group ID, `pg-...`."),
      },
      { error: "must be {name: <placement group name>} or {id: pg-...}" },
    )
    .superRefine((pg, ctx) => {
      for (const p of placementGroupProblems(pg)) ctx.addIssue({ code: "custom", path: p.field ? [p.field] : [], message: p.problem });
    })
    .optional()
    .describe("An existing EC2 placement group every instance of the class is launched into (`spec.placementGroupSelector`), by `name` or by `id`, not both. The module does not create it; for EFA training use the `cluster` strategy, whose instances share one Availability Zone."),
  userData: z
    .string({ error: "must be a string" })
    .superRefine(refinementOf(userDataProblem))
    .optional()
    .meta({ description: "User data for the nodes (`spec.userData`): with AL2023 a MIME multi-part document of NodeConfig and shell parts, which Karpenter merges with its own; at most 16384 bytes. Config text: written as given, never evaluated by Terraform.", "x-default": "none (Karpenter's bootstrap only)" }),
  spec: z
    .record(z.string(), z.unknown())
    .optional()
    .meta({ description: "Escape hatch: further EC2NodeClass spec fields, deep-merged over the module's (objects merge, lists replace; `blockDeviceMappings` are added after the root volume), e.g. a hardened AMI's `amiSelectorTerms` with `amiFamily`, `associatePublicIPAddress`, `detailedMonitoring`. Checked against the CRD; fields written from a typed key (role, selector terms, tags, kubelet, userData, ...) and the IMDSv2 settings are refused, naming the key to use.", "x-default": "none" }),
  capacityReservations: z
    .array(capacityReservationTerm, { error: "must be a list of capacity reservation selectors ({ id } or { tags, ownerId? })" })
    .min(1, { error: "must list at least one capacity reservation selector, or be left out" })
    .max(MAX_CAPACITY_RESERVATION_TERMS, { error: `must list at most ${MAX_CAPACITY_RESERVATION_TERMS} selectors (the EC2NodeClass CRD's limit)` })
    .optional()
    .describe("On-Demand Capacity Reservations and Capacity Blocks the class may launch into (`capacityReservationSelectorTerms`; any selector matches): each selector `{id}`, or `{tags, ownerId?}`. Needed by every pool of the class that lists `reserved`. See docs/gpu-gotchas.md \"Reserved capacity and Capacity Blocks\"."),
});

export const nodePool = z.strictObject({
  name: k8sName.describe("NodePool name: a DNS-1123 name (at most 63 lower-case letters, digits, `-` and `.`), unique among pools."),
  nodeClass: k8sName.describe("Name of the entry of `nodeClasses` the pool launches with."),
  instanceCategories: z
    .array(z.enum(["g", "p", "gr"], { error: "must be one of g, p, gr (GPU instance categories)" }))
    .min(1, { error: "must list at least one instance category" })
    .default(["g", "p"])
    .describe("GPU instance categories the pool may launch (`karpenter.k8s.aws/instance-category`)."),
  capacityTypes: z
    .array(z.enum(["spot", "on-demand", "reserved"], { error: "must be one of spot, on-demand, reserved" }))
    .min(1, { error: "must list at least one capacity type" })
    .default(["on-demand"])
    .describe("Capacity types the pool may launch (`karpenter.sh/capacity-type`). Spot is opt-in: use it for fault-tolerant training only. `reserved` needs a node class with `capacityReservations`; Karpenter fills reservations before on-demand and spot."),
  architectures: z
    .array(z.enum(["amd64", "arm64"], { error: "must be one of amd64, arm64" }))
    .min(1, { error: "must list at least one architecture" })
    .default(["amd64"])
    .describe("CPU architectures (`kubernetes.io/arch`)."),
  requirements: z
    .array(requirement)
    .max(95, { error: "must list at most 95 requirements (Karpenter allows 100 and the module sets 5)" })
    .default([])
    .describe("Extra scheduling requirements, after the 5 the pool sets itself (the NodePool CRD allows 100 in all). A pool they leave without an instance type is refused."),
  startupTaints: z
    .array(taint)
    .superRefine((taints, ctx) => {
      for (const p of taintProblems(taints)) ctx.addIssue({ code: "custom", path: [Number(p.field)], message: p.problem });
    })
    .optional()
    .meta({ description: "Taints a new node starts with, removed by an agent when the node is ready (a GPU health check, an image pre-pull); Karpenter ignores them when it decides whether a pod fits, and pods need no toleration.", "x-default": "none" }),
  spec: z
    .record(z.string(), z.unknown())
    .superRefine((spec, ctx) => {
      for (const p of nodePoolSpecProblems(spec)) ctx.addIssue({ code: "custom", path: [...p.path], message: p.problem });
    })
    .optional()
    .meta({ description: "Escape hatch: further NodePool spec fields, deep-merged over the module's, such as `template.metadata.annotations`. Checked against the CRD; fields written from a typed key (limits, disruption, requirements, taints, labels, ...) are refused, naming the key to use.", "x-default": "none" }),
  taints: z
    .array(taint)
    .default([{ key: "sku", value: "gpu", effect: "NoSchedule" }])
    .describe("Taints that keep other pods off the pool's nodes. The default is the seed's: every GPU pod must then tolerate `sku=gpu`; `{key: nvidia.com/gpu, effect: NoSchedule}` is tolerated by EKS for any pod that requests `nvidia.com/gpu` (see docs/gpu-gotchas.md \"Busy GPU nodes: disruption, AMI and taints\"). The GPU Operator's daemon sets tolerate every pool's taints."),
  capacityReservationType: z
    .enum(["default", "capacity-block"], { error: "must be one of default, capacity-block" })
    .optional()
    .meta({ description: "Only this kind of reservation (`karpenter.k8s.aws/capacity-reservation-type`): `default` for On-Demand Capacity Reservations, `capacity-block` for Capacity Blocks for ML. Needs `reserved` in `capacityTypes`.", "x-default": "none (either)" }),
  replicas: wholeNumber(0, MAX_STATIC_NODES, `must be a whole number of nodes from 0 to ${MAX_STATIC_NODES}`)
    .optional()
    .describe("A static pool: Karpenter keeps this many nodes up whatever the pods (NodePool `replicas`, alpha in Karpenter 1.14: the module turns on the `staticCapacity` gate). With it: only `limits.nodes`, no `weight`, no `disruption.consolidationPolicy` or `consolidateAfter`, and `expireAfter` defaults to `Never`. Adding it to or removing it from an existing pool replaces the NodePool (its nodes drain). See docs/startup-latency.md \"Warm static pools\"."),
  // Required for a pool that scales with pods, refused on a static pool: checked in crossKeyProblems.
  limits: z
    .strictObject({
      cpu: positive("vCPUs").optional().describe("Cap on the pool's total vCPUs: a whole number from 4 to 1000000; size it to your EC2 vCPU quota. Required, except on a static pool (`replicas`), which refuses it."),
      gpus: positive("NVIDIA GPUs")
        .optional()
        .meta({ description: "Cap on the pool's total NVIDIA GPUs (`nvidia.com/gpu`), GPU slices with `gpuSharing`: a whole number from 1 to the default. Refused on a static pool.", "x-default": "`floor(cpu / 4)` (no GPU type has fewer than 4 vCPUs per GPU), times `gpuSharing.timeSlicing.replicas`, or with `gpuSharing.mig` the most instances any GPU holds of the profile" }),
      memoryGiB: positive("GiB").int({ error: "must be a whole number of GiB" }).max(MAX_MEMORY_LIMIT_GIB, { error: `must be at most ${MAX_MEMORY_LIMIT_GIB} GiB` }).optional().describe("Cap on the pool's total memory, in GiB. Refused on a static pool."),
      nodes: wholeNumber(1, MAX_STATIC_NODES, `must be a whole number of nodes from 1 to ${MAX_STATIC_NODES}`)
        .optional()
        .describe("The most nodes the pool has at once, at least `replicas`; Karpenter enforces it on every pool. On a static pool, `replicas + 1` lets a drifted node's replacement start before the old one goes (expiry starts none); without it nothing caps that surge, and the capacity report and quota guard count `replicas` + 1 nodes."),
    })
    .superRefine((l, ctx) => {
      // Non-positive values already failed `positive` above: one message per problem.
      const cpu = l.cpu !== undefined && l.cpu > 0 ? cpuLimitProblem(l.cpu) : undefined;
      if (cpu) ctx.addIssue({ code: "custom", path: ["cpu"], message: cpu });
      // limits.gpus against limits.cpu: checked with the pool (time-slicing multiplies it), below.
    })
    .default({})
    .describe("Caps on all the pool's nodes together (NodePool `limits`)."),
  weight: wholeNumber(1, 100, "must be a whole number from 1 to 100 (Karpenter tries pools of higher weight first)")
    .optional()
    .describe("Preference among pools: Karpenter tries pools of higher weight first. Refused on a static pool."),
  // Resolved by the pool's kind (karpenter/node-pool-spec.ts).
  expireAfter: duration
    .optional()
    .meta({
      description: "Node lifetime: a duration such as `720h`, or `Never`. An expired node is deleted at once, outside the budgets, with no replacement started first; synth warns when no `terminationGracePeriod` bounds its drain.",
      "x-default": `\`${DEFAULT_EXPIRE_AFTER}\`; \`Never\` with \`replicas\``,
    }),
  terminationGracePeriod: z
    .string({ error: "must be a duration string" })
    .regex(/^([0-9]+(s|m|h))+$/, { error: "must be a duration such as \"30m\" or \"2h\" (no \"Never\": leave it out for no limit)" })
    .superRefine(goDuration)
    .optional()
    .meta({ description: "How long Karpenter waits for a disrupted node's pods before deleting them past PodDisruptionBudgets and `karpenter.sh/do-not-disrupt`: a duration such as `2h` (no `Never`). Unset, Karpenter never forces a busy GPU node out.", "x-default": "none: no limit" }),
  labels: z
    .record(z.string(), z.string({ error: "must be a string" }))
    .optional()
    .describe("Labels on every node of the pool (NodeClaim template). Karpenter's restricted label domains, and the keys the pool sets itself, are refused."),
  gpuSharing: z
    .strictObject(
      {
        timeSlicing: z
          .strictObject({ replicas: z.number({ error: "must be a whole number of slices per GPU" }).describe(`Slices per GPU: a whole number from 2 to ${MAX_TIME_SLICING_REPLICAS} (the module's bound against typos, not the device plugin's).`) }, { error: "must be {replicas: <slices per GPU>}" })
          .optional()
          .meta({ description: "Time-slicing: each GPU is advertised `replicas` times; pods share it in turns, without memory or fault isolation.", "x-default": "none" }),
        mig: z
          .strictObject({ profile: z.string({ error: "must be a MIG config name such as all-1g.10gb" }).describe("The MIG manager config the nodes get (`nvidia.com/mig.config`), `all-<profile>` such as `all-1g.10gb` or `all-3g.40gb`: each GPU is split into as many instances of that profile as it holds. Every type the pool admits must have the profile (A100, H100, H200, B200, B300 and RTX PRO 6000 GPUs: p4d, p4de, p5, p5e, p5en, p6-b200, p6-b300, g7e); `all-disabled`, `all-enabled` and `all-balanced` are refused.") }, { error: "must be {profile: <MIG config name>}" })
          .optional()
          .meta({ description: "MIG: each GPU is split into isolated instances (own memory, cache and compute), each advertised as one `nvidia.com/gpu`.", "x-default": "none" }),
      },
      { error: "must be {timeSlicing: {replicas: <slices per GPU>}} or {mig: {profile: <MIG config name>}}" },
    )
    .optional()
    .meta({ description: "Share each GPU of the pool's nodes between pods, by time-slicing or MIG (exactly one): the node label, the GPU Operator values and the NodeOverlays are written for it, the `nodeOverlay` gate is turned on, and `limits.gpus` counts slices. See docs/gpu-sharing.md.", "x-default": "none (no sharing)" }),
  disruption: z
    .strictObject({
      consolidationPolicy: z
        .enum(["WhenEmptyOrUnderutilized", "WhenEmpty"], { error: "must be one of WhenEmptyOrUnderutilized, WhenEmpty" })
        .default("WhenEmptyOrUnderutilized")
        .describe("Which nodes Karpenter may consolidate: empty or underutilized ones, or only empty ones. Refused on a static pool."),
      consolidateAfter: duration.default(DEFAULT_CONSOLIDATE_AFTER).describe("How long a node waits before it is consolidated: minutes, so a GPU node is not torn down between two pods of a job. Refused on a static pool."),
      budgets: z
        .array(budget)
        .max(50, { error: "must list at most 50 budgets (the NodePool CRD's limit)" })
        .optional()
        .meta({ description: "Disruption budgets: how many nodes Karpenter may disrupt at once, for which reasons, when. At most 50.", "x-default": "the GPU defaults when `disruption` is absent; else none (Karpenter's 10%)" }),
    })
    // A pool that states no disruption gets the GPU defaults, budgets included; a pool that states
    // its own (the seed does) gets exactly what it states.
    .default({ consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: DEFAULT_CONSOLIDATE_AFTER, budgets: DEFAULT_GPU_BUDGETS.map(({ reasons, ...b }) => ({ ...b, ...(reasons ? { reasons: [...reasons] } : {}) })) })
    .describe("How Karpenter may disrupt the pool's nodes. A pool that states this block gets exactly what it states; without it, the GPU defaults: no `Drifted` or `Underutilized` disruption on weekdays 08:00-18:00 UTC, and at most 10% of the nodes at once."),
}).superRefine((pool, ctx) => {
  for (const p of taintProblems(pool.taints)) ctx.addIssue({ code: "custom", path: ["taints", Number(p.field)], message: p.problem });
  for (const p of templateLabelProblems(pool.labels ?? {})) ctx.addIssue({ code: "custom", path: ["labels", p.field], message: p.problem });
  const l = pool.limits;
  if (l.gpus !== undefined && l.cpu !== undefined && l.cpu > 0 && !cpuLimitProblem(l.cpu)) {
    const gpus = gpuLimitProblem(l.gpus, l.cpu, pool.gpuSharing);
    if (gpus) ctx.addIssue({ code: "custom", path: ["limits", "gpus"], message: gpus });
  }
  if (pool.gpuSharing) {
    for (const p of gpuSharingProblems(pool.gpuSharing, pool.labels, admittedInstanceTypes(pool))) ctx.addIssue({ code: "custom", path: sharingProblemPath(p.field), message: p.problem });
  }
});
