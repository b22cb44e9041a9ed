import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../modules/config/parse.js";
import { type KarpenterGpuConfigInput } from "../../modules/config/schema.js";
import { stackNames } from "../../modules/core/names.js";
import { buildStacks } from "../../modules/stacks/app.js";
import { KarpenterAwsStack } from "../../modules/stacks/aws-stack.js";
import { at, configInput, newApp, ofType, synthOf } from "../helpers.js";

const input = configInput({ region: "eu-central-1", tags: { team: "ml-platform" } });
const synthConfig = (extra: Partial<KarpenterGpuConfigInput> = {}) =>
  synthOf(new KarpenterAwsStack(newApp(), stackNames("prod-cluster").aws, { config: parseConfig({ ...input, ...extra }) }));

describe("KarpenterAwsStack", () => {
  const s = synthConfig();

  it("is named after the cluster, so two clusters never share state", () => {
    assert.equal(stackNames("prod-cluster").aws, "prod-cluster-aws");
  });

  it("configures the AWS provider with the region and puts config tags on every resource", () => {
    assert.deepEqual(s.provider?.aws, [{ region: "eu-central-1", default_tags: [{ tags: { team: "ml-platform" } }] }]);
  });

  it("deploys every stack with the configured profile and role to assume, and none when the config names none", () => {
    const aws = { profile: "AdministratorAccess-111122223333", assumeRole: { roleArn: "arn:aws:iam::111122223333:role/karpenter-deploy", sessionName: "karpenter-gpu", externalId: "ci:prod/gpu" } };
    const stacks = buildStacks(newApp(), parseConfig({ ...input, aws }));
    for (const stack of [stacks.aws, stacks.charts, stacks.nodePools]) {
      assert.deepEqual(synthOf(stack).provider?.aws, [
        {
          region: "eu-central-1",
          profile: "AdministratorAccess-111122223333",
          assume_role: [{ role_arn: "arn:aws:iam::111122223333:role/karpenter-deploy", session_name: "karpenter-gpu", external_id: "ci:prod/gpu" }],
          default_tags: [{ tags: { team: "ml-platform" } }],
        },
      ], stack.node.id);
    }
    // With exec, the Kubernetes token must be the same identity: aws eks get-token gets the profile and role too.
    const exec = buildStacks(newApp(), parseConfig({ ...input, kubernetesAuth: "exec", aws: { profile: aws.profile, assumeRole: { roleArn: aws.assumeRole.roleArn } } }));
    const helmExec = (synthOf(exec.charts).provider?.helm as { kubernetes: { exec: { args: string[] } } }[])[0].kubernetes.exec.args;
    const kubernetesExec = (synthOf(exec.nodePools).provider?.kubernetes as { exec: { args: string[] }[] }[])[0].exec[0].args;
    for (const args of [helmExec, kubernetesExec]) {
      assert.deepEqual(args.slice(-4), ["--role-arn", "arn:aws:iam::111122223333:role/karpenter-deploy", "--profile", "AdministratorAccess-111122223333"]);
    }
    const roleOnly = synthConfig({ aws: { assumeRole: { roleArn: "arn:aws:iam::111122223333:role/karpenter-deploy" } } });
    assert.deepEqual(roleOnly.provider?.aws, [{ region: "eu-central-1", assume_role: [{ role_arn: "arn:aws:iam::111122223333:role/karpenter-deploy" }], default_tags: [{ tags: { team: "ml-platform" } }] }]);
  });

  it("checks the Spot role only when a pool uses spot, but keeps a created one whatever the pools", () => {
    const spotPool = { name: "train", nodeClass: "gpu-nodeclass", capacityTypes: ["spot" as const], limits: { cpu: 96 } };
    assert.equal(s.data.aws_iam_roles, undefined, "no spot pool: nothing to check");
    assert.equal(Object.keys(ofType(synthConfig({ nodePools: [spotPool] }).data, "aws_iam_roles")).length, 1);
    const created = synthConfig({ spotServiceLinkedRole: "create" });
    assert.deepEqual(Object.values(ofType(created.resource, "aws_iam_service_linked_role")).map((r) => r.aws_service_name), ["spot.amazonaws.com"],
      "removing the last spot pool must not delete the account's Spot role while its nodes still run");
  });

  it("looks the Pod Identity agent add-on up by default, installs it on request, and leaves it alone when unchecked", () => {
    assert.equal(Object.keys(ofType(s.data, "aws_eks_addon")).length, 1);
    const installed = Object.values(ofType(synthConfig({ controller: { podIdentityAgent: "install" } }).resource, "aws_eks_addon"));
    assert.equal(installed.length, 1);
    // An agent already applied by its Helm chart or kubectl is taken over instead of failing the create.
    assert.deepEqual([installed[0].resolve_conflicts_on_create, installed[0].resolve_conflicts_on_update], ["OVERWRITE", "OVERWRITE"]);
    const unchecked = synthConfig({ controller: { podIdentityAgent: "unchecked" } });
    assert.equal(unchecked.data.aws_eks_addon, undefined);
    assert.equal(unchecked.resource.aws_eks_addon, undefined);
  });

  it("pins hashicorp/aws to the prebuilt provider's version", () => {
    assert.deepEqual((s.terraform.required_providers as Record<string, unknown>).aws, { source: "aws", version: "6.25.0" });
  });

  it("outputs what the chart and node-pool stacks need", () => {
    const outputs = Object.fromEntries(Object.entries(s.output ?? {}).map(([k, o]) => [k, o.value]));
    assert.deepEqual(Object.keys(outputs).sort(), [
      "controllerRoleArn", "interruptionQueueArn", "interruptionQueueName", "interruptionQueueUrl", "nodeRoleArn", "nodeRoleName",
    ]);
    assert.equal(outputs.interruptionQueueName, "Karpenter-prod-cluster-eu-central-1");
    assert.match(String(outputs.nodeRoleName), /aws_iam_role\.karpenter_nodeRole_role_\w+\.name/);
    assert.match(String(outputs.controllerRoleArn), /aws_iam_role\.karpenter_controller_role_\w+\.arn/);
    assert.match(String(outputs.interruptionQueueUrl), /aws_sqs_queue\.karpenter_interruptionQueue_queue_\w+\.url/);
  });

  it("maps every config section onto the constructs", () => {
    const oidc = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/ABC";
    const key = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const custom = synthConfig({
      nodeRole: { existingRoleArn: "arn:aws:iam::111122223333:role/gpu-nodes", createAccessEntry: false },
      controller: { identity: "irsa", oidcProviderArn: oidc, roleName: "karpenter-ctrl", namespace: "karpenter" },
      interruptionQueue: { name: "gpu-interruptions", messageRetentionSeconds: 600, kmsKeyArn: key, manageKmsKeyPolicy: true },
    });
    assert.equal(custom.output?.nodeRoleName.value, "gpu-nodes");
    assert.deepEqual(ofType(custom.resource, "aws_eks_access_entry"), {});
    assert.equal(at(custom.resource, "aws_iam_role", "karpenter/controller/role").name, "karpenter-ctrl");
    assert.deepEqual(ofType(custom.resource, "aws_eks_pod_identity_association"), {});
    const trust = JSON.stringify(at(custom.data, "aws_iam_policy_document", "karpenter/controller/assumeRolePolicy"));
    assert.match(trust, /system:serviceaccount:karpenter:karpenter/);
    const queue = at(custom.resource, "aws_sqs_queue", "karpenter/interruptionQueue/queue");
    assert.equal(queue.name, "gpu-interruptions");
    assert.equal(queue.message_retention_seconds, 600);
    assert.equal(queue.kms_master_key_id, key);
    assert.ok(at(custom.resource, "aws_kms_key_policy", "karpenter/interruptionQueue/kmsKeyPolicy"));
    assert.ok(custom.output?.eventBridgeKeyPolicyJson, "the EventBridge key statement is an output when a key is used");
  });
});
