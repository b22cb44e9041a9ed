/**
 * Constructs composed the way CDKTF users compose them: every prop that takes an AWS identifier
 * or name accepts Terraform tokens (a `TerraformVariable`, a data source's attribute, another
 * resource's ARN), passed through to the plan where Terraform resolves them; and every construct
 * takes an optional `provider`, put on every block it creates of that provider's type, so two
 * clusters in two regions fit in one stack without a block on the default provider or on the
 * other cluster's.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TerraformVariable, type TerraformStack } from "cdktf";
import { KarpenterControllerIam } from "../../modules/aws/controller-iam.js";
import { EfaSecurityGroupCheck } from "../../modules/aws/efa-security-group-check.js";
import { InterruptionQueue } from "../../modules/aws/interruption-queue.js";
import { KarpenterNodeRole } from "../../modules/aws/node-role.js";
import { ClusterPrerequisites } from "../../modules/aws/prerequisites.js";
import { GpuNodeClass } from "../../modules/nodepools/node-class.js";
import { at, synthOf, synthStack } from "../helpers.js";
import { CLUSTERS, twoClusterStack } from "../two-clusters.js";

const text = (stack: TerraformStack, name: string) => new TerraformVariable(stack, name, { type: "string" }).stringValue;
const list = (stack: TerraformStack, name: string) => new TerraformVariable(stack, name, { type: "list(string)" }).listValue;

describe("constructs take tokens for AWS identifiers and names", () => {
  it("KarpenterNodeRole: cluster, region and an existing role ARN (its name taken at plan)", () => {
    let role: KarpenterNodeRole | undefined;
    const s = synthStack((stack) => (role = new KarpenterNodeRole(stack, "n", { clusterName: text(stack, "cluster"), region: text(stack, "region"), existingRoleArn: text(stack, "role_arn") })));
    assert.equal(at(s.resource, "aws_eks_access_entry", "n/accessEntry").principal_arn, "${var.role_arn}");
    assert.equal(at(s.resource, "aws_eks_access_entry", "n/accessEntry").cluster_name, "${var.cluster}");
    assert.match(String(role?.roleName), /TfToken/, "the name is cut from the ARN by Terraform");
  });

  it("KarpenterControllerIam: cluster, region, role and queue ARNs, the KMS key and the IRSA provider", () => {
    const s = synthStack((stack) => {
      new KarpenterControllerIam(stack, "c", {
        clusterName: text(stack, "cluster"),
        region: text(stack, "region"),
        nodeRoleArn: text(stack, "node_role_arn"),
        interruptionQueueArn: text(stack, "queue_arn"),
        interruptionQueueKmsKeyArn: text(stack, "key_arn"),
        identity: { type: "irsa", oidcProviderArn: text(stack, "oidc_arn") },
      });
    });
    const trust = at(s.data, "aws_iam_policy_document", "c/assumeRolePolicy") as any;
    assert.deepEqual(trust.statement[0].principals, [{ type: "Federated", identifiers: ["${var.oidc_arn}"] }]);
    assert.equal(trust.statement[0].condition[0].variable, '${element(split("oidc-provider/", var.oidc_arn), 1)}:sub');
    assert.equal(at(s.resource, "aws_iam_role", "c/role").name, "KarpenterController-${var.cluster}-${var.region}");
  });

  it("InterruptionQueue: cluster, region, queue name and KMS key", () => {
    const s = synthStack((stack) => new InterruptionQueue(stack, "q", { clusterName: text(stack, "cluster"), region: text(stack, "region"), queueName: text(stack, "queue"), kmsKeyArn: text(stack, "key"), manageKmsKeyPolicy: true }));
    assert.deepEqual([at(s.resource, "aws_sqs_queue", "q/queue").name, at(s.resource, "aws_sqs_queue", "q/queue").kms_master_key_id], ["${var.queue}", "${var.key}"]);
    assert.equal(at(s.resource, "aws_kms_key_policy", "q/kmsKeyPolicy").key_id, "${var.key}");
  });

  it("ClusterPrerequisites: the cluster name", () => {
    const s = synthStack((stack) => new ClusterPrerequisites(stack, "p", { clusterName: text(stack, "cluster"), podIdentityAgent: "install" }));
    assert.equal(at(s.resource, "aws_eks_addon", "p/podIdentityAgent").cluster_name, "${var.cluster}");
  });

  it("EfaSecurityGroupCheck: a token list of security groups, checked in one block", () => {
    const s = synthStack((stack) => new EfaSecurityGroupCheck(stack, "efa", { securityGroupIds: list(stack, "node_sgs") }));
    assert.deepEqual((at(s.data, "aws_vpc_security_group_rules", "efa/ruleIds") as any).filter, [{ name: "group-id", values: "${var.node_sgs}" }]);
    const check = (s as any).check.efa_self_traffic_efa.assert[0];
    assert.match(check.condition, /^\$\{alltrue\(\[for sg in tolist\(var\.node_sgs\) : /);
  });

  it("GpuNodeClass: the role name, and subnet and security group IDs as token lists", () => {
    const s = synthStack((stack) =>
      new GpuNodeClass(stack, "nc", { name: "gpu", clusterName: "c", roleName: text(stack, "role"), subnetIds: list(stack, "subnets"), securityGroupIds: [text(stack, "sg")] }),
    );
    const m = at(s.resource, "kubernetes_manifest", "nc/manifest") as any;
    assert.equal(m.manifest.spec.role, "${var.role}");
    assert.equal(m.manifest.spec.subnetSelectorTerms, '${jsondecode(format("[%s]", join(",", formatlist("{\\"id\\":\\"%s\\"}", var.subnets))))}');
    assert.deepEqual(m.manifest.spec.securityGroupSelectorTerms, [{ id: "${var.sg}" }]);
    assert.deepEqual(m.lifecycle.precondition.map((p: any) => p.error_message.split(":")[0]), ["GpuNodeClass subnetIds", "GpuNodeClass securityGroupIds"]);
  });
});

type Block = { provider?: string; "//"?: { metadata?: { path?: string } } };

describe("provider: two clusters in one stack through aliased providers", () => {
  const s = synthOf(twoClusterStack()) as unknown as Record<string, Record<string, Record<string, Block>>>;
  /** Every block of the three providers' types, with the provider it names and its construct path. */
  const blocks = ["resource", "data", "ephemeral"].flatMap((section) =>
    Object.entries(s[section] ?? {}).flatMap(([type, byId]) =>
      /^(aws|helm|kubernetes)_/.test(type) ? Object.entries(byId).map(([id, b]) => ({ section, type, id, provider: b.provider })) : [],
    ),
  );

  it("names an aliased provider of the block's own type on every AWS, Helm and Kubernetes block", () => {
    assert.ok(blocks.length > 60, `found ${blocks.length} blocks`);
    const wrong = blocks.filter((b) => !b.provider || !["west", "east"].some((alias) => b.provider === `${b.type.split("_")[0]}.${alias}`));
    assert.deepEqual(wrong.map((b) => `${b.section}.${b.type}.${b.id} -> ${b.provider ?? "(default)"}`), []);
  });

  it("keeps each cluster on its own providers, the account and partition lookups included", () => {
    for (const alias of Object.keys(CLUSTERS)) {
      const own = blocks.filter((b) => b.id.startsWith(`${alias}-`) || b.id.startsWith(`awsContext-aws-${alias}`));
      assert.ok(own.length > 30, `${alias}: ${own.length} blocks`);
      assert.deepEqual(own.filter((b) => !b.provider?.endsWith(`.${alias}`)).map((b) => `${b.type}.${b.id} -> ${b.provider}`), []);
    }
    // One account/partition lookup per provider: the two may be two accounts.
    assert.deepEqual(Object.values(s.data.aws_partition).map((p) => p.provider).sort(), ["aws.east", "aws.west"]);
  });

  it("gives each cluster's EFA check a check block of its own", () => {
    assert.deepEqual(Object.keys((s as unknown as { check: Record<string, unknown> }).check).sort(), ["efa_self_traffic_east-efa-sg", "efa_self_traffic_west-efa-sg"].map((n) => n.replace(/-/g, "_")));
  });

  it("the pool given its GpuNodeClass depends on it and names it", () => {
    const pool = Object.entries(s.resource.kubernetes_manifest).find(([id]) => id.startsWith("west-pool_manifest"))![1] as Block & { depends_on: string[]; manifest: { spec: { template: { spec: { nodeClassRef: { name: string } } } } } };
    assert.match(pool.depends_on[0], /^kubernetes_manifest\.west-class_manifest_\w+$/);
    assert.equal(pool.manifest.spec.template.spec.nodeClassRef.name, "gpu");
  });
});
