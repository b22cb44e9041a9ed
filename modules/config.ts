/**
 * The user-facing configuration file: its schema, defaults, and a loader that reports every
 * problem at once with the path of the field, e.g. `nodePools[1].limits.cpu: must be a positive number`.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { extname } from "node:path";
import { createRequire } from "node:module";
import { parseYaml, YAMLParseError } from "./cjs-deps.js";
import type { z as ZT } from "zod";
import { controllerRoleNameFor } from "./controller-iam.js";
import { GPU_OPERATOR_CHART_VERSION } from "./gpu-operator.js";
import { KARPENTER_CHART_VERSION } from "./karpenter-chart.js";
import { nodeRoleNameFor } from "./node-role.js";
import { launchProblems } from "./launchability.js";
import { DEFAULT_CONSOLIDATE_AFTER, DEFAULT_GPU_BUDGETS, defaultGpuLimit, managedRequirements } from "./node-pool.js";
import { amiAliasProblem, cpuLimitProblem, gpuLimitProblem, requirementProblems, rootVolumeProblems, taintProblems } from "./karpenter-rules.js";
import { nodeClassCrdProblems, nodePoolCrdProblems } from "./config-crd.js";
import { efaClassProblems, type EfaPool } from "./efa.js";
import { placementGroupProblems } from "./node-class.js";
import {
  k8sNameProblem,
  clusterNameProblem,
  iamRoleNameProblem,
  kmsKeyArnProblem,
  managedPolicyArnProblem,
  oidcProviderArnProblem,
  queueNameProblem,
  regionProblem,
  roleArnProblem,
  securityGroupCountProblem,
  securityGroupIdProblem,
  subnetIdProblem,
  awsTagKeyProblem,
  awsTagValueProblem,
  MAX_AWS_TAGS,
} from "./rules.js";

// zod's CommonJS build through require(): its ESM build is dozens of files, each a module load
// (see cjs-deps.ts and npm run bench).
const { z } = createRequire(import.meta.url)("zod") as typeof import("zod");

/** The NodePool label a pool's `capacityReservationType` requires. */
const CAPACITY_RESERVATION_TYPE = "karpenter.k8s.aws/capacity-reservation-type";

/** Turns a rule from rules.ts into a zod refinement on a string. */
const rule = (check: (v: string) => string | undefined) =>
  z.string({ error: "must be a string" }).superRefine((value, ctx) => {
    const problem = check(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const uniqueStrings = (what: string, item: ZT.ZodType<string>) =>
  z.array(item, { error: `must be a list of ${what}` }).superRefine((values, ctx) => {
    const seen = new Set<string>();
    values.forEach((v, i) => {
      if (seen.has(v)) ctx.addIssue({ code: "custom", path: [i], message: `${JSON.stringify(v)} is listed twice` });
      seen.add(v);
    });
  });

const k8sName = rule(k8sNameProblem);

/** Karpenter durations: `30s`, `5m`, `1h30m`, or `Never`. */
const DURATION = /^(([0-9]+(s|m|h))+|Never)$/;
const duration = z
  .string({ error: "must be a duration string" })
  .regex(DURATION, { error: "must be a duration such as \"30s\", \"15m\", \"720h\" or \"Never\"" });

/** A whole number from `min` to `max`, with one message for every way to miss it. */
const wholeNumber = (min: number, max: number, message: string) =>
  z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });

const positive = (what: string) =>
  z.number({ error: `must be a positive number (${what})` }).positive({ error: `must be a positive number (${what})` });

/** The most nodes a static pool (`replicas`, `limits.nodes`) may keep: far above any GPU fleet, low enough to catch a typo. */
const MAX_STATIC_NODES = 1000;

/** The largest memory cap accepted, in GiB: more than the CPU cap's largest reach (32 GiB per vCPU at most on GPU types). */
const MAX_MEMORY_LIMIT_GIB = 32 * 1_000_000;

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


const budget = z
  .strictObject({
  nodes: z.string({ error: "must be a string: a count such as \"1\" or a percentage such as \"10%\"" }).regex(/^((100|[0-9]{1,2})%|[0-9]+)$/, {
    error: "must be a count such as \"1\" or a percentage such as \"10%\"",
  }),
  reasons: z
    .array(z.enum(["Underutilized", "Empty", "Drifted"], { error: "must be one of Underutilized, Empty, Drifted" }))
    .optional(),
  schedule: z
    .string({ error: "must be a cron schedule string" })
    .regex(/^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\s(.+)\s(.+)\s(.+)\s(.+))$/, {
      error: "must be a cron schedule such as \"0 9 * * mon-fri\" or \"@daily\"",
    })
    .optional(),
  duration: z
    .string({ error: "must be a duration such as \"8h\"" })
    .regex(/^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$/, { error: "must be a duration in hours and minutes such as \"8h\" or \"1h30m\"" })
    .optional(),
  });

const SEMVER = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const QUANTITY = /^([0-9]+(\.[0-9]+)?|\.[0-9]+)([KMGTPE]i|[mkMGTPE])?$/;
const percent = wholeNumber(0, 100, "must be a whole percentage from 0 to 100");
const quantity = z.string({ error: "must be a Kubernetes quantity string such as \"1\", \"500m\" or \"1Gi\"" }).regex(QUANTITY, {
  error: "must be a Kubernetes quantity such as \"1\", \"500m\" or \"1Gi\"",
});
const cpuMemory = z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() });
const resources = z.strictObject({ requests: cpuMemory.optional(), limits: cpuMemory.optional() });

/**
 * Tags: AWS's rules (they land on IAM roles, SQS queues and, through Karpenter, on instances and
 * instance profiles), at most MAX_AWS_TAGS. The keys Karpenter sets itself are the EC2NodeClass
 * CRD's rules, checked on the built node classes.
 */
const awsTags = (note: string) =>
  z.record(z.string(), z.string({ error: "must be a string" })).superRefine((tags, ctx) => {
    const keys = Object.keys(tags);
    if (keys.length > MAX_AWS_TAGS) ctx.addIssue({ code: "custom", message: `has ${keys.length} tags; AWS allows at most ${MAX_AWS_TAGS} on a resource` });
    for (const key of keys) {
      const problem = awsTagKeyProblem(key);
      if (problem) ctx.addIssue({ code: "custom", path: [key], message: `${problem}${note}` });
      const valueProblem = awsTagValueProblem(tags[key]);
      if (valueProblem) ctx.addIssue({ code: "custom", path: [key], message: valueProblem });
    }
  });

/**
 * Chart values the module sets itself from other keys: set there, not in `additionalValues`,
 * so they cannot disagree with the IAM, queue and identity the other stacks create.
 */
const OWNED_VALUES: Readonly<Record<"karpenter" | "gpuOperator", readonly (readonly [path: readonly string[], instead: string])[]>> = {
  karpenter: [
    [["affinity"], "it would replace the chart's default affinity that keeps the controller off Karpenter-managed nodes; remove it"],
    [["settings", "clusterName"], "set clusterName instead"],
    [["settings", "clusterEndpoint"], "the module reads it from the cluster; remove it"],
    [["settings", "interruptionQueue"], "set interruptionQueue.name instead"],
    [["settings", "enableZonalShift"], "set karpenter.zonalShift instead (it also grants the IAM permission)"],
    [["serviceAccount", "name"], "set controller.serviceAccount instead (the IAM trust names it)"],
    [["serviceAccount", "annotations", "eks.amazonaws.com/role-arn"], "the module sets it with controller.identity: irsa; remove it"],
    [["controller", "resources"], "set karpenter.controllerResources instead"],
  ],
  gpuOperator: [
    [["driver", "enabled"], "set gpuOperator.installDriver instead"],
    [["toolkit", "enabled"], "set gpuOperator.installDriver instead"],
  ],
};

const additionalValues = (chart: keyof typeof OWNED_VALUES) =>
  z.record(z.string(), z.unknown()).superRefine((values, ctx) => {
    const reported = new Set<string>();
    for (const [path, instead] of OWNED_VALUES[chart]) {
      let node: unknown = values;
      for (let i = 0; i < path.length && node !== undefined; i++) {
        // A parent set to null or to a non-object would replace (in Helm, delete) the module's values below it.
        if (i > 0 && !isRecord(node)) {
          const at = path.slice(0, i);
          if (!reported.has(at.join("."))) ctx.addIssue({ code: "custom", path: [...at], message: `must be an object (got ${JSON.stringify(node)}): the module sets ${path.slice(i).join(".")} inside it` });
          reported.add(at.join("."));
          node = undefined;
          break;
        }
        node = isRecord(node) ? node[path[i]] : undefined;
      }
      if (node !== undefined) ctx.addIssue({ code: "custom", path: [...path], message: `is set by the module: ${instead}` });
    }
    // The module's AWS_REGION is merged into controller.env by name, so the list must hold env entries.
    const env = isRecord(values.controller) ? values.controller.env : undefined;
    if (chart === "karpenter" && env !== undefined) {
      if (!Array.isArray(env)) ctx.addIssue({ code: "custom", path: ["controller", "env"], message: `must be a list of {name, value} entries (got ${JSON.stringify(env)}); the chart puts it in the container's env list` });
      else env.forEach((e, i) => {
        if (!isRecord(e) || typeof e.name !== "string" || e.name === "") ctx.addIssue({ code: "custom", path: ["controller", "env", i], message: `must be an env entry with a name, such as {name: GOMEMLIMIT, value: "900MiB"} (got ${JSON.stringify(e)})` });
      });
    }
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
    id: z.string({ error: "must be a string" }).regex(/^cr-[0-9a-z]+$/, { error: "must be a capacity reservation ID such as \"cr-0123456789abcdef0\"" }).optional(),
    tags: z
      .record(z.string(), z.string({ error: "must be a string" }))
      .superRefine((tags, ctx) => {
        const keys = Object.keys(tags);
        if (keys.length === 0) ctx.addIssue({ code: "custom", message: "must have at least one tag, or be left out" });
        if (keys.length > MAX_CAPACITY_RESERVATION_TAGS) ctx.addIssue({ code: "custom", message: `has ${keys.length} tags; a selector matches at most ${MAX_CAPACITY_RESERVATION_TAGS} (the EC2NodeClass CRD's limit)` });
        for (const key of keys) {
          if (key === "") ctx.addIssue({ code: "custom", path: [key], message: "tag keys must not be empty" });
          else if (tags[key] === "") ctx.addIssue({ code: "custom", path: [key], message: "must not be empty (use \"*\" to match any value)" });
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

const nodeClass = z.strictObject({
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
      evictionHard: z.record(z.string(), z.string({ error: "must be a string such as \"500Mi\" or \"10%\"" })).optional(),
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

const nodePool = z.strictObject({
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
      const gpus = l.gpus === undefined || l.cpu === undefined || cpu || l.cpu <= 0 ? undefined : gpuLimitProblem(l.gpus, l.cpu);
      if (gpus) ctx.addIssue({ code: "custom", path: ["gpus"], message: gpus });
    })
    .default({}),
  weight: z.number().int().min(1).max(100).optional(),
  expireAfter: duration.default("720h"),
  terminationGracePeriod: z
    .string({ error: "must be a duration string" })
    .regex(/^([0-9]+(s|m|h))+$/, { error: "must be a duration such as \"30m\" or \"2h\" (no \"Never\": leave it out for no limit)" })
    .optional(),
  labels: z.record(z.string(), z.string({ error: "must be a string" })).optional(),
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
});

export const configSchema = z
  .strictObject({
    clusterName: rule(clusterNameProblem),
    region: rule(regionProblem),
    discovery: z.strictObject({
      subnetIds: uniqueStrings("subnet IDs", rule(subnetIdProblem)).min(1, { error: "must list at least one subnet ID" }),
      securityGroupIds: uniqueStrings("security group IDs", rule(securityGroupIdProblem)),
      allowMultipleSecurityGroups: z.boolean({ error: "must be true or false" }).default(false),
    }),
    nodeRole: z
      .strictObject({
        name: rule(iamRoleNameProblem).optional(),
        existingRoleArn: rule(roleArnProblem).optional(),
        createAccessEntry: z.boolean({ error: "must be true or false" }).default(true),
        // The keys name the attachments' Terraform addresses.
        additionalPolicyArns: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "must be a name of 1-64 letters, digits, '-' and '_' (it names the attachment's Terraform address)" }), rule(managedPolicyArnProblem)).optional(),
        permissionsBoundaryArn: rule(managedPolicyArnProblem).optional(),
      })
      .default({ createAccessEntry: true }),
    controller: z
      .strictObject({
        identity: z.enum(["podIdentity", "irsa"], { error: "must be one of podIdentity, irsa" }).default("podIdentity"),
        oidcProviderArn: rule(oidcProviderArnProblem).optional(),
        roleName: rule(iamRoleNameProblem).optional(),
        namespace: k8sName.default("kube-system"),
        serviceAccount: k8sName.default("karpenter"),
        permissionsBoundaryArn: rule(managedPolicyArnProblem).optional(),
        /** With Pod Identity: manage the eks-pod-identity-agent add-on, or check it is there. Default applied in the refinement below. */
        podIdentityAgent: z.enum(["install", "present", "unchecked"], { error: "must be one of install, present, unchecked" }).optional(),
        runsOnFargate: z.boolean({ error: "must be true or false" }).default(false),
      })
      .default({ identity: "podIdentity", namespace: "kube-system", serviceAccount: "karpenter", runsOnFargate: false }),
    interruptionQueue: z
      .strictObject({
        name: rule(queueNameProblem).optional(),
        messageRetentionSeconds: wholeNumber(60, 1_209_600, "must be a whole number of seconds from 60 to 1209600").default(300),
        kmsKeyArn: rule(kmsKeyArnProblem).optional(),
        manageKmsKeyPolicy: z.boolean({ error: "must be true or false" }).default(false),
      })
      .default({ messageRetentionSeconds: 300, manageKmsKeyPolicy: false }),
    nodeClasses: z.array(nodeClass, { error: "must be a list of node classes" }).min(1, { error: "must list at least one node class" }),
    nodePools: z.array(nodePool, { error: "must be a list of node pools" }).min(1, { error: "must list at least one node pool" }),
    kubernetesAuth: z.enum(["token", "exec"], { error: "must be one of token, exec" }).default("token"),
    spotServiceLinkedRole: z.enum(["create", "present"], { error: "must be one of create, present" }).default("present"),
    quotaGuard: z.enum(["warn", "fail", "off"], { error: "must be one of warn, fail, off" }).default("warn"),
    karpenter: z
      .strictObject({
        chartVersion: z.string({ error: "must be a string" }).regex(SEMVER, { error: "must be a chart version such as \"1.14.1\"" }).default(KARPENTER_CHART_VERSION),
        controllerResources: resources.optional(),
        zonalShift: z.boolean({ error: "must be true or false" }).default(false),
        additionalValues: additionalValues("karpenter").optional(),
      })
      .default({ chartVersion: KARPENTER_CHART_VERSION, zonalShift: false }),
    gpuOperator: z
      .strictObject({
        chartVersion: z.string({ error: "must be a string" }).regex(SEMVER, { error: "must be a chart version such as \"v26.7.0\"" }).default(GPU_OPERATOR_CHART_VERSION),
        installDriver: z.boolean({ error: "must be true or false" }).default(false),
        additionalValues: additionalValues("gpuOperator").optional(),
      })
      .default({ chartVersion: GPU_OPERATOR_CHART_VERSION, installDriver: false }),
    terraformCloud: z
      .strictObject({
        organization: z.string({ error: "must be a string" }).regex(/^[A-Za-z0-9_-]+$/, { error: "must be a Terraform Cloud organization name: letters, digits, '-' and '_'" }),
        workspacePrefix: z
          .string({ error: "must be a string" })
          .regex(/^[A-Za-z0-9_-]*$/, { error: "must use only letters, digits, '-' and '_' (Terraform Cloud workspace names)" }),
        // Backend settings are not templates: Terraform reads them as written, so they are checked, not escaped.
        project: z.string({ error: "must be a string" }).regex(/^[A-Za-z0-9_-]+( [A-Za-z0-9_-]+)*$/, { error: "must be a Terraform Cloud project name: letters, digits, '-', '_' and single inner spaces" }).optional(),
        hostname: z
          .string({ error: "must be a string" })
          .regex(/^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(:[0-9]{1,5})?$/, { error: "must be a host name such as \"app.terraform.io\" or \"tfe.example.com\"" })
          .default("app.terraform.io"),
      })
      .optional(),
    tags: awsTags(" (these tags also go on every GPU instance)").default({}),
  });

/** A problem found by a check that spans several keys. */
interface KeyProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const recordAt = (v: unknown, key: string): Record<string, unknown> => (isRecord(v) && isRecord(v[key]) ? v[key] : {});
const listAt = (v: unknown, key: string): unknown[] => (isRecord(v) && Array.isArray(v[key]) ? v[key] : []);
const stringAt = (v: unknown, key: string): string | undefined => (isRecord(v) && typeof v[key] === "string" ? v[key] : undefined);

/**
 * The checks that span several keys (cross-references, duplicates, settings that contradict
 * each other, pools that can never launch). They read the file as it is, defaults in mind, so
 * they run even when other keys are wrong: every problem of a file is reported in one run.
 * A check whose keys are themselves malformed stays silent; the schema reports those.
 */
function crossKeyProblems(raw: unknown): KeyProblem[] {
  const out: KeyProblem[] = [];
  const issue = (path: (string | number)[], message: string) => out.push({ path, message });
  const clusterName = stringAt(raw, "clusterName");
  const clusterOk = clusterName !== undefined && clusterNameProblem(clusterName) === undefined;

  const discovery = recordAt(raw, "discovery");
  const groups = listAt(discovery, "securityGroupIds");
  const sgProblem = securityGroupCountProblem(groups.length, discovery.allowMultipleSecurityGroups === true);
  if (Array.isArray(discovery.securityGroupIds) && sgProblem) issue(["discovery", "securityGroupIds"], sgProblem);

  // Derived role names must fit IAM's limit too; the fix is to name the role explicitly.
  const nodeRole = recordAt(raw, "nodeRole");
  const controller = recordAt(raw, "controller");
  if (clusterOk && nodeRole.existingRoleArn === undefined && nodeRole.name === undefined) {
    const problem = iamRoleNameProblem(nodeRoleNameFor({ clusterName }));
    if (problem) issue(["nodeRole", "name"], `the default role name is too long: ${problem}`);
  }
  if (clusterOk && controller.roleName === undefined) {
    const problem = iamRoleNameProblem(controllerRoleNameFor({ clusterName }));
    if (problem) issue(["controller", "roleName"], `the default role name is too long: ${problem}`);
  }
  if (nodeRole.existingRoleArn !== undefined) {
    for (const key of ["name", "additionalPolicyArns", "permissionsBoundaryArn"] as const) {
      if (nodeRole[key] !== undefined) issue(["nodeRole", key], "applies only to a created role; remove it, or remove nodeRole.existingRoleArn");
    }
  }
  const identity = controller.identity ?? "podIdentity";
  if (identity === "irsa" && controller.oidcProviderArn === undefined) {
    issue(["controller", "oidcProviderArn"], "is required when controller.identity is \"irsa\" (the cluster's IAM OIDC provider ARN)");
  }
  if (identity === "podIdentity" && controller.oidcProviderArn !== undefined) {
    issue(["controller", "oidcProviderArn"], "is only used with controller.identity \"irsa\"; remove it or set identity: irsa");
  }
  if (identity === "irsa" && controller.podIdentityAgent !== undefined) {
    issue(["controller", "podIdentityAgent"], `is only used with controller.identity "podIdentity" (got ${JSON.stringify(controller.podIdentityAgent)} with "irsa"); remove it`);
  }
  if (identity === "podIdentity") {
    const fargate = controller.runsOnFargate === true ? ["controller", "runsOnFargate"] : fargateSelectorPath(recordAt(recordAt(raw, "karpenter"), "additionalValues"));
    if (fargate) {
      issue(["controller", "identity"], `"podIdentity" cannot work on Fargate (${formatPath(fargate)} puts the controller there): EKS Pod Identity does not run on Fargate pods; set controller.identity: irsa with controller.oidcProviderArn`);
    }
  }
  const queue = recordAt(raw, "interruptionQueue");
  if (queue.manageKmsKeyPolicy === true && queue.kmsKeyArn === undefined) {
    issue(["interruptionQueue", "manageKmsKeyPolicy"], "needs interruptionQueue.kmsKeyArn: there is no key policy to manage with SSE-SQS");
  }

  const classNames = new Set<string>();
  // Where each node class is, and whether it selects a capacity reservation (for reserved pools).
  const classIndex = new Map<string, number>();
  listAt(raw, "nodeClasses").forEach((nc, i) => {
    const name = stringAt(nc, "name");
    if (name === undefined) return;
    if (classNames.has(name)) issue(["nodeClasses", i, "name"], `${JSON.stringify(name)} is used by another node class; names must be unique`);
    classNames.add(name);
    if (!classIndex.has(name)) classIndex.set(name, i);
  });
  const staticPools: string[] = [];
  const reservedPools: string[] = [];
  const poolNames = new Set<string>();
  listAt(raw, "nodePools").forEach((rawPool, i) => {
    const name = stringAt(rawPool, "name");
    if (name !== undefined) {
      if (poolNames.has(name)) issue(["nodePools", i, "name"], `${JSON.stringify(name)} is used by another node pool; names must be unique`);
      poolNames.add(name);
    }
    const nodeClassName = stringAt(rawPool, "nodeClass");
    if (nodeClassName !== undefined && !classNames.has(nodeClassName)) {
      issue(["nodePools", i, "nodeClass"], `refers to ${JSON.stringify(nodeClassName)}, which is not in nodeClasses (known: ${[...classNames].join(", ") || "none"})`);
    }
    const label = name === undefined ? `nodePools[${i}]` : JSON.stringify(name);
    const shapeProblems = out.length;
    const capacityTypes = isRecord(rawPool) && Array.isArray(rawPool.capacityTypes) ? rawPool.capacityTypes : ["on-demand"];
    const reserved = capacityTypes.includes("reserved");
    if (reserved) reservedPools.push(label);
    // A reserved pool launches only into the reservations its node class selects: none, no node.
    const classAt = nodeClassName === undefined ? undefined : classIndex.get(nodeClassName);
    const rawClass = classAt === undefined ? undefined : listAt(raw, "nodeClasses")[classAt];
    if (reserved && isRecord(rawClass) && !Array.isArray(rawClass.capacityReservations)) {
      issue(["nodePools", i, "capacityTypes"], `lists "reserved", but its node class ${JSON.stringify(nodeClassName)} (nodeClasses[${classAt}]) selects no capacity reservation, so the pool could never launch a reserved node: add nodeClasses[${classAt}].capacityReservations ({ id } or { tags, ownerId? }), or remove "reserved"`);
    }
    const reservationType = stringAt(rawPool, "capacityReservationType");
    if (reservationType !== undefined && !reserved) {
      issue(["nodePools", i, "capacityReservationType"], `is ${JSON.stringify(reservationType)}, but capacityTypes (${JSON.stringify(capacityTypes)}) does not list "reserved": capacity reservations and Capacity Blocks are launched as capacity type reserved; add "reserved" to capacityTypes, or remove capacityReservationType`);
    }
    if (reservationType !== undefined) {
      listAt(rawPool, "requirements").forEach((r, j) => {
        if (stringAt(r, "key") === CAPACITY_RESERVATION_TYPE) {
          issue(["nodePools", i, "requirements", j, "key"], `${CAPACITY_RESERVATION_TYPE} is set by nodePools[${i}].capacityReservationType; remove this requirement`);
        }
      });
    }
    // Static pools (replicas): the NodePool CRD's rules, at the config keys that break them.
    const limits = recordAt(rawPool, "limits");
    const replicas = isRecord(rawPool) && typeof rawPool.replicas === "number" ? rawPool.replicas : undefined;
    if (replicas !== undefined) {
      staticPools.push(label);
      const fix = "remove it, or remove replicas for a pool that scales with its pods";
      const got = (v: unknown) => JSON.stringify(v);
      for (const key of ["cpu", "gpus", "memoryGiB"] as const) {
        if (limits[key] !== undefined) issue(["nodePools", i, "limits", key], `is ${got(limits[key])}, but a static pool (replicas: ${replicas}) takes only limits.nodes: Karpenter's NodePool CRD refuses other limits with replicas; ${fix}`);
      }
      if (isRecord(rawPool) && rawPool.weight !== undefined) issue(["nodePools", i, "weight"], `is ${got(rawPool.weight)}, but a static pool (replicas: ${replicas}) takes no weight: Karpenter's NodePool CRD refuses it with replicas; ${fix}`);
      const disruption = recordAt(rawPool, "disruption");
      for (const key of ["consolidationPolicy", "consolidateAfter"] as const) {
        if (disruption[key] !== undefined) issue(["nodePools", i, "disruption", key], `is ${got(disruption[key])}, but a static pool (replicas: ${replicas}) is never consolidated: Karpenter ignores it with replicas; ${fix}`);
      }
      if (typeof limits.nodes === "number" && limits.nodes < replicas) {
        issue(["nodePools", i, "replicas"], `is ${replicas}, more than limits.nodes (${limits.nodes}): Karpenter would stop at ${limits.nodes} nodes; lower replicas, or raise limits.nodes (above replicas, so a node can be replaced before the old one goes)`);
      }
    } else if (isRecord(rawPool)) {
      if (limits.cpu === undefined) issue(["nodePools", i, "limits", "cpu"], "is required: the pool's cap on total vCPUs (size it to your EC2 vCPU quota); or set replicas for a static pool of fixed size");
      if (limits.nodes !== undefined) issue(["nodePools", i, "limits", "nodes"], `is ${JSON.stringify(limits.nodes)}, but applies only to a static pool: set replicas, or cap this pool with limits.cpu and limits.gpus`);
    }
    // Whether the pool can launch is asked only of a pool that is valid on its own.
    const parsed = nodePool.safeParse(rawPool);
    if (!parsed.success || out.length > shapeProblems) return;
    const pool = parsed.data;
    const at = `nodePools[${i}]`;
    // A static pool has no CPU or GPU cap: any admitted type fits it.
    const cpuLimit = pool.replicas !== undefined ? Infinity : pool.limits.cpu!;
    const launch = launchProblems(
      { name: pool.name, managed: managedRequirements(pool), requirements: pool.requirements, cpuLimit, gpuLimit: pool.replicas !== undefined ? Infinity : (pool.limits.gpus ?? defaultGpuLimit(cpuLimit)) },
      { pool: at, instanceCategories: `${at}.instanceCategories`, architectures: `${at}.architectures`, requirement: (j) => `${at}.requirements[${j}]`, cpuLimit: `${at}.limits.cpu`, gpuLimit: `${at}.limits.gpus` },
    );
    for (const p of launch) issue(p.field.split(/[.[\]]+/).filter(Boolean).map((part) => (/^\d+$/.test(part) ? Number(part) : part)), p.problem);
    // The NodePool built from the pool, against the pinned Karpenter CRD (schema and CEL rules).
    for (const p of nodePoolCrdProblems(pool, i)) issue([...p.path], p.message);
  });

  // An EFA node class is written for one network-card layout: every pool using it must admit
  // only EFA types of that layout (modules/efa.ts). Checked once every pool using it is valid.
  listAt(raw, "nodeClasses").forEach((nc, i) => {
    const name = stringAt(nc, "name");
    if (name === undefined || !isRecord(nc) || nc.efa !== true) return;
    const users: EfaPool[] = [];
    let valid = true;
    listAt(raw, "nodePools").forEach((rawPool, index) => {
      if (stringAt(rawPool, "nodeClass") !== name) return;
      const parsed = nodePool.safeParse(rawPool);
      if (parsed.success) users.push({ index, pool: parsed.data });
      else valid = false;
    });
    if (valid) for (const message of efaClassProblems(name, users)) issue(["nodeClasses", i, "efa"], message);
  });
  // The chart's feature gates these pools need: the module turns them on; additionalValues must not turn them off.
  const gates = recordAt(recordAt(recordAt(recordAt(raw, "karpenter"), "additionalValues"), "settings"), "featureGates");
  const gateUsers = { staticCapacity: ["set replicas", staticPools], reservedCapacity: ['list "reserved" in capacityTypes', reservedPools] } as const;
  for (const [gate, [what, pools]] of Object.entries(gateUsers)) {
    if (gates[gate] === false && pools.length > 0) {
      issue(["karpenter", "additionalValues", "settings", "featureGates", gate], `is false, but node pool(s) ${pools.join(", ")} ${what}, which Karpenter ignores without the ${gate} feature gate (the module turns it on for them); remove it`);
    }
  }
  return out;
}

/**
 * Where `karpenter.additionalValues` puts the controller on Fargate (a `nodeSelector` on
 * `eks.amazonaws.com/compute-type: fargate`), or undefined.
 */
function fargateSelectorPath(values: Readonly<Record<string, unknown>> | undefined): (string | number)[] | undefined {
  const selector = values?.nodeSelector as Record<string, unknown> | undefined;
  return selector?.["eks.amazonaws.com/compute-type"] === "fargate"
    ? ["karpenter", "additionalValues", "nodeSelector", "eks.amazonaws.com/compute-type"]
    : undefined;
}

/** A configuration after defaults are applied: what the stacks are built from. */
export type KarpenterGpuConfig = ZT.output<typeof configSchema>;
/** A configuration as a user writes it (defaults optional). */
export type KarpenterGpuConfigInput = ZT.input<typeof configSchema>;
export type NodePoolConfig = KarpenterGpuConfig["nodePools"][number];
export type NodeClassConfig = KarpenterGpuConfig["nodeClasses"][number];

/**
 * How the Pod Identity agent add-on is handled: the configured mode, `present` by default with
 * Pod Identity (a cluster module usually owns the add-on), and nothing with IRSA.
 */
export function podIdentityAgentMode(c: KarpenterGpuConfig): "install" | "present" | undefined {
  if (c.controller.identity !== "podIdentity" || c.controller.podIdentityAgent === "unchecked") return undefined;
  return c.controller.podIdentityAgent ?? "present";
}

/** The most problems a ConfigError's message lists; `problems` holds them all. */
export const MAX_LISTED_PROBLEMS = 50;
/** The largest configuration file read, in bytes. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** The deepest nesting of objects and lists a configuration may have. */
export const MAX_CONFIG_DEPTH = 32;
/** How cdktf marks a token inside a string (`${TfToken[TOKEN.1]}`, `#{TfToken[...]}`). */
const TOKEN_MARKER = "TfToken[";
/** Keys that would reach an object's prototype in JavaScript: never configuration. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Every problem found in a configuration, one line per problem, each naming its field. */
export class ConfigError extends Error {
  constructor(
    public readonly source: string,
    public readonly problems: readonly string[],
  ) {
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  - ${p}`);
    if (problems.length > MAX_LISTED_PROBLEMS) listed.push(`  ... and ${problems.length - MAX_LISTED_PROBLEMS} more problems`);
    super(`Invalid karpenter-gpu configuration (${source}):\n${listed.join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Problems of the document's shape, found before any key is read: nesting deeper than
 * MAX_CONFIG_DEPTH (it would exhaust the stack when chart values are written), and keys such as
 * `__proto__` that JavaScript would not keep as data.
 */
function documentProblems(input: unknown): KeyProblem[] {
  const out: KeyProblem[] = [];
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (out.length >= MAX_LISTED_PROBLEMS) return;
    if (path.length > MAX_CONFIG_DEPTH) {
      out.push({ path, message: `nested deeper than ${MAX_CONFIG_DEPTH} levels; a karpenter-gpu configuration never needs that` });
      return;
    }
    if (typeof value === "string" && value.includes(TOKEN_MARKER)) {
      out.push({ path, message: `contains ${JSON.stringify(TOKEN_MARKER)}, which the CDKTF synthesizer reads as a reference to a Terraform value; configuration text never refers to one` });
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (isRecord(value)) {
      for (const key of Object.keys(value)) {
        if (FORBIDDEN_KEYS.has(key)) out.push({ path: [...path, key], message: `the key ${JSON.stringify(key)} is not allowed` });
        else if (key.includes(TOKEN_MARKER)) out.push({ path: [...path, key], message: `contains ${JSON.stringify(TOKEN_MARKER)}, which the CDKTF synthesizer reads as a reference to a Terraform value; configuration text never refers to one` });
        else walk(value[key], [...path, key]);
      }
    }
  };
  walk(input, []);
  return out;
}

/**
 * Validates a parsed configuration object and applies defaults; throws ConfigError listing
 * every problem: those of each key, and those that span keys, in one run.
 */
export function parseConfig(input: unknown, source = "config"): KarpenterGpuConfig {
  const shape = documentProblems(input);
  if (shape.length) throw new ConfigError(source, shape.map((p) => `${formatPath(p.path) || "(top level)"}: ${p.message}`));
  const result = configSchema.safeParse(input, { reportInput: true });
  const problems = [
    ...(result.success ? [] : result.error.issues.flatMap((issue) => describeIssue(issue))),
    ...crossKeyProblems(input).map((p) => `${formatPath(p.path)}: ${p.message}`),
    ...nodeClassesAgainstCrd(input).map((p) => `${formatPath(p.path)}: ${p.message}`),
  ];
  if (result.success && problems.length === 0) return result.data;
  throw new ConfigError(source, [...new Set(problems)]);
}

/**
 * Each EC2NodeClass, built and checked against the pinned CRD as soon as the keys it is built
 * from (the class, `clusterName`, `nodeRole`, the global `tags`) are valid on their own: in the
 * same run as the file's other problems.
 */
function nodeClassesAgainstCrd(raw: unknown): KeyProblem[] {
  const shape = configSchema.shape;
  const clusterName = shape.clusterName.safeParse(isRecord(raw) ? raw.clusterName : undefined);
  const nodeRole = shape.nodeRole.safeParse(isRecord(raw) ? raw.nodeRole : undefined);
  const tags = shape.tags.safeParse(isRecord(raw) ? raw.tags : undefined);
  if (!clusterName.success || !nodeRole.success || !tags.success) return [];
  return listAt(raw, "nodeClasses").flatMap((rawClass, i) => {
    const nc = nodeClass.safeParse(rawClass);
    if (!nc.success) return [];
    // An EFA class is built for the layout of its pools' types: it needs them valid (and their
    // layout agreeing, which crossKeyProblems reports).
    const users = listAt(raw, "nodePools").filter((p) => stringAt(p, "nodeClass") === nc.data.name).map((p) => nodePool.safeParse(p));
    if (nc.data.efa && (users.length === 0 || users.some((u) => !u.success) || efaClassProblems(nc.data.name, users.map((u, index) => ({ index, pool: u.data! }))).length)) return [];
    const nodeClasses = [] as KarpenterGpuConfig["nodeClasses"];
    nodeClasses[i] = nc.data;
    const nodePools = users.flatMap((u) => (u.success ? [u.data] : []));
    const partial = { clusterName: clusterName.data, nodeRole: nodeRole.data, tags: tags.data, nodeClasses, nodePools } as KarpenterGpuConfig;
    return nodeClassCrdProblems(partial, i).map((p) => ({ path: [...p.path], message: p.message }));
  });
}

/** Reads a JSON or YAML configuration file (at most MAX_CONFIG_BYTES) and validates it. */
export function loadConfigFile(path: string): KarpenterGpuConfig {
  if (path.trim() === "") {
    throw new ConfigError("KARPENTER_GPU_CONFIG", ["is set but empty: name a YAML or JSON file, or unset it to use the built-in example"]);
  }
  let text: string;
  try {
    text = readCapped(path, MAX_CONFIG_BYTES);
  } catch (err) {
    throw new ConfigError(path, [`cannot read the file: ${(err as Error).message}`]);
  }
  let data: unknown;
  try {
    data = extname(path).toLowerCase() === ".json" ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true });
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : "";
    throw new ConfigError(path, [`not valid ${extname(path) === ".json" ? "JSON" : "YAML"}${where}: ${(err as Error).message.split("\n")[0]}`]);
  }
  return parseConfig(data, path);
}

/** A file's text; throws when it is larger than `max` bytes (a device such as /dev/zero never ends). */
function readCapped(path: string, max: number): string {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(max + 1);
    let size = 0;
    for (let n = 1; n > 0 && size <= max; size += n) n = readSync(fd, buffer, size, max + 1 - size, null);
    if (size > max) throw new Error(`it is larger than ${max / 1024} KiB; a karpenter-gpu configuration is a few KiB`);
    return buffer.toString("utf8", 0, size);
  } finally {
    closeSync(fd);
  }
}

/** `["nodePools", 1, "limits", "cpu"]` → `nodePools[1].limits.cpu`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === "number" ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), "");
}

function describeIssue(issue: ZT.core.$ZodIssue): string[] {
  const at = (path: readonly PropertyKey[]) => formatPath(path) || "(top level)";
  if (issue.code === "unrecognized_keys") {
    const allowed = allowedKeysAt(configSchema, issue.path);
    return issue.keys.map((key) => {
      const hint = closest(key, allowed);
      return `${at([...issue.path, key])}: unknown key${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ""}; allowed keys here: ${allowed.join(", ")}`;
    });
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return [`${at(issue.path)}: is required`];
  }
  const got = "input" in issue && issue.input !== undefined && typeof issue.input !== "object" ? ` (got ${typeof issue.input === "number" ? String(issue.input) : JSON.stringify(issue.input)})` : "";
  const message = issue.code === "custom" || issue.message.includes("(got ") ? issue.message : `${issue.message}${got}`;
  return [`${at(issue.path)}: ${message}`];
}

/** The keys an object accepts at a config path, read from the schema itself so they never drift. */
function allowedKeysAt(schema: ZT.ZodType, path: readonly PropertyKey[]): string[] {
  let node: ZT.ZodType | undefined = schema;
  for (const part of [...path, undefined]) {
    // Unwrap optional/default/pipe/refinement wrappers.
    while (node && !(node instanceof z.ZodObject) && !(node instanceof z.ZodArray) && !(node instanceof z.ZodRecord)) {
      const def = (node as { def?: { innerType?: ZT.ZodType; in?: ZT.ZodType } }).def;
      node = def?.innerType ?? def?.in;
    }
    if (part === undefined || !node) break;
    if (node instanceof z.ZodObject) node = node.shape[String(part)] as ZT.ZodType | undefined;
    else if (node instanceof z.ZodArray) node = node.element as ZT.ZodType;
    else if (node instanceof z.ZodRecord) node = node.def.valueType as ZT.ZodType;
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

/** The allowed key a typo most likely meant: edit distance ≤ 2, ties going to the longest shared prefix. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  const k = key.toLowerCase();
  const sharedPrefix = (c: string) => {
    let i = 0;
    while (i < c.length && c[i] === k[i]) i++;
    return i;
  };
  let best: { key: string; d: number; p: number } | undefined;
  for (const candidate of allowed) {
    const c = candidate.toLowerCase();
    const d = editDistance(k, c);
    const p = sharedPrefix(c);
    if (d <= 2 && (!best || d < best.d || (d === best.d && p > best.p))) best = { key: candidate, d, p };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
