/**
 * The user-facing configuration file: its schema, defaults, and a loader that reports every
 * problem at once with the path of the field, e.g. `nodePools[1].limits.cpu: must be a positive number`.
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { createRequire } from "node:module";
import { parseYaml, YAMLParseError } from "./cjs-deps.js";
import type { z as ZT } from "zod";
import { controllerRoleNameFor } from "./controller-iam.js";
import { GPU_OPERATOR_CHART_VERSION } from "./gpu-operator.js";
import { KARPENTER_CHART_VERSION } from "./karpenter-chart.js";
import { nodeRoleNameFor } from "./node-role.js";
import { GP3_DEFAULTS } from "./node-class.js";
import { defaultGpuLimit, MANAGED_REQUIREMENT_KEYS } from "./node-pool.js";
import {
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
} from "./rules.js";

// zod's CommonJS build through require(): its ESM build is dozens of files, each a module load
// (see cjs-deps.ts and npm run bench).
const { z } = createRequire(import.meta.url)("zod") as typeof import("zod");

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

const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const k8sName = z
  .string({ error: "must be a string" })
  .regex(DNS1123, { error: "must be a DNS-1123 name: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit" })
  .max(63, { error: "must be at most 63 characters" });

/** Karpenter durations: `30s`, `5m`, `1h30m`, or `Never`. */
const DURATION = /^(([0-9]+(s|m|h))+|Never)$/;
const duration = z
  .string({ error: "must be a duration string" })
  .regex(DURATION, { error: "must be a duration such as \"30s\", \"15m\", \"720h\" or \"Never\"" });

const positive = (what: string) =>
  z.number({ error: `must be a positive number (${what})` }).positive({ error: `must be a positive number (${what})` });

const taint = z.strictObject({
  key: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }),
  value: z.string({ error: "must be a string" }).optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], {
    error: "must be one of NoSchedule, PreferNoSchedule, NoExecute",
  }),
});

/** Label keys of the karpenter.k8s.aws domain a NodePool may use (the v1 CRD's allow-list). */
const AWS_WELL_KNOWN_LABELS = new Set(
  [
    "instance-tenancy", "capacity-reservation-type", "capacity-reservation-id", "capacity-reservation-interruptible",
    "ec2nodeclass", "instance-encryption-in-transit-supported", "instance-category", "instance-hypervisor", "instance-family",
    "instance-generation", "instance-local-nvme", "instance-size", "instance-cpu", "instance-cpu-manufacturer",
    "instance-cpu-sustained-clock-speed-mhz", "instance-memory", "instance-ebs-bandwidth", "instance-network-bandwidth",
    "instance-gpu-name", "instance-gpu-manufacturer", "instance-gpu-count", "instance-gpu-memory", "instance-accelerator-name",
    "instance-accelerator-manufacturer", "instance-accelerator-count", "instance-capability-flex", "placement-group-id",
    "placement-group-partition",
  ].map((k) => `karpenter.k8s.aws/${k}`),
);

/** The Karpenter v1 CRD's CEL rules on requirement keys, which schema validation alone does not run. */
export function requirementKeyProblem(key: string): string | undefined {
  const domain = key.includes("/") ? key.slice(0, key.indexOf("/")) : "";
  if (key === "karpenter.sh/nodepool" || key === "kubernetes.io/hostname") return `label ${JSON.stringify(key)} is restricted by Karpenter`;
  if (domain.endsWith("karpenter.sh") && key !== "karpenter.sh/capacity-type") return `label domain "karpenter.sh" is restricted by Karpenter`;
  if (domain.endsWith("karpenter.k8s.aws") && !AWS_WELL_KNOWN_LABELS.has(key)) {
    return `${JSON.stringify(key)} is not a well-known karpenter.k8s.aws label (see https://karpenter.sh/docs/reference/instance-types/)`;
  }
  return undefined;
}

const requirement = z
  .strictObject({
    key: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }),
    // Gte/Lte exist in Karpenter 1.14's CRD but not in the typed models this module validates with.
    operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"], {
      error: "must be one of In, NotIn, Exists, DoesNotExist, Gt, Lt",
    }),
    values: z.array(z.string({ error: "must be a string" })).optional(),
    minValues: z.number({ error: "must be a whole number from 1 to 50" }).int({ error: "must be a whole number from 1 to 50" }).min(1, { error: "must be a whole number from 1 to 50" }).max(50, { error: "must be a whole number from 1 to 50" }).optional(),
  })
  .superRefine((r, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    const keyProblem = requirementKeyProblem(r.key);
    if (keyProblem) issue("key", keyProblem);
    const n = r.values?.length ?? 0;
    if (r.operator === "In" && n === 0) issue("values", "must list at least one value with operator In");
    if ((r.operator === "Exists" || r.operator === "DoesNotExist") && n > 0) issue("values", `must be empty with operator ${r.operator}`);
    if ((r.operator === "Gt" || r.operator === "Lt") && (n !== 1 || !/^[0-9]+$/.test(r.values?.[0] ?? ""))) {
      issue("values", `must be a single non-negative integer with operator ${r.operator}`);
    }
    if (r.minValues !== undefined && r.operator === "In" && n < r.minValues) issue("minValues", `is ${r.minValues} but only ${n} value(s) are listed`);
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
  })
  .superRefine((b, ctx) => {
    if ((b.schedule === undefined) !== (b.duration === undefined)) {
      ctx.addIssue({ code: "custom", path: [b.schedule === undefined ? "schedule" : "duration"], message: "schedule and duration must be set together" });
    }
  });

const SEMVER = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const QUANTITY = /^([0-9]+(\.[0-9]+)?|\.[0-9]+)([KMGTPE]i|[mkMGTPE])?$/;
const quantity = z.string({ error: "must be a Kubernetes quantity string such as \"1\", \"500m\" or \"1Gi\"" }).regex(QUANTITY, {
  error: "must be a Kubernetes quantity such as \"1\", \"500m\" or \"1Gi\"",
});
const cpuMemory = z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() });
const resources = z.strictObject({ requests: cpuMemory.optional(), limits: cpuMemory.optional() });

/** Tag keys Karpenter reserves on what it launches (EC2NodeClass CRD rules). */
const RESTRICTED_TAG = /^(eks:eks-cluster-name|kubernetes\.io\/cluster.*|karpenter\.sh\/nodepool|karpenter\.sh\/nodeclaim|karpenter\.k8s\.aws\/ec2nodeclass)$/;

const nodeClass = z.strictObject({
  /** EC2NodeClass name. */
  name: k8sName,
  /** AMI alias; `al2023@latest` resolves to the EKS AL2023 AMI, whose NVIDIA variant ships the driver. */
  amiAlias: z
    .string({ error: "must be a string" })
    .regex(/^(al2023|bottlerocket)@(latest|v[0-9]+(\.[0-9]+)*)$/, { error: "must be an AMI alias such as \"al2023@latest\" or \"al2023@v20250101\"" })
    .default("al2023@latest"),
  rootVolume: z
    .strictObject({
      sizeGiB: z.number({ error: "must be a whole number of GiB" }).int({ error: "must be a whole number of GiB" }).min(20, { error: "must be at least 20 GiB (GPU images are large)" }).max(16384, { error: "must be at most 16384 GiB" }).default(200),
      type: z.enum(["gp3", "gp2", "io1", "io2"], { error: "must be one of gp3, gp2, io1, io2" }).default("gp3"),
      iops: z.number({ error: "must be a whole number from 3000 to 80000" }).int({ error: "must be a whole number from 3000 to 80000" }).min(3000, { error: "must be a whole number from 3000 to 80000" }).max(80000, { error: "must be a whole number from 3000 to 80000" }).optional(),
      throughputMiBps: z.number({ error: "must be a whole number of MiB/s from 125 to 2000" }).int({ error: "must be a whole number of MiB/s from 125 to 2000" }).min(125, { error: "must be a whole number of MiB/s from 125 to 2000" }).max(2000, { error: "must be a whole number of MiB/s from 125 to 2000" }).optional(),
    })
    .superRefine((v, ctx) => {
      const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
      if (v.throughputMiBps !== undefined && v.type !== "gp3") issue("throughputMiBps", `applies to gp3 volumes only (type is ${v.type})`);
      if (v.iops !== undefined && v.type === "gp2") issue("iops", "does not apply to gp2 volumes (their IOPS follow their size); use gp3");
      if ((v.type === "io1" || v.type === "io2") && v.iops === undefined) issue("iops", `is required for ${v.type} volumes`);
      if (v.type === "gp3") {
        const iops = v.iops ?? GP3_DEFAULTS.iops;
        const throughput = v.throughputMiBps ?? GP3_DEFAULTS.throughputMiBps;
        if (throughput > iops / 4) issue("throughputMiBps", `is ${throughput} MiB/s, but gp3 allows at most IOPS / 4 = ${Math.floor(iops / 4)} MiB/s with ${iops} IOPS: raise iops or lower throughputMiBps`);
      }
    })
    .default({ sizeGiB: 200, type: "gp3" }),
  instanceStorePolicy: z.enum(["RAID0"], { error: "must be RAID0 (or left out)" }).optional(),
  tags: z
    .record(z.string(), z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }))
    .superRefine((tags, ctx) => {
      for (const key of Object.keys(tags)) {
        if (RESTRICTED_TAG.test(key)) ctx.addIssue({ code: "custom", path: [key], message: "is a tag Karpenter sets itself and may not be overridden" });
      }
    })
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
  requirements: z.array(requirement).default([]),
  taints: z.array(taint).default([{ key: "sku", value: "gpu", effect: "NoSchedule" }]),
  limits: z.strictObject({
    cpu: positive("vCPUs"),
    gpus: positive("NVIDIA GPUs").int({ error: "must be a whole number of GPUs" }).optional(),
    memoryGiB: positive("GiB").optional(),
  }),
  weight: z.number().int().min(1).max(100).optional(),
  expireAfter: duration.default("720h"),
  disruption: z
    .strictObject({
      consolidationPolicy: z
        .enum(["WhenEmptyOrUnderutilized", "WhenEmpty"], { error: "must be one of WhenEmptyOrUnderutilized, WhenEmpty" })
        .default("WhenEmptyOrUnderutilized"),
      consolidateAfter: duration.default("30s"),
      budgets: z.array(budget).optional(),
    })
    .default({ consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "30s" }),
}).superRefine((pool, ctx) => {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  pool.requirements.forEach((r, i) => {
    const managedBy = (MANAGED_REQUIREMENT_KEYS as Record<string, string>)[r.key];
    if (managedBy) issue(["requirements", i, "key"], `${JSON.stringify(r.key)} is set by the pool itself: ${managedBy}`);
  });
  const taints = new Map<string, string | undefined>();
  pool.taints.forEach((t, i) => {
    const id = `${t.key}:${t.effect}`;
    if (taints.has(id)) {
      issue(["taints", i], `conflicts with an earlier taint with key ${JSON.stringify(t.key)} and effect ${t.effect}; a node carries one value per key and effect`);
    }
    taints.set(id, t.value);
  });
  if (pool.limits.gpus !== undefined && pool.limits.gpus > defaultGpuLimit(pool.limits.cpu)) {
    issue(["limits", "gpus"], `is ${pool.limits.gpus}, but limits.cpu ${pool.limits.cpu} admits at most ${defaultGpuLimit(pool.limits.cpu)} GPUs (no GPU instance has fewer than 4 vCPUs per GPU): raise limits.cpu or lower limits.gpus`);
  }
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
        additionalPolicyArns: z.record(z.string(), rule(managedPolicyArnProblem)).optional(),
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
      })
      .default({ identity: "podIdentity", namespace: "kube-system", serviceAccount: "karpenter" }),
    interruptionQueue: z
      .strictObject({
        name: rule(queueNameProblem).optional(),
        messageRetentionSeconds: z
          .number({ error: "must be a whole number of seconds from 60 to 1209600" })
          .int({ error: "must be a whole number of seconds from 60 to 1209600" })
          .min(60, { error: "must be a whole number of seconds from 60 to 1209600" })
          .max(1_209_600, { error: "must be a whole number of seconds from 60 to 1209600" })
          .default(300),
        kmsKeyArn: rule(kmsKeyArnProblem).optional(),
        manageKmsKeyPolicy: z.boolean({ error: "must be true or false" }).default(false),
      })
      .default({ messageRetentionSeconds: 300, manageKmsKeyPolicy: false }),
    nodeClasses: z.array(nodeClass, { error: "must be a list of node classes" }).min(1, { error: "must list at least one node class" }),
    nodePools: z.array(nodePool, { error: "must be a list of node pools" }).min(1, { error: "must list at least one node pool" }),
    kubernetesAuth: z.enum(["token", "exec"], { error: "must be one of token, exec" }).default("token"),
    quotaGuard: z.enum(["warn", "fail", "off"], { error: "must be one of warn, fail, off" }).default("warn"),
    karpenter: z
      .strictObject({
        chartVersion: z.string({ error: "must be a string" }).regex(SEMVER, { error: "must be a chart version such as \"1.14.1\"" }).default(KARPENTER_CHART_VERSION),
        controllerResources: resources.optional(),
        additionalValues: z.record(z.string(), z.unknown()).optional(),
      })
      .default({ chartVersion: KARPENTER_CHART_VERSION }),
    gpuOperator: z
      .strictObject({
        chartVersion: z.string({ error: "must be a string" }).regex(SEMVER, { error: "must be a chart version such as \"v26.7.0\"" }).default(GPU_OPERATOR_CHART_VERSION),
        installDriver: z.boolean({ error: "must be true or false" }).default(false),
        additionalValues: z.record(z.string(), z.unknown()).optional(),
      })
      .default({ chartVersion: GPU_OPERATOR_CHART_VERSION, installDriver: false }),
    terraformCloud: z
      .strictObject({
        organization: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }),
        workspacePrefix: z
          .string({ error: "must be a string" })
          .regex(/^[A-Za-z0-9_-]*$/, { error: "must use only letters, digits, '-' and '_' (Terraform Cloud workspace names)" }),
        project: z.string({ error: "must be a string" }).optional(),
        hostname: z.string({ error: "must be a string" }).default("app.terraform.io"),
      })
      .optional(),
    tags: z.record(z.string(), z.string({ error: "must be a string" })).default({}),
  })
  .superRefine((c, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });

    const sgProblem = securityGroupCountProblem(c.discovery.securityGroupIds.length, c.discovery.allowMultipleSecurityGroups);
    if (sgProblem) issue(["discovery", "securityGroupIds"], sgProblem);

    // Derived role names must fit IAM's limit too; the fix is to name the role explicitly.
    if (c.nodeRole.existingRoleArn === undefined && c.nodeRole.name === undefined) {
      const problem = iamRoleNameProblem(nodeRoleNameFor({ clusterName: c.clusterName }));
      if (problem) issue(["nodeRole", "name"], `the default role name is too long: ${problem}`);
    }
    if (c.controller.roleName === undefined) {
      const problem = iamRoleNameProblem(controllerRoleNameFor({ clusterName: c.clusterName }));
      if (problem) issue(["controller", "roleName"], `the default role name is too long: ${problem}`);
    }
    if (c.nodeRole.existingRoleArn !== undefined) {
      for (const key of ["name", "additionalPolicyArns", "permissionsBoundaryArn"] as const) {
        if (c.nodeRole[key] !== undefined) issue(["nodeRole", key], "applies only to a created role; remove it, or remove nodeRole.existingRoleArn");
      }
    }
    if (c.controller.identity === "irsa" && c.controller.oidcProviderArn === undefined) {
      issue(["controller", "oidcProviderArn"], "is required when controller.identity is \"irsa\" (the cluster's IAM OIDC provider ARN)");
    }
    if (c.controller.identity === "podIdentity" && c.controller.oidcProviderArn !== undefined) {
      issue(["controller", "oidcProviderArn"], "is only used with controller.identity \"irsa\"; remove it or set identity: irsa");
    }
    if (c.interruptionQueue.manageKmsKeyPolicy && c.interruptionQueue.kmsKeyArn === undefined) {
      issue(["interruptionQueue", "manageKmsKeyPolicy"], "needs interruptionQueue.kmsKeyArn: there is no key policy to manage with SSE-SQS");
    }

    const classNames = new Set<string>();
    c.nodeClasses.forEach((nc, i) => {
      if (classNames.has(nc.name)) issue(["nodeClasses", i, "name"], `${JSON.stringify(nc.name)} is used by another node class; names must be unique`);
      classNames.add(nc.name);
    });
    const poolNames = new Set<string>();
    c.nodePools.forEach((pool, i) => {
      if (poolNames.has(pool.name)) issue(["nodePools", i, "name"], `${JSON.stringify(pool.name)} is used by another node pool; names must be unique`);
      poolNames.add(pool.name);
      if (!classNames.has(pool.nodeClass)) {
        issue(["nodePools", i, "nodeClass"], `refers to ${JSON.stringify(pool.nodeClass)}, which is not in nodeClasses (known: ${[...classNames].join(", ") || "none"})`);
      }
    });
  });

/** A configuration after defaults are applied: what the stacks are built from. */
export type KarpenterGpuConfig = ZT.output<typeof configSchema>;
/** A configuration as a user writes it (defaults optional). */
export type KarpenterGpuConfigInput = ZT.input<typeof configSchema>;
export type NodePoolConfig = KarpenterGpuConfig["nodePools"][number];
export type NodeClassConfig = KarpenterGpuConfig["nodeClasses"][number];

/** Every problem found in a configuration, one line per problem, each naming its field. */
export class ConfigError extends Error {
  constructor(
    public readonly source: string,
    public readonly problems: readonly string[],
  ) {
    super(`Invalid karpenter-gpu configuration (${source}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Validates a parsed configuration object and applies defaults; throws ConfigError listing every problem. */
export function parseConfig(input: unknown, source = "config"): KarpenterGpuConfig {
  const result = configSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => describeIssue(issue));
  throw new ConfigError(source, [...new Set(problems)]);
}

/** Reads a JSON or YAML configuration file and validates it. */
export function loadConfigFile(path: string): KarpenterGpuConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
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
  const got = "input" in issue && issue.input !== undefined && typeof issue.input !== "object" ? ` (got ${JSON.stringify(issue.input)})` : "";
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
