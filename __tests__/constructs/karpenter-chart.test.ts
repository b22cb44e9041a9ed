import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { KarpenterChart } from "../../modules/charts/karpenter-chart.js";
import { at, errorOf, ofType, synthStack } from "../helpers.js";

const base = { clusterName: "prod-cluster", region: "us-west-2", clusterEndpoint: "https://ABC.gr7.us-west-2.eks.amazonaws.com", interruptionQueueName: "Karpenter-prod-cluster" };

describe("KarpenterChart", () => {
  const s = synthStack((stack) => new KarpenterChart(stack, "karpenter", base));
  const crd = at(s.resource, "helm_release", "karpenter/crd");
  const controller = at(s.resource, "helm_release", "karpenter/controller");

  it("installs karpenter-crd and karpenter 1.14.1 from public ECR into kube-system, waiting for readiness", () => {
    for (const [release, chart] of [[crd, "karpenter-crd"], [controller, "karpenter"]] as const) {
      assert.equal(release.chart, chart);
      assert.equal(release.name, chart);
      assert.equal(release.repository, "oci://public.ecr.aws/karpenter");
      assert.equal(release.version, "1.14.1");
      assert.equal(release.namespace, "kube-system");
      assert.equal(release.create_namespace, false, "kube-system always exists");
      assert.equal(release.wait, true);
      assert.equal(release.timeout, 300);
    }
  });

  it("leaves the CRDs to karpenter-crd: the controller chart skips them and is installed after", () => {
    assert.equal(controller.skip_crds, true);
    assert.equal(crd.skip_crds, undefined);
    assert.deepEqual(controller.depends_on, [`helm_release.${Object.keys(s.resource.helm_release).find((k) => k.startsWith("karpenter_crd_"))}`]);
  });

  it("pulls both charts anonymously: no registry credentials that would change on every plan and expire in state", () => {
    for (const release of [crd, controller]) {
      assert.equal(release.repository_username, undefined);
      assert.equal(release.repository_password, undefined);
    }
    assert.deepEqual(ofType(s.data, "aws_ecrpublic_authorization_token"), {});
  });

  it("sets the cluster, endpoint, queue name, service account and controller resources, and nothing else", () => {
    const values = parse((controller.values as string[])[0]);
    assert.deepEqual(values, {
      settings: { clusterName: "prod-cluster", clusterEndpoint: base.clusterEndpoint, interruptionQueue: "Karpenter-prod-cluster", enableZonalShift: false },
      serviceAccount: { name: "karpenter" },
      controller: {
        resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
        env: [{ name: "AWS_REGION", value: "us-west-2" }],
      },
    }, "no affinity: the chart's default keeps the controller off Karpenter nodes");
  });

  it("gives the controller its region, so it never asks IMDS (which a hop limit of 1 keeps from pods)", () => {
    const values = parse((controller.values as string[])[0]);
    assert.deepEqual(values.controller.env, [{ name: "AWS_REGION", value: "us-west-2" }]);
  });

  it("adds controller.env entries from additional values to AWS_REGION instead of dropping it; an AWS_REGION of another region is refused", () => {
    const env = (extra: unknown[]) =>
      parse((at(synthStack((stack) => new KarpenterChart(stack, "k", { ...base, additionalValues: { controller: { env: extra, extraVolumeMounts: [] } } })).resource, "helm_release", "k/controller").values as string[])[0]).controller;
    assert.deepEqual(env([{ name: "GOMEMLIMIT", value: "900MiB" }]).env, [{ name: "AWS_REGION", value: "us-west-2" }, { name: "GOMEMLIMIT", value: "900MiB" }]);
    assert.deepEqual(env([{ name: "AWS_REGION", value: "us-west-2" }]).env, [{ name: "AWS_REGION", value: "us-west-2" }], "the same entry is harmless");
    assert.match(errorOf(() => env([{ name: "AWS_REGION", value: "eu-west-1" }])), /additionalValues\.controller\.env\["AWS_REGION"\]: would change AWS_REGION, which the module sets from the region prop \("us-west-2"\); remove this entry/);
    assert.deepEqual(env([]).extraVolumeMounts, [], "the rest of controller still merges");
  });

  it("turns zonal shift on only when asked", () => {
    const on = synthStack((stack) => new KarpenterChart(stack, "k", { ...base, zonalShift: true }));
    assert.equal(parse((at(on.resource, "helm_release", "k/controller").values as string[])[0]).settings.enableZonalShift, true);
  });

  it("with IRSA annotates the service account with the role ARN; additional values merge over the defaults", () => {
    const irsa = synthStack(
      (stack) =>
        new KarpenterChart(stack, "karpenter", {
          ...base,
          irsaRoleArn: "arn:aws:iam::111122223333:role/KarpenterController-prod-cluster",
          serviceAccountName: "karpenter-ctrl",
          namespace: "karpenter",
          version: "1.14.2",
          additionalValues: { settings: { featureGates: { spotToSpotConsolidation: true } }, replicas: 3 },
        }),
    );
    const release = at(irsa.resource, "helm_release", "karpenter/controller");
    const values = parse((release.values as string[])[0]);
    assert.deepEqual(values.serviceAccount, { name: "karpenter-ctrl", annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/KarpenterController-prod-cluster" } });
    assert.deepEqual(values.settings, {
      clusterName: "prod-cluster",
      clusterEndpoint: base.clusterEndpoint,
      interruptionQueue: "Karpenter-prod-cluster",
      enableZonalShift: false,
      featureGates: { spotToSpotConsolidation: true },
    });
    assert.equal(values.replicas, 3);
    assert.equal(release.namespace, "karpenter");
    assert.equal(release.create_namespace, true, "a namespace other than kube-system is created");
    assert.equal(at(irsa.resource, "helm_release", "karpenter/crd").create_namespace, true);
    assert.equal(release.version, "1.14.2");
  });

  it("warns when the chart version is not the one the IAM policies and validation are written for", () => {
    const warningsFor = (version?: string) => {
      let chart: KarpenterChart | undefined;
      synthStack((stack) => (chart = new KarpenterChart(stack, "k", { ...base, version })));
      return chart!.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    };
    assert.deepEqual(warningsFor(undefined), []);
    assert.deepEqual(warningsFor("1.15.0"), [
      "karpenter chart 1.15.0 is not 1.14.1, the version this module's controller IAM policies and NodePool/EC2NodeClass validation are written for: read Karpenter's upgrade guide for that version and compare its CloudFormation template's policies with the controller role before applying",
    ]);
  });

  it("keeps a Terraform reference in a value intact through YAML", () => {
    const ref = synthStack((stack) => new KarpenterChart(stack, "karpenter", { ...base, clusterEndpoint: "${data.aws_eks_cluster.x.endpoint}" }));
    assert.match((at(ref.resource, "helm_release", "karpenter/controller").values as string[])[0], /"clusterEndpoint": "\$\{data\.aws_eks_cluster\.x\.endpoint\}"\n/);
  });

  it("refuses values that would break the controller's placement, and bad names", () => {
    const message = errorOf(() =>
      synthStack((stack) => new KarpenterChart(stack, "k", { ...base, region: "mars-1", interruptionQueueName: "a queue", additionalValues: { affinity: {} } })),
    );
    assert.match(message, /- region: must be an AWS region code/);
    assert.match(message, /- interruptionQueueName: must be an SQS queue name/);
    assert.match(message, /- additionalValues\.affinity: would replace the chart's default affinity that keeps the controller off Karpenter-managed nodes; remove it/);
  });
});
