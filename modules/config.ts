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
import { amiAliasProblem, cpuLimitProblem, gpuLimitProblem, requirementProblems, rootVolumeProblems, taintProblems } from "./karpenter-rules.js";
import { configCrdProblems } from "./config-crd.js";
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

const k8sName = rule(k8sNameProblem);

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

const requirement = z
  .strictObject({
    key: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }),
    operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte"], {
      error: "must be one of In, NotIn, Exists, DoesNotExist, Gt, Lt, Gte, Lte",
    }),
    values: z.array(z.string({ error: "must be a string" })).optional(),
    minValues: z.number({ error: "must be a whole number from 1 to 50" }).int({ error: "must be a whole number from 1 to 50" }).min(1, { error: "must be a whole number from 1 to 50" }).max(50, { error: "must be a whole number from 1 to 50" }).optional(),
  })
  .superRefine((r, ctx) => {
    for (const p of requirementProblems(r)) ctx.addIssue({ code: "custom", path: [p.field], message: p.problem });
  });


const budget = z.strictObject({
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
const quantity = z.string({ error: "must be a Kubernetes quantity string such as \"1\", \"500m\" or \"1Gi\"" }).regex(QUANTITY, {
  error: "must be a Kubernetes quantity such as \"1\", \"500m\" or \"1Gi\"",
});
const cpuMemory = z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() });
const resources = z.strictObject({ requests: cpuMemory.optional(), limits: cpuMemory.optional() });

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
  tags: z.record(z.string(), z.string({ error: "must be a string" }).min(1, { error: "must not be empty" })).optional(),
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
  limits: z
    .strictObject({
      cpu: positive("vCPUs"),
      gpus: positive("NVIDIA GPUs").optional(),
      memoryGiB: positive("GiB").int({ error: "must be a whole number of GiB" }).optional(),
    })
    .superRefine((l, ctx) => {
      // Non-positive values already failed `positive` above: one message per problem.
      const cpu = l.cpu > 0 ? cpuLimitProblem(l.cpu) : undefined;
      if (cpu) ctx.addIssue({ code: "custom", path: ["cpu"], message: cpu });
      const gpus = l.gpus === undefined || cpu || l.cpu <= 0 ? undefined : gpuLimitProblem(l.gpus, l.cpu);
      if (gpus) ctx.addIssue({ code: "custom", path: ["gpus"], message: gpus });
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
        /** With Pod Identity: manage the eks-pod-identity-agent add-on, or check it is there. Default applied in the refinement below. */
        podIdentityAgent: z.enum(["install", "present"], { error: "must be one of install, present" }).optional(),
        runsOnFargate: z.boolean({ error: "must be true or false" }).default(false),
      })
      .default({ identity: "podIdentity", namespace: "kube-system", serviceAccount: "karpenter", runsOnFargate: false }),
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
    spotServiceLinkedRole: z.enum(["create", "present"], { error: "must be one of create, present" }).default("present"),
    quotaGuard: z.enum(["warn", "fail", "off"], { error: "must be one of warn, fail, off" }).default("warn"),
    karpenter: z
      .strictObject({
        chartVersion: z.string({ error: "must be a string" }).regex(SEMVER, { error: "must be a chart version such as \"1.14.1\"" }).default(KARPENTER_CHART_VERSION),
        controllerResources: resources.optional(),
        zonalShift: z.boolean({ error: "must be true or false" }).default(false),
        additionalValues: z.record(z.string(), z.unknown()).optional(),
      })
      .default({ chartVersion: KARPENTER_CHART_VERSION, zonalShift: false }),
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
    if (c.controller.identity === "irsa" && c.controller.podIdentityAgent !== undefined) {
      issue(["controller", "podIdentityAgent"], `is only used with controller.identity "podIdentity" (got ${JSON.stringify(c.controller.podIdentityAgent)} with "irsa"); remove it`);
    }
    if (c.controller.identity === "podIdentity") {
      const fargate = c.controller.runsOnFargate ? ["controller", "runsOnFargate"] : fargateSelectorPath(c.karpenter.additionalValues);
      if (fargate) {
        issue(["controller", "identity"], `"podIdentity" cannot work on Fargate (${formatPath(fargate)} puts the controller there): EKS Pod Identity does not run on Fargate pods; set controller.identity: irsa with controller.oidcProviderArn`);
      }
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

    // The NodePools and EC2NodeClasses built from the config, against the pinned Karpenter CRDs.
    for (const p of configCrdProblems(c)) issue([...p.path], p.message);
  });

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
  return c.controller.identity === "podIdentity" ? (c.controller.podIdentityAgent ?? "present") : undefined;
}

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
