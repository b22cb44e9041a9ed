/** The schema of one node class and one node pool of the configuration. */
import { DEVICE_PLUGIN_CONFIG_LABEL } from "../karpenter/gpu-sharing.js";
import { DEFAULT_CONSOLIDATE_AFTER, DEFAULT_GPU_BUDGETS } from "../karpenter/node-pool-spec.js";
import { scheduleProblem } from "../validation/cron.js";
import { amiAliasProblem, budgetNodesProblem, cpuLimitProblem, evictionThresholdProblem, gpuLimitProblem, placementGroupProblems, requirementProblems, gpuSharingProblems, rootVolumeProblems, taintProblems, templateLabelProblems } from "../validation/karpenter-rules.js";
import { awsTags, duration, goDuration, k8sName, MAX_MEMORY_LIMIT_GIB, MAX_STATIC_NODES, percent, positive, quantity, rule, wholeNumber, z } from "./fields.js";

const taint = z.strictObject({
  key: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }),
  value: z.string({ error: "must be a string" }).optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], {
    error: "must be one of NoSchedule, PreferNoSchedule, NoExecute",
  }),
});

const requirement = z
  .strictObject({
    key: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }),
    operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte"], {
      error: "must be one of In, NotIn, Exists, DoesNotExist, Gt, Lt, Gte, Lte",
    }),
    values: z.array(z.string({ error: "must be a string" })).optional(),
    minValues: wholeNumber(1, 50, "must be a whole number from 1 to 50").optional(),
  })
  .superRefine((r, ctx) => {
    for (const p of requirementProblems(r)) ctx.addIssue({ code: "custom", path: [p.field], message: p.problem });
  });


const budget = z.strictObject({
  nodes: rule(budgetNodesProblem),
  reasons: z
    .array(z.enum(["Underutilized", "Empty", "Drifted"], { error: "must be one of Underutilized, Empty, Drifted" }))
    .optional(),
  // Parsed as Karpenter's cron library does, without the CRD's backtracking pattern (validation/cron.ts).
  schedule: rule(scheduleProblem).optional(),
  duration: z
    .string({ error: "must be a duration such as \"8h\"" })
    .regex(/^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$/, { error: "must be a duration in hours and minutes such as \"8h\" or \"1h30m\"" })
    .superRefine(goDuration)
    .optional(),
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
    id: z.string({ error: "must be a string" }).regex(/^cr-[0-9a-f]{17}$/, { error: "must be a capacity reservation ID such as \"cr-0123456789abcdef0\" (cr- and 17 hexadecimal digits)" }).optional(),
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
      .optional(),
    ownerId: z.string({ error: "must be a string" }).regex(/^[0-9]{12}$/, { error: "must be a 12-digit AWS account ID" }).optional(),
  })
  .superRefine((t, ctx) => {
    if (t.id !== undefined && t.tags !== undefined) ctx.addIssue({ code: "custom", path: ["tags"], message: "cannot be set with id: a selector is either { id } or { tags, ownerId? }" });
    if (t.id !== undefined && t.ownerId !== undefined) ctx.addIssue({ code: "custom", path: ["ownerId"], message: "cannot be set with id: a selector is either { id } or { tags, ownerId? }" });
    if (t.id === undefined && t.tags === undefined) ctx.addIssue({ code: "custom", message: "must set id or tags: a selector is either { id } or { tags, ownerId? }" });
  });

export const nodeClass = z.strictObject({
  /** EC2NodeClass name. */
  name: k8sName,
  /** AMI alias; `al2023@latest` resolves to the EKS AL2023 AMI, whose NVIDIA variant ships the driver. */
  amiAlias: rule(amiAliasProblem).default("al2023@latest"),
  rootVolume: z
    .strictObject({
      sizeGiB: z.number({ error: "must be a whole number of GiB" }).default(200),
      type: z.enum(["gp3", "gp2", "io1", "io2"], { error: "must be one of gp3, gp2, io1, io2" }).default("gp3"),
      iops: z.number({ error: "must be a whole number of IOPS" }).optional(),
      throughputMiBps: z.number({ error: "must be a whole number of MiB/s" }).optional(),
    })
    .superRefine((v, ctx) => {
      for (const p of rootVolumeProblems(v)) ctx.addIssue({ code: "custom", path: [p.field], message: p.problem });
    })
    .default({ sizeGiB: 200, type: "gp3" }),
  instanceStorePolicy: z.enum(["RAID0"], { error: "must be RAID0 (or left out)" }).optional(),
  // The kubelet settings that matter on GPU nodes; values are checked against the CRD.
  kubelet: z
    .strictObject({
      imageGCHighThresholdPercent: percent.optional(),
      imageGCLowThresholdPercent: percent.optional(),
      kubeReserved: z.record(z.string(), quantity).optional(),
      systemReserved: z.record(z.string(), quantity).optional(),
      // The kubelet's own rules on top of the CRD's pattern (validation/karpenter-rules.ts).
      evictionHard: z.record(z.string(), rule(evictionThresholdProblem)).optional(),
      maxPods: z.number({ error: "must be a whole number of pods" }).int({ error: "must be a whole number of pods" }).min(1, { error: "must be at least 1" }).max(1000, { error: "must be at most 1000" }).optional(),
    })
    .optional(),
  tags: awsTags("").optional(),
  /** EFA interfaces for the network-card layout of the types the class's pools admit (one layout per class: crossKeyProblems). */
  efa: z.boolean({ error: "must be true or false" }).optional(),
  /** An existing EC2 placement group, by name or ID. */
  placementGroup: z
    .strictObject(
      { name: z.string({ error: "must be a string" }).optional(), id: z.string({ error: "must be a string" }).optional() },
      { error: "must be {name: <placement group name>} or {id: pg-...}" },
    )
    .superRefine((pg, ctx) => {
      for (const p of placementGroupProblems(pg)) ctx.addIssue({ code: "custom", path: p.field ? [p.field] : [], message: p.problem });
    })
    .optional(),
  /** Capacity reservations (ODCRs, Capacity Blocks) the class may launch into: `capacityReservationSelectorTerms`. */
  capacityReservations: z
    .array(capacityReservationTerm, { error: "must be a list of capacity reservation selectors ({ id } or { tags, ownerId? })" })
    .min(1, { error: "must list at least one capacity reservation selector, or be left out" })
    .max(MAX_CAPACITY_RESERVATION_TERMS, { error: `must list at most ${MAX_CAPACITY_RESERVATION_TERMS} selectors (the EC2NodeClass CRD's limit)` })
    .optional(),
});

export const nodePool = z.strictObject({
  name: k8sName,
  /** Name of an entry in `nodeClasses`. */
  nodeClass: k8sName,
  instanceCategories: z
    .array(z.enum(["g", "p", "gr"], { error: "must be one of g, p, gr (GPU instance categories)" }))
    .min(1, { error: "must list at least one instance category" })
    .default(["g", "p"]),
  capacityTypes: z
    .array(z.enum(["spot", "on-demand", "reserved"], { error: "must be one of spot, on-demand, reserved" }))
    .min(1, { error: "must list at least one capacity type" })
    .default(["on-demand"]),
  architectures: z
    .array(z.enum(["amd64", "arm64"], { error: "must be one of amd64, arm64" }))
    .min(1, { error: "must list at least one architecture" })
    .default(["amd64"]),
  // The NodePool CRD allows 100 requirements; the module sets 5 of them.
  requirements: z.array(requirement).max(95, { error: "must list at most 95 requirements (Karpenter allows 100 and the module sets 5)" }).default([]),
  taints: z.array(taint).default([{ key: "sku", value: "gpu", effect: "NoSchedule" }]),
  /** Only this kind of capacity reservation: `karpenter.k8s.aws/capacity-reservation-type` (needs `reserved` in capacityTypes). */
  capacityReservationType: z.enum(["default", "capacity-block"], { error: "must be one of default, capacity-block" }).optional(),
  /** A static pool: Karpenter keeps this many nodes whatever the pods (NodePool `replicas`, alpha). */
  replicas: wholeNumber(0, MAX_STATIC_NODES, `must be a whole number of nodes from 0 to ${MAX_STATIC_NODES}`).optional(),
  // Required for a pool that scales with pods, refused on a static pool: checked in crossKeyProblems.
  limits: z
    .strictObject({
      cpu: positive("vCPUs").optional(),
      gpus: positive("NVIDIA GPUs").optional(),
      memoryGiB: positive("GiB").int({ error: "must be a whole number of GiB" }).max(MAX_MEMORY_LIMIT_GIB, { error: `must be at most ${MAX_MEMORY_LIMIT_GIB} GiB` }).optional(),
      nodes: wholeNumber(1, MAX_STATIC_NODES, `must be a whole number of nodes from 1 to ${MAX_STATIC_NODES}`).optional(),
    })
    .superRefine((l, ctx) => {
      // Non-positive values already failed `positive` above: one message per problem.
      const cpu = l.cpu !== undefined && l.cpu > 0 ? cpuLimitProblem(l.cpu) : undefined;
      if (cpu) ctx.addIssue({ code: "custom", path: ["cpu"], message: cpu });
      // limits.gpus against limits.cpu: checked with the pool (time-slicing multiplies it), below.
    })
    .default({}),
  weight: wholeNumber(1, 100, "must be a whole number from 1 to 100 (Karpenter tries pools of higher weight first)").optional(),
  // Resolved by the pool's kind: 720h, or Never for a static pool (karpenter/node-pool-spec.ts).
  expireAfter: duration.optional(),
  terminationGracePeriod: z
    .string({ error: "must be a duration string" })
    .regex(/^([0-9]+(s|m|h))+$/, { error: "must be a duration such as \"30m\" or \"2h\" (no \"Never\": leave it out for no limit)" })
    .superRefine(goDuration)
    .optional(),
  labels: z.record(z.string(), z.string({ error: "must be a string" })).optional(),
  /** GPU time-slicing: each GPU advertised `replicas` times, with NodeOverlays so Karpenter plans with it. */
  gpuSharing: z
    .strictObject({
      timeSlicing: z.strictObject({ replicas: z.number({ error: "must be a whole number of slices per GPU" }) }, { error: "must be {replicas: <slices per GPU>}" }),
    }, { error: "must be {timeSlicing: {replicas: <slices per GPU>}}" })
    .optional(),
  disruption: z
    .strictObject({
      consolidationPolicy: z
        .enum(["WhenEmptyOrUnderutilized", "WhenEmpty"], { error: "must be one of WhenEmptyOrUnderutilized, WhenEmpty" })
        .default("WhenEmptyOrUnderutilized"),
      consolidateAfter: duration.default(DEFAULT_CONSOLIDATE_AFTER),
      budgets: z.array(budget).max(50, { error: "must list at most 50 budgets (the NodePool CRD's limit)" }).optional(),
    })
    // A pool that states no disruption gets the GPU defaults, budgets included; a pool that states
    // its own (the seed does) gets exactly what it states.
    .default({ consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: DEFAULT_CONSOLIDATE_AFTER, budgets: DEFAULT_GPU_BUDGETS.map(({ reasons, ...b }) => ({ ...b, ...(reasons ? { reasons: [...reasons] } : {}) })) }),
}).superRefine((pool, ctx) => {
  for (const p of taintProblems(pool.taints)) ctx.addIssue({ code: "custom", path: ["taints", Number(p.field)], message: p.problem });
  for (const p of templateLabelProblems(pool.labels ?? {})) ctx.addIssue({ code: "custom", path: ["labels", p.field], message: p.problem });
  const l = pool.limits;
  if (l.gpus !== undefined && l.cpu !== undefined && l.cpu > 0 && !cpuLimitProblem(l.cpu)) {
    const gpus = gpuLimitProblem(l.gpus, l.cpu, pool.gpuSharing);
    if (gpus) ctx.addIssue({ code: "custom", path: ["limits", "gpus"], message: gpus });
  }
  if (pool.gpuSharing) for (const p of gpuSharingProblems(pool.gpuSharing, pool.labels)) ctx.addIssue({ code: "custom", path: p.field === "label" ? ["labels", DEVICE_PLUGIN_CONFIG_LABEL] : ["gpuSharing", ...p.field.split(".")], message: p.problem });
});
