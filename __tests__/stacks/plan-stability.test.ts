/**
 * A second plan after an apply must show no change. It does not when a resource attribute
 * depends, directly or through other blocks, on a value that is new on every plan: a registry
 * or cluster token read by a data source, `timestamp()`, `uuid()`... (The helm charts once took
 * their registry password from data.aws_ecrpublic_authorization_token: an update on every plan,
 * and a failed login once the token in state had expired.) Checked here over every block of
 * every stack the app writes; provider configurations may use ephemeral tokens, which is what
 * ephemeral values are for.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DataAwsEcrpublicAuthorizationToken } from "@cdktf/provider-aws/lib/data-aws-ecrpublic-authorization-token/index.js";
import { Release } from "@cdktf/provider-helm/lib/release/index.js";
import { TerraformOutput } from "cdktf";
import { loadConfigFile, parseConfig } from "../../modules/config/parse.js";
import { buildStacks } from "../../modules/stacks/app.js";
import { configInput, newApp, ROOT, synthOf, synthStack } from "../helpers.js";

/** Data sources whose result is different at each read. */
const PER_READ_DATA = new Set(["aws_ecrpublic_authorization_token", "aws_ecr_authorization_token", "aws_eks_cluster_auth"]);
/** Terraform functions whose result is different at each plan. */
const PER_PLAN_FUNCTION = /(?<![\w.])(timestamp|plantimestamp|uuid|bcrypt)\(/;

type Block = { address: string; body: unknown };

/** Every referable or checked block of a stack: resources, data sources, ephemeral resources, outputs, checks. */
function blocksOf(stack: Record<string, any>): Block[] {
  const blocks: Block[] = [];
  for (const section of ["resource", "data", "ephemeral"]) {
    for (const [type, byName] of Object.entries<Record<string, unknown>>(stack[section] ?? {})) {
      for (const [name, body] of Object.entries(byName)) blocks.push({ address: `${section === "resource" ? "" : `${section}.`}${type}.${name}`, body });
    }
  }
  for (const [name, body] of Object.entries(stack.output ?? {})) blocks.push({ address: `output.${name}`, body });
  for (const [name, body] of Object.entries(stack.check ?? {})) blocks.push({ address: `check.${name}`, body });
  return blocks;
}

/**
 * The blocks (other than ephemeral resources) that depend on a per-plan value, each with the
 * chain of references that leads to it.
 */
function perPlanDependencies(stack: Record<string, any>): string[] {
  const blocks = blocksOf(stack);
  const text = new Map(blocks.map((b) => [b.address, JSON.stringify(b.body)]));
  const refersTo = (from: string, to: string) => new RegExp(`(?<![\\w.])${to.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`).test(text.get(from) ?? "");
  const why = new Map<string, string>();
  for (const b of blocks) {
    const [section, type] = b.address.split(".");
    if (section === "ephemeral") why.set(b.address, `${b.address} (ephemeral: opened anew in each phase)`);
    else if (section === "data" && PER_READ_DATA.has(type)) why.set(b.address, `${b.address} (new value at each read)`);
    else {
      const fn = PER_PLAN_FUNCTION.exec(text.get(b.address) ?? "");
      if (fn) why.set(b.address, `${b.address} (calls ${fn[1]}())`);
    }
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const b of blocks) {
      if (why.has(b.address)) continue;
      const source = [...why.keys()].find((v) => refersTo(b.address, v));
      if (source) {
        why.set(b.address, `${b.address} <- ${why.get(source)}`);
        changed = true;
      }
    }
  }
  return blocks.filter((b) => !b.address.startsWith("ephemeral.") && why.has(b.address)).map((b) => why.get(b.address)!);
}

const EXAMPLES = ["default.yaml", "spot-training-on-demand-inference.yaml"];

describe("plan stability: no block depends on a value that changes on every plan", () => {
  for (const example of EXAMPLES) {
    it(`examples/${example}: every block of every stack, with token and with exec auth`, () => {
      const config = loadConfigFile(join(ROOT, "examples", example));
      for (const kubernetesAuth of ["token", "exec"] as const) {
        const stacks = buildStacks(newApp(), { ...config, kubernetesAuth });
        for (const stack of [stacks.aws, stacks.charts, stacks.nodePools]) {
          const json = synthOf(stack) as unknown as Record<string, any>;
          assert.ok(blocksOf(json).length > 0, `${stack.node.id} has blocks to check`);
          assert.deepEqual(perPlanDependencies(json), [], `${stack.node.id} (${kubernetesAuth})`);
        }
      }
    });
  }

  it("the Kubernetes token reaches only provider configurations, never a resource", () => {
    const charts = synthOf(buildStacks(newApp(), parseConfig(configInput())).charts) as unknown as Record<string, any>;
    assert.match(JSON.stringify(charts.provider.helm), /ephemeral\.aws_eks_cluster_auth\./);
    assert.doesNotMatch(JSON.stringify({ resource: charts.resource, data: charts.data, output: charts.output }), /aws_eks_cluster_auth/);
  });

  it("finds the patterns it guards against: a registry token in a chart's password, a timestamp in an output", () => {
    const bad = synthStack((stack) => {
      const token = new DataAwsEcrpublicAuthorizationToken(stack, "token", {});
      new Release(stack, "chart", { name: "karpenter", chart: "karpenter", repositoryPassword: token.password });
      new TerraformOutput(stack, "deployedAt", { value: "${timestamp()}" });
    }) as unknown as Record<string, any>;
    const found = perPlanDependencies(bad);
    assert.equal(found.length, 3, found.join("\n"));
    assert.ok(found.some((f) => /^helm_release\.chart <- data\.aws_ecrpublic_authorization_token\.token \(new value at each read\)$/.test(f)), found.join("\n"));
    assert.ok(found.includes("output.deployedAt (calls timestamp())"), found.join("\n"));
  });
});
