/**
 * npm run gen (third step): writes the generated parts of docs/deploy.md, each between
 * `<!-- generated:<name> -->` and `<!-- /generated:<name> -->`, from the code:
 *
 * - `policies`: DEPLOY_PERMISSIONS (modules/aws/deploy-policy.ts) as a table, and the IAM
 *   policy of each stack for a placeholder cluster;
 * - `endpoints`: per stack, the Terraform providers its synthesized JSON requires and the AWS
 *   endpoints its policy's services answer on;
 * - `charts`: the chart repositories and versions the charts stack installs, and the image
 *   registries of the kept chart values (charts/<chart>-<version>/values.yaml).
 *
 * The text around the markers is written by hand. Deterministic: the drift test compares the
 * file with what this script writes. `tsx scripts/gen-deploy-doc.ts [file]` writes another file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type App, Testing } from "cdktf";
import { awsServicesOf, DEPLOY_PERMISSIONS, DEPLOY_STACKS, deployPolicyDocument, type DeployPolicyScope, type DeployResource, type DeployStack } from "../modules/aws/deploy-policy.js";
import { controllerPolicyStatements } from "../modules/aws/controller-policy.js";
import { loadConfigFile } from "../modules/config/parse.js";
import { CONTROLLER_POLICY_GROUPS, controllerPolicyNameFor, controllerRoleNameFor, INTERRUPTION_RULE_KEYS, interruptionQueueNameFor, interruptionRuleNameFor, nodeRoleNameFor, stackNames } from "../modules/core/names.js";
import { buildStacks } from "../modules/stacks/app.js";
import { CHART_SOURCES } from "./gen-chart-keys.js";
import { isEntryPoint } from "../cli/entry-point.js";

const ROOT = join(import.meta.dirname, "..");
export const DEPLOY_DOC = join(ROOT, "docs", "deploy.md");
/** The example whose charts stack installs every chart (EFA included): the chart table comes from it. */
const EVERY_CHART_EXAMPLE = join(ROOT, "examples", "p5-training-efa-reserved.yaml");

const CLUSTER = "CLUSTER";
const NAMES = { clusterName: CLUSTER, region: "REGION" };
/** The policy of a cluster named CLUSTER in region REGION with the default names, in the commercial partition. */
export const PLACEHOLDER_SCOPE: DeployPolicyScope = {
  partition: "aws",
  region: "REGION",
  accountId: "ACCOUNT_ID",
  clusterName: CLUSTER,
  nodeRoleName: nodeRoleNameFor(NAMES),
  nodeRoleCreated: true,
  controllerRoleName: controllerRoleNameFor(NAMES),
  controllerPolicyNames: CONTROLLER_POLICY_GROUPS.map((group) => controllerPolicyNameFor(NAMES, group)),
  queueName: interruptionQueueNameFor(NAMES),
  interruptionRuleNames: INTERRUPTION_RULE_KEYS.map((event) => interruptionRuleNameFor(NAMES, event)),
  kmsKeyArn: "arn:aws:kms:REGION:ACCOUNT_ID:key/KEY_ID",
};

const RESOURCE_WORDS: Readonly<Record<DeployResource, string>> = {
  any: "`*`",
  cluster: "the cluster",
  clusterObjects: "the cluster, its access entries, add-ons and Pod Identity associations",
  roles: "the node role (unless existing) and the controller role",
  controllerRole: "the controller role",
  karpenterInstanceProfiles: "Karpenter's instance profiles (`<cluster>_*`)",
  controllerPolicies: "the six controller policies (`KarpenterController*Policy-<cluster>`)",
  spotServiceLinkedRole: "`AWSServiceRoleForEC2Spot`",
  discoveryTagged: "the discovery subnets and security groups",
  queue: "the interruption queue",
  interruptionRules: "the five interruption rules",
  queueKey: "the queue's KMS key",
};

/**
 * The endpoint an AWS service answers on in the commercial partition (China and GovCloud differ:
 * `*.amazonaws.com.cn`, `iam.us-gov.amazonaws.com`). IAM is global; the others regional.
 */
export function awsEndpointOf(service: string): string {
  if (service === "iam") return "iam.amazonaws.com";
  // Karpenter asks the Price List API in us-east-1 (it has endpoints in three regions only).
  if (service === "pricing") return "api.pricing.us-east-1.amazonaws.com";
  if (["sts", "ec2", "eks", "sqs", "events", "kms", "servicequotas", "ssm", "arc-zonal-shift"].includes(service)) return `${service}.REGION.amazonaws.com`;
  throw new Error(`gen-deploy-doc: no endpoint known for AWS service "${service}"; add it to awsEndpointOf`);
}

const code = (s: string) => `\`${s}\``;

/** JSON as `JSON.stringify(v, null, 2)` writes it, but a list of strings on one line when it fits in 100 columns. */
export function compactJson(value: unknown, indent = ""): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const oneLine = `[${value.map((v) => JSON.stringify(v)).join(", ")}]`;
    if (value.every((v) => typeof v === "string") && indent.length + oneLine.length <= 100) return oneLine;
    return `[\n${value.map((v) => `${inner}${compactJson(v, inner)}`).join(",\n")}\n${indent}]`;
  }
  if (typeof value === "object" && value !== null) {
    return `{\n${Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJson(v, inner)}`).join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}
const stackTitle = (stack: DeployStack) => stackNames("<cluster>")[stack];

function policiesSection(): string {
  const rows = Object.entries(DEPLOY_PERMISSIONS).map(([type, p]) => {
    const actions = [...new Set(p.grants.flatMap((g) => g.actions))].map(code).join(", ");
    const on = [...new Set(p.grants.map((g) => RESOURCE_WORDS[g.on]))].join("; ");
    const stacks = p.stacks.map((s) => code(stackTitle(s))).join(", ");
    return `| ${code(type)} | ${stacks} | ${p.when ?? "always"} | ${actions || `none: ${p.note}`} | ${on || "-"}${actions && p.note ? ` (${p.note})` : ""} |`;
  });
  const out = ["| Block type | Stacks | When | Actions | On |", "| --- | --- | --- | --- | --- |", ...rows, ""];
  for (const stack of DEPLOY_STACKS) {
    const doc = deployPolicyDocument(stack, PLACEHOLDER_SCOPE);
    const size = JSON.stringify(doc).length;
    out.push(`#### ${code(stackTitle(stack))}`, "", `${doc.Statement.length} statements, ${size} characters without whitespace (a managed policy may have 6,144).`, "", "```json", compactJson(doc), "```", "");
  }
  return out.join("\n");
}

function synthesized(app: App, configFile: string): Record<DeployStack, Record<string, any>> {
  const stacks = buildStacks(app, loadConfigFile(configFile));
  return { aws: JSON.parse(Testing.synth(stacks.aws)), charts: JSON.parse(Testing.synth(stacks.charts)), nodePools: JSON.parse(Testing.synth(stacks.nodePools)) };
}

/** The AWS services the Karpenter controller calls once deployed: the prefixes of its policies' actions, every option on. */
export function controllerServices(): string[] {
  const s = PLACEHOLDER_SCOPE;
  const statements = controllerPolicyStatements({ partition: s.partition, region: s.region, accountId: s.accountId, clusterName: s.clusterName, nodeRoleArn: "NODE_ROLE_ARN", queueArn: "QUEUE_ARN", queueKmsKeyArn: s.kmsKeyArn });
  return [...new Set(["sts", ...Object.values(statements).flat().flatMap((st) => st.actions.map((a) => a.split(":")[0]))])].sort();
}

function endpointsSection(json: Record<DeployStack, Record<string, any>>): string {
  const rows = DEPLOY_STACKS.map((stack) => {
    const providers = Object.entries(json[stack].terraform.required_providers as Record<string, { source: string; version: string }>).map(([, p]) => code(`hashicorp/${p.source} ${p.version}`));
    const endpoints = awsServicesOf(stack).map((s) => code(awsEndpointOf(s)));
    return `| ${code(stackTitle(stack))} | ${providers.join(", ")} | ${endpoints.join(", ")} |`;
  });
  const controller = `| the Karpenter controller, in the cluster | none | ${controllerServices().map((s) => code(awsEndpointOf(s))).join(", ")} |`;
  return ["| Who | Terraform providers | AWS endpoints |", "| --- | --- | --- |", ...rows, controller, ""].join("\n");
}

function chartsSection(json: Record<DeployStack, Record<string, any>>): string {
  const releases = Object.values(json.charts.resource.helm_release as Record<string, { name: string; chart: string; repository: string; version: string }>);
  const charts = releases.map((r) => `| ${code(r.chart)} | ${code(r.version)} | ${code(r.repository)} |`);
  const registries = new Map<string, Set<string>>();
  for (const source of CHART_SOURCES) {
    const values = readFileSync(join(ROOT, source.dir, "values.yaml"), "utf8");
    for (const m of values.matchAll(/^\s*repository:\s*["']?([a-z0-9.-]+\.[a-z]{2,}(?::\d+)?)\/[^\s"'#]*/gm)) {
      if (!registries.has(m[1])) registries.set(m[1], new Set());
      registries.get(m[1])!.add(`${source.dir}/values.yaml`);
    }
  }
  const images = [...registries].sort(([a], [b]) => a.localeCompare(b)).map(([host, files]) => `| ${code(host)} | ${[...files].map(code).join(", ")} |`);
  return [
    "| Chart | Version | Repository |", "| --- | --- | --- |", ...charts, "",
    "| Image registry | Named in |", "| --- | --- |", ...images, "",
  ].join("\n");
}

/** The generated blocks, by name; `app` is where the example's stacks are synthesized. */
export function generatedBlocks(app: App): Record<string, string> {
  const json = synthesized(app, EVERY_CHART_EXAMPLE);
  return { policies: policiesSection(), endpoints: endpointsSection(json), charts: chartsSection(json) };
}

/** `text` with each generated block replaced; throws when a block's markers are missing. */
export function withGeneratedBlocks(text: string, blocks: Record<string, string>): string {
  let out = text;
  for (const [name, body] of Object.entries(blocks)) {
    const start = `<!-- generated:${name} (npm run gen, scripts/gen-deploy-doc.ts) -->`;
    const end = `<!-- /generated:${name} -->`;
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`docs/deploy.md: no "${start}" ... "${end}" block`);
    out = `${out.slice(0, from + start.length)}\n\n${body}\n${out.slice(to)}`;
  }
  return out;
}

if (isEntryPoint(import.meta.url)) {
  const file = process.argv[2] ?? DEPLOY_DOC;
  const outdir = mkdtempSync(join(tmpdir(), "kgpu-deploy-doc-"));
  try {
    writeFileSync(file, withGeneratedBlocks(readFileSync(DEPLOY_DOC, "utf8"), generatedBlocks(Testing.app({ outdir }))));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  process.stdout.write(`generated the policy, endpoint and chart blocks of ${file}\n`);
}
