/**
 * Values the CRD or a loose pattern lets through but the component that reads them refuses: the
 * kubelet's eviction thresholds, the API server's namespace names and request/limit rule, STS's
 * OIDC provider of the cluster's own region and partition.
 * modules/validation/karpenter-rules.ts (evictionThresholdProblem), modules/core/rules.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KarpenterControllerIam } from "../../modules/aws/controller-iam.js";
import { KarpenterChart } from "../../modules/charts/karpenter-chart.js";
import { parseConfig } from "../../modules/config/parse.js";
import { namespaceProblem, oidcProviderRegionProblem, partitionOf, quantityValue } from "../../modules/core/rules.js";
import { GpuNodeClass } from "../../modules/nodepools/node-class.js";
import { evictionThresholdProblem } from "../../modules/validation/karpenter-rules.js";
import { configInput, configProblems, errorOf, synthStack } from "../helpers.js";

const problemsOf = (input: unknown) => configProblems(() => parseConfig(input));

describe("kubelet eviction thresholds, as the kubelet parses them", () => {
  it("accepts positive quantities and percentages between 0% and 100%", () => {
    for (const v of ["500Mi", "1Gi", "10%", "0.5%", "99.99%", "1e3", "+1"]) assert.equal(evictionThresholdProblem(v), undefined, v);
  });

  it("refuses empty, zero, negative, and the 0%/100% the kubelet silently drops", () => {
    const cases: [string, RegExp][] = [
      ["", /cannot parse an empty threshold/],
      ["0", /refuses a zero threshold/],
      ["0Mi", /refuses a zero threshold/],
      ["-0.0", /refuses a zero threshold/],
      ["-5Gi", /refuses a negative threshold/],
      ["0%", /ignores "0%" and "100%"/],
      ["100.0%", /another 100 evicts every pod/],
    ];
    for (const [v, expected] of cases) assert.match(evictionThresholdProblem(v) ?? "(accepted)", expected, v);
  });

  it("reports them at the config key and at the GpuNodeClass prop", () => {
    const input = configInput({ nodeClasses: [{ name: "gpu-nodeclass", kubelet: { evictionHard: { "memory.available": "", "nodefs.available": "10%" } } }] });
    assert.deepEqual(problemsOf(input), ['nodeClasses[0].kubelet.evictionHard.memory.available: must be a positive quantity such as "500Mi" or a percentage such as "10%" (got ""): the kubelet cannot parse an empty threshold and would not start']);
    const error = errorOf(() => synthStack((s) => new GpuNodeClass(s, "c", { name: "c", clusterName: "prod", roleName: "r", kubelet: { evictionSoft: { "memory.available": "-1Gi" } } })));
    assert.match(error, /kubelet\.evictionSoft\["memory\.available"\]: .*refuses a negative threshold/);
  });
});

describe("namespaces and controller resources, as the API server checks them", () => {
  it("refuses a namespace with a dot (a DNS-1123 label), in config and props", () => {
    assert.equal(namespaceProblem("karpenter"), undefined);
    assert.match(namespaceProblem("team.karpenter") ?? "", /no '\.'/);
    assert.match(namespaceProblem("n".repeat(64)) ?? "", /at most 63/);
    assert.match(problemsOf(configInput({ controller: { namespace: "kube.system" } }))[0], /^controller\.namespace: must be a namespace name/);
    const error = errorOf(() => synthStack((s) => new KarpenterChart(s, "k", { clusterName: "c", clusterEndpoint: "https://x", region: "us-west-2", interruptionQueueName: "q", namespace: "a.b" })));
    assert.match(error, /namespace: must be a namespace name/);
  });

  it("reads quantities as Kubernetes does and refuses a request above its limit", () => {
    assert.equal(quantityValue("1500m"), 1.5);
    assert.equal(quantityValue("1Gi"), 2 ** 30);
    assert.equal(quantityValue("1e3"), 1000);
    assert.equal(quantityValue("1G"), 1e9);
    assert.equal(quantityValue("abc"), undefined);
    const over = { requests: { cpu: "1500m", memory: "2Gi" }, limits: { cpu: "1", memory: "2048Mi" } };
    assert.deepEqual(problemsOf(configInput({ karpenter: { controllerResources: over } })), [
      'karpenter.controllerResources.requests.cpu: is "1500m", more than limits.cpu "1": the API server refuses a container whose request exceeds its limit',
    ]);
    const error = errorOf(() => synthStack((s) => new KarpenterChart(s, "k", { clusterName: "c", clusterEndpoint: "https://x", region: "us-west-2", interruptionQueueName: "q", controllerResources: { requests: { memory: "2Gi" }, limits: { memory: "1Gi" } } })));
    assert.match(error, /controllerResources\.requests\.memory: is "2Gi", more than limits\.memory "1Gi"/);
  });
});

describe("the OIDC provider is the cluster's: its region and partition", () => {
  const arn = (partition: string, host: string) => `arn:${partition}:iam::111122223333:oidc-provider/${host}/id/ABC`;

  it("knows each region's partition", () => {
    assert.deepEqual(["us-west-2", "cn-north-1", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1"].map(partitionOf), ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"]);
  });

  it("refuses a provider of another region or partition, at the config key and the prop", () => {
    assert.equal(oidcProviderRegionProblem(arn("aws", "oidc.eks.us-west-2.amazonaws.com"), "us-west-2"), undefined);
    assert.equal(oidcProviderRegionProblem(arn("aws-cn", "oidc.eks.cn-north-1.amazonaws.com.cn"), "cn-north-1"), undefined);
    assert.match(oidcProviderRegionProblem(arn("aws", "oidc.eks.cn-north-1.amazonaws.com"), "cn-north-1") ?? "", /use the provider of oidc\.eks\.cn-north-1\.amazonaws\.com\.cn/);
    assert.match(oidcProviderRegionProblem(arn("aws", "oidc.eks.us-gov-west-1.amazonaws.com"), "us-gov-west-1") ?? "", /is in partition aws, but us-gov-west-1 is in aws-us-gov/);
    const input = configInput({ region: "us-west-2", controller: { identity: "irsa", oidcProviderArn: arn("aws", "oidc.eks.eu-west-1.amazonaws.com") } });
    assert.deepEqual(problemsOf(input), [
      "controller.oidcProviderArn: is the OIDC provider of a cluster in eu-west-1 (oidc.eks.eu-west-1.amazonaws.com), but the cluster is in us-west-2: use the provider of oidc.eks.us-west-2.amazonaws.com",
    ]);
    const error = errorOf(() => synthStack((s) => new KarpenterControllerIam(s, "c", { clusterName: "c", region: "us-east-1", interruptionQueueArn: "arn:aws:sqs:us-east-1:111122223333:q", nodeRoleArn: "arn:aws:iam::111122223333:role/n", identity: { type: "irsa", oidcProviderArn: arn("aws", "oidc.eks.us-west-2.amazonaws.com") } })));
    assert.match(error, /identity\.oidcProviderArn: is the OIDC provider of a cluster in us-west-2/);
  });
});

describe("ARNs of the cluster's partition, and a queue key of its region", () => {
  it("refuses IAM ARNs of another partition and a KMS key of another region, at their config keys", () => {
    const input = configInput({
      region: "us-west-2",
      nodeRole: { permissionsBoundaryArn: "arn:aws-cn:iam::111122223333:policy/boundary", additionalPolicyArns: { ssm: "arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore" } },
      interruptionQueue: { kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
    });
    assert.deepEqual(problemsOf(input), [
      'nodeRole.permissionsBoundaryArn: is in partition aws-cn, but us-west-2 is in aws: the ARN must start with arn:aws: (got "arn:aws-cn:iam::111122223333:policy/boundary")',
      "interruptionQueue.kmsKeyArn: is in eu-west-1, but the cluster is in us-west-2: use a key of us-west-2 (KMS keys are regional; a multi-Region key has a replica ARN per region) (got \"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\")",
      'nodeRole.additionalPolicyArns.ssm: is in partition aws-us-gov, but us-west-2 is in aws: the ARN must start with arn:aws: (got "arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore")',
    ]);
    assert.deepEqual(problemsOf(configInput({ region: "cn-north-1", nodeRole: { existingRoleArn: "arn:aws-cn:iam::111122223333:role/gpu-nodes" } })), []);
    const error = errorOf(() => synthStack((s) => new KarpenterControllerIam(s, "c", { clusterName: "c", region: "us-east-1", interruptionQueueArn: "arn:aws:sqs:us-east-1:111122223333:q", nodeRoleArn: "arn:aws:iam::111122223333:role/n", interruptionQueueKmsKeyArn: "arn:aws:kms:us-west-2:111122223333:key/k" })));
    assert.match(error, /interruptionQueueKmsKeyArn: is in us-west-2, but the cluster is in us-east-1/);
  });
});

describe("controller env entries, as the API server reads them", () => {
  it("refuses env var names Kubernetes refuses and values that are not strings", () => {
    const env = (entries: unknown[]) => problemsOf(configInput({ karpenter: { additionalValues: { controller: { env: entries } } } }));
    assert.deepEqual(env([{ name: "GOMEMLIMIT", value: "900MiB" }, { name: "LOG.level", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }]), []);
    assert.deepEqual(env([{ name: "1BAD", value: "x" }, { name: "A=B", value: "x" }, { name: "N", value: 5 }, { name: "B", value: true }]), [
      "karpenter.additionalValues.controller.env[0].name: must be an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit (got \"1BAD\")",
      "karpenter.additionalValues.controller.env[1].name: must be an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit (got \"A=B\")",
      "karpenter.additionalValues.controller.env[2].value: must be a string (got 5): quote it, as Kubernetes takes env values as text",
      "karpenter.additionalValues.controller.env[3].value: must be a string (got true): quote it, as Kubernetes takes env values as text",
    ]);
  });
});
