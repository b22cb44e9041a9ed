import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider/index.js";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider/index.js";
import type { TerraformStack } from "cdktf";
import { KarpenterChart, type KarpenterChartProps } from "../../modules/charts/karpenter-chart.js";
import { KARPENTER_CRD_NAMES } from "../../modules/core/versions.js";
import { at, errorOf, ofType, synthStack, type Synth } from "../helpers.js";

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

describe("KarpenterChart, taking over an existing installation", () => {
  const withK8s = (props: Partial<KarpenterChartProps>, extra?: (stack: TerraformStack) => void) =>
    synthStack((stack) => {
      new KubernetesProvider(stack, "kubernetes", {});
      extra?.(stack);
      new KarpenterChart(stack, "karpenter", { ...base, ...props });
    });
  /** The adopted CRDs' labels and annotations, by CRD name. */
  const adopted = (s: Synth, type: "kubernetes_labels" | "kubernetes_annotations") =>
    Object.fromEntries(Object.values(ofType(s.resource, type)).map((r) => [(r.metadata as { name: string }).name, r]));
  const releaseId = (s: Synth, chart: string) => Object.entries(s.resource.helm_release).find(([, r]) => r.chart === chart)![0];

  it("installs both releases under the names given, in the namespace given", () => {
    const s = synthStack((stack) => new KarpenterChart(stack, "karpenter", { ...base, namespace: "karpenter", releaseName: "kpt", crdReleaseName: "kpt-crds" }));
    assert.deepEqual([at(s.resource, "helm_release", "karpenter/crd"), at(s.resource, "helm_release", "karpenter/controller")].map((r) => [r.chart, r.name, r.namespace]), [
      ["karpenter-crd", "kpt-crds", "karpenter"],
      ["karpenter", "kpt", "karpenter"],
    ]);
  });

  it("marks every CRD of the pinned chart as the CRD release's before installing it, and keeps them on uninstall", () => {
    const s = withK8s({ adoptExistingCrds: true, namespace: "karpenter", crdReleaseName: "kpt-crds" });
    const labels = adopted(s, "kubernetes_labels");
    const annotations = adopted(s, "kubernetes_annotations");
    assert.deepEqual(Object.keys(labels).sort(), [...KARPENTER_CRD_NAMES].sort());
    assert.deepEqual(Object.keys(annotations).sort(), [...KARPENTER_CRD_NAMES].sort());
    for (const name of KARPENTER_CRD_NAMES) {
      // What Helm's checkOwnership reads before it adopts an object into release kpt-crds of namespace karpenter.
      assert.deepEqual(labels[name].labels, { "app.kubernetes.io/managed-by": "Helm" });
      assert.deepEqual(annotations[name].annotations, { "meta.helm.sh/release-name": "kpt-crds", "meta.helm.sh/release-namespace": "karpenter" });
      for (const r of [labels[name], annotations[name]]) {
        assert.deepEqual([r.api_version, r.kind, r.field_manager], ["apiextensions.k8s.io/v1", "CustomResourceDefinition", "karpenter-gpu"]);
        assert.equal(r.force, false, "metadata another Helm release set must stop the apply, not be taken over");
      }
    }
    const crd = at(s.resource, "helm_release", "karpenter/crd");
    const ownership = [...Object.keys(s.resource.kubernetes_labels).map((k) => `kubernetes_labels.${k}`), ...Object.keys(s.resource.kubernetes_annotations).map((k) => `kubernetes_annotations.${k}`)];
    assert.deepEqual([...(crd.depends_on as string[])].sort(), ownership.sort(), "Helm checks the metadata when it installs: it must be written first");
    assert.deepEqual(parse((crd.values as string[])[0]), { additionalAnnotations: { "helm.sh/resource-policy": "keep" } });
    assert.deepEqual(at(s.resource, "helm_release", "karpenter/controller").depends_on, [`helm_release.${releaseId(s, "karpenter-crd")}`]);
  });

  it("adopts only the CRDs listed (an older installation has fewer), at addresses that do not move when the list is reordered", () => {
    const one = withK8s({ adoptExistingCrds: ["nodepools.karpenter.sh", "ec2nodeclasses.karpenter.k8s.aws"] });
    const other = withK8s({ adoptExistingCrds: ["ec2nodeclasses.karpenter.k8s.aws", "nodepools.karpenter.sh"] });
    assert.deepEqual(Object.keys(adopted(one, "kubernetes_labels")).sort(), ["ec2nodeclasses.karpenter.k8s.aws", "nodepools.karpenter.sh"]);
    // Each CRD's Terraform address, by CRD name: the same whatever the order of the list.
    const addresses = (s: Synth) =>
      (["kubernetes_labels", "kubernetes_annotations"] as const).flatMap((type) => Object.entries(s.resource[type]).map(([id, r]) => `${(r.metadata as { name: string }).name} ${type}.${id}`)).sort();
    assert.deepEqual(addresses(one), addresses(other));
  });

  it("imports the releases that exist by <namespace>/<name>, and only those", () => {
    const controllerOnly = withK8s({ importExistingReleases: ["controller"] });
    assert.deepEqual((controllerOnly as unknown as { import: unknown }).import, [{ id: "kube-system/karpenter", to: `helm_release.${releaseId(controllerOnly, "karpenter")}` }]);
    assert.equal(at(controllerOnly.resource, "helm_release", "karpenter/crd").values, undefined, "a new CRD release on a cluster without Karpenter objects is removed with them");
    const both = withK8s({ importExistingReleases: ["crd", "controller"], namespace: "karpenter", crdReleaseName: "karpenter-crds" });
    assert.deepEqual((both as unknown as { import: unknown }).import, [
      { id: "karpenter/karpenter-crds", to: `helm_release.${releaseId(both, "karpenter-crd")}` },
      { id: "karpenter/karpenter", to: `helm_release.${releaseId(both, "karpenter")}` },
    ]);
    assert.match((at(both.resource, "helm_release", "karpenter/crd").values as string[])[0], /helm\.sh\/resource-policy/, "an imported CRD release holds the cluster's NodePools: keep them on uninstall");
  });

  it("has nothing to adopt, import or keep unless asked, and keepCrds overrides the default", () => {
    const s = synthStack((stack) => new KarpenterChart(stack, "karpenter", base));
    assert.equal(s.resource.kubernetes_labels, undefined);
    assert.equal((s as unknown as { import?: unknown }).import, undefined);
    assert.equal(at(s.resource, "helm_release", "karpenter/crd").values, undefined);
    const noKeep = withK8s({ adoptExistingCrds: true, keepCrds: false });
    assert.equal(at(noKeep.resource, "helm_release", "karpenter/crd").values, undefined);
  });

  it("uses the providers given", () => {
    const s = withK8s({ adoptExistingCrds: ["nodepools.karpenter.sh"] }, (stack) => {
      const helm = new HelmProvider(stack, "otherHelm", { alias: "other" });
      const k8s = new KubernetesProvider(stack, "otherK8s", { alias: "other" });
      new KarpenterChart(stack, "second", { ...base, provider: helm, kubernetesProvider: k8s, releaseName: "k2", crdReleaseName: "k2-crd", adoptExistingCrds: ["nodeclaims.karpenter.sh"] });
    });
    assert.equal(at(s.resource, "helm_release", "second/controller").provider, "helm.other");
    assert.equal(at(s.resource, "helm_release", "second/crd").provider, "helm.other");
    assert.equal(adopted(s, "kubernetes_labels")["nodeclaims.karpenter.sh"].provider, "kubernetes.other");
    assert.equal(adopted(s, "kubernetes_labels")["nodepools.karpenter.sh"].provider, undefined);
  });

  it("refuses release names Helm refuses, one name for both releases, CRDs the chart does not have, and imports named twice", () => {
    const message = errorOf(() =>
      withK8s({ releaseName: "Karpenter_1", crdReleaseName: "x".repeat(54), adoptExistingCrds: ["nodepools.karpenter.sh", "nodepools.karpenter.sh", "widgets.example.com"], importExistingReleases: ["crd", "crd"] }),
    );
    assert.match(message, /- releaseName: must be a Helm release name: at most 53 lower-case letters, digits, '-' and '\.', starting and ending with a letter or digit \(got "Karpenter_1"\)/);
    assert.match(message, /- crdReleaseName: must be a Helm release name: .* \(got "x{54}", 54 characters\)/);
    assert.match(message, /- importExistingReleases: lists "crd" more than once/);
    assert.match(message, /- adoptExistingCrds\[2\]: must be a CRD of the karpenter-crd chart 1\.14\.1: one of nodepools\.karpenter\.sh, .* \(got "widgets\.example\.com"\)/);
    assert.match(errorOf(() => withK8s({ crdReleaseName: "karpenter" })), /- crdReleaseName: is the same as releaseName \("karpenter"\): the two releases share the namespace, so they need two names/);
    assert.match(errorOf(() => withK8s({ adoptExistingCrds: ["nodepools.karpenter.sh", "nodepools.karpenter.sh"] })), /- adoptExistingCrds: lists "nodepools\.karpenter\.sh" more than once/);
  });

  it("accepts any well-formed CRD name with another chart version, which may ship other CRDs", () => {
    const s = withK8s({ version: "1.15.0", adoptExistingCrds: ["widgets.karpenter.sh"] });
    assert.deepEqual(Object.keys(adopted(s, "kubernetes_labels")), ["widgets.karpenter.sh"]);
    assert.match(errorOf(() => withK8s({ version: "1.15.0", adoptExistingCrds: ["Widgets"] })), /- adoptExistingCrds\[0\]: must be a CustomResourceDefinition name, <plural>\.<group> .*\(got "Widgets"\)/);
  });
});
