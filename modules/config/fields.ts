/**
 * The field types the configuration schema is built from: strings checked by the module's rules,
 * whole numbers, durations, quantities, AWS tags. Each names, in its message, what is allowed.
 */
import { array, boolean, enum as zodEnum, number, record, strictObject, string, union, unknown, ZodArray, ZodObject, ZodRecord, type RefinementCtx, type ZodType } from "zod";
import { awsTagKeyProblem, awsTagValueProblem, k8sNameProblem, MAX_AWS_TAGS, quoted, resourceRequirementsProblems } from "../core/rules.js";
import { goDurationProblem } from "../validation/karpenter-rules.js";

/**
 * The parts of zod the configuration schema uses, imported by name so the bundle carries only
 * them: with the whole `z` namespace (every schema type and every locale's messages) zod was
 * about 730 KB of the app's bundle, by name about 190 KB (esbuild's metafile of `main.ts`).
 */
export const z = { array, boolean, enum: zodEnum, number, record, strictObject, string, union, unknown, ZodArray, ZodObject, ZodRecord };

/** Turns a rule from core/rules.ts into a zod refinement on a string. */
export const rule = (check: (v: string) => string | undefined) => z.string({ error: "must be a string" }).superRefine(refinementOf(check));

/** A rule's problem, if any, as a zod issue on the value. */
export function refinementOf(check: (v: string) => string | undefined) {
  return (value: string, ctx: RefinementCtx): void => {
    const problem = check(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  };
}

export const uniqueStrings = <T extends ZodType<string>>(what: string, item: T) =>
  z.array(item, { error: `must be a list of ${what}` }).superRefine((values, ctx) => {
    const seen = new Set<string>();
    values.forEach((v, i) => {
      if (seen.has(v)) ctx.addIssue({ code: "custom", path: [i], message: `${quoted(v)} is listed twice` });
      seen.add(v);
    });
  });

export const k8sName = rule(k8sNameProblem);

/** A zod refinement: the duration fits Go's time.Duration (validation/karpenter-rules.ts). */
export const goDuration = refinementOf(goDurationProblem);

/** Karpenter durations: `30s`, `5m`, `1h30m`, or `Never`. */
const DURATION = /^(([0-9]+(s|m|h))+|Never)$/;
export const duration = z
  .string({ error: "must be a duration string" })
  .regex(DURATION, { error: "must be a duration such as \"30s\", \"15m\", \"720h\" or \"Never\"" })
  .superRefine(goDuration);


/** A whole number from `min` to `max`, with one message for every way to miss it. */
export const wholeNumber = (min: number, max: number, message: string) =>
  z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });

export const positive = (what: string) =>
  z.number({ error: `must be a positive number (${what})` }).positive({ error: `must be a positive number (${what})` });

/** The most nodes a static pool (`replicas`, `limits.nodes`) may keep: far above any GPU fleet, low enough to catch a typo. */
export const MAX_STATIC_NODES = 1000;

/** The largest memory cap accepted, in GiB: more than the CPU cap's largest reach (32 GiB per vCPU at most on GPU types). */
export const MAX_MEMORY_LIMIT_GIB = 32 * 1_000_000;

export const SEMVER = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const QUANTITY = /^([0-9]+(\.[0-9]+)?|\.[0-9]+)([KMGTPE]i|[mkMGTPE])?$/;
export const percent = wholeNumber(0, 100, "must be a whole percentage from 0 to 100");
export const quantity = z.string({ error: "must be a Kubernetes quantity string such as \"1\", \"500m\" or \"1Gi\"" }).regex(QUANTITY, {
  error: "must be a Kubernetes quantity such as \"1\", \"500m\" or \"1Gi\"",
});
const cpuMemory = z.strictObject({ cpu: quantity.optional().describe("CPU, such as `1` or `500m`."), memory: quantity.optional().describe("Memory, such as `1Gi`.") });
export const resources = z.strictObject({ requests: cpuMemory.optional().describe("What the container is scheduled with."), limits: cpuMemory.optional().describe("The most the container may use; no request above its limit.") }).superRefine((r, ctx) => {
  for (const p of resourceRequirementsProblems(r)) ctx.addIssue({ code: "custom", path: p.field.split("."), message: p.problem });
});

/**
 * Tags: AWS's rules (they land on IAM roles, SQS queues and, through Karpenter, on instances and
 * instance profiles), at most MAX_AWS_TAGS. The keys Karpenter sets itself are the EC2NodeClass
 * CRD's rules, checked on the built node classes.
 */
export const awsTags = (note: string) =>
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
