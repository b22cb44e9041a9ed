import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { parseConfig } from "../../modules/config/parse.js";
import { type KarpenterGpuConfigInput } from "../../modules/config/schema.js";
import { stackNames } from "../../modules/core/names.js";
import { KARPENTER_CRD_NAMES } from "../../modules/core/versions.js";
import { KarpenterChartsStack } from "../../modules/stacks/charts-stack.js";
import { at, configInput, newApp, ofType, synthOf } from "../helpers.js";

const input = configInput({
  region: "eu-central-1",
  nodeClasses: [{ name: "gpu" }],
  nodePools: [
    { name: "training", nodeClass: "gpu", limits: { cpu: 192 }, taints: [{ key: "workload", value: "training", effect: "NoSchedule" }] },
    { name: "inference", nodeClass: "gpu", limits: { cpu: 64 } },
  ],
});
const synthConfig = (extra: Partial<KarpenterGpuConfigInput> = {}) =>
  synthOf(new KarpenterChartsStack(newApp(), stackNames("prod-cluster").charts, { config: parseConfig({ ...input, ...extra }) }));

describe("KarpenterChartsStack", () => {
  const s = synthConfig();
  const karpenterValues = () => parse((at(s.resource, "helm_release", "karpenter/controller").values as string[])[0]);

  it("connects Helm to the cluster with endpoint, CA and an ephemeral aws_eks_cluster_auth token (works on Terraform Cloud, survives a late apply)", () => {
    const helm = (s.provider?.helm as Record<string, any>[])[0].kubernetes;
    assert.match(helm.host, /^\$\{data\.aws_eks_cluster\.[\w-]+\.endpoint\}$/);
    assert.match(helm.cluster_ca_certificate, /^\$\{base64decode\(data\.aws_eks_cluster\.[\w-]+\.certificate_authority\[0\]\.data\)\}$/);
    assert.match(helm.token, /^\$\{ephemeral\.aws_eks_cluster_auth\.cluster_auth_\w+\.token\}$/);
    assert.equal(helm.exec, undefined);
  });

  it("switches to exec auth when the config asks", () => {
    const exec = synthConfig({ kubernetesAuth: "exec" });
    const helm = (exec.provider?.helm as Record<string, any>[])[0].kubernetes;
    assert.equal(helm.token, undefined);
    assert.equal(helm.exec.command, "aws");
  });

  it("uses one AWS provider, in the cluster's region: no us-east-1 provider for ECR tokens (charts are pulled anonymously)", () => {
    const aws = s.provider?.aws as Record<string, unknown>[];
    assert.deepEqual(aws.map((p) => [p.alias, p.region]), [[undefined, "eu-central-1"]]);
    assert.deepEqual(ofType(s.data, "aws_ecrpublic_authorization_token"), {});
  });

  it("gives the controller AWS_REGION from the config and wires zonal shift to the config", () => {
    assert.deepEqual(karpenterValues().controller.env, [{ name: "AWS_REGION", value: "eu-central-1" }]);
    assert.equal(karpenterValues().settings.enableZonalShift, false);
    const on = synthConfig({ karpenter: { zonalShift: true } });
    assert.equal(parse((at(on.resource, "helm_release", "karpenter/controller").values as string[])[0]).settings.enableZonalShift, true);
  });

  it("upgrades the GPU Operator the way its guide says: OpenAPI validation off, so the pre-upgrade CRD hook can run", () => {
    assert.equal(at(s.resource, "helm_release", "gpuOperator/release").disable_openapi_validation, true);
  });

  it("points Karpenter at the cluster endpoint, the interruption queue name and the Pod Identity service account", () => {
    const v = karpenterValues();
    assert.equal(v.settings.clusterName, "prod-cluster");
    assert.match(v.settings.clusterEndpoint, /^\$\{data\.aws_eks_cluster\.[\w-]+\.endpoint\}$/);
    assert.equal(v.settings.interruptionQueue, "Karpenter-prod-cluster-eu-central-1");
    assert.deepEqual(v.serviceAccount, { name: "karpenter" });
    assert.deepEqual(ofType(s.data, "aws_iam_role"), {}, "no role lookup with Pod Identity");
  });

  it("with IRSA looks the controller role up by name and annotates the service account with its ARN", () => {
    const irsa = synthConfig({
      controller: { identity: "irsa", oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/X", roleName: "karpenter-ctrl", serviceAccount: "kctrl" },
      interruptionQueue: { name: "gpu-events" },
    });
    assert.deepEqual(Object.values(ofType(irsa.data, "aws_iam_role")), [{ name: "karpenter-ctrl" }]);
    const v = parse((at(irsa.resource, "helm_release", "karpenter/controller").values as string[])[0]);
    assert.match(v.serviceAccount.annotations["eks.amazonaws.com/role-arn"], /^\$\{data\.aws_iam_role\.controllerRole[\w-]*\.arn\}$/);
    assert.equal(v.serviceAccount.name, "kctrl");
    assert.equal(v.settings.interruptionQueue, "gpu-events");
  });

  it("derives the GPU Operator tolerations from every pool's taints", () => {
    const v = parse((at(s.resource, "helm_release", "gpuOperator/release").values as string[])[0]);
    const keys = (list: { key: string; value?: string }[]) => list.map((t) => `${t.key}=${t.value ?? "*"}`);
    assert.deepEqual(keys(v.daemonsets.tolerations), ["nvidia.com/gpu=*", "workload=training", "sku=gpu"]);
    assert.deepEqual(keys(v["node-feature-discovery"].worker.tolerations), ["node-role.kubernetes.io/control-plane=", "nvidia.com/gpu=*", "workload=training", "sku=gpu"]);
  });

  it("takes chart versions and extra values from the config", () => {
    const custom = synthConfig({ karpenter: { chartVersion: "1.14.2", additionalValues: { logLevel: "debug" } }, gpuOperator: { chartVersion: "v26.7.1" } });
    assert.equal(at(custom.resource, "helm_release", "karpenter/controller").version, "1.14.2");
    assert.equal(at(custom.resource, "helm_release", "karpenter/crd").version, "1.14.2");
    assert.equal(at(custom.resource, "helm_release", "gpuOperator/release").version, "v26.7.1");
    assert.equal(parse((at(custom.resource, "helm_release", "karpenter/controller").values as string[])[0]).logLevel, "debug");
    assert.deepEqual(Object.fromEntries(Object.entries(custom.output ?? {}).map(([k, o]) => [k, o.value])), { karpenterChartVersion: "1.14.2", gpuOperatorChartVersion: "v26.7.1" });
  });
});

describe("KarpenterChartsStack, adopting a cluster that already runs Karpenter", () => {
  const imports = (s: ReturnType<typeof synthConfig>) => (s as unknown as { import?: { id: string; to: string }[] }).import;
  const releaseAddress = (s: ReturnType<typeof synthConfig>, chart: string) => `helm_release.${Object.entries(s.resource.helm_release).find(([, r]) => r.chart === chart)![0]}`;

  it("from the getting-started guide (CRDs from the chart's crds/ folder, release kube-system/karpenter): adopts the CRDs, imports the controller release", () => {
    const s = synthConfig({ karpenter: { adoptExistingCrds: true, importExistingReleases: ["controller"] } });
    // The kubernetes provider reuses the connection the Helm provider has: same host, CA and token.
    const helm = (s.provider?.helm as Record<string, any>[])[0].kubernetes;
    assert.deepEqual(s.provider?.kubernetes, [{ host: helm.host, cluster_ca_certificate: helm.cluster_ca_certificate, token: helm.token }]);
    const owner = Object.values(ofType(s.resource, "kubernetes_annotations")).map((r) => [(r.metadata as { name: string }).name, r.annotations]);
    assert.deepEqual(owner.sort(), KARPENTER_CRD_NAMES.map((name) => [name, { "meta.helm.sh/release-name": "karpenter-crd", "meta.helm.sh/release-namespace": "kube-system" }]).sort());
    assert.deepEqual(Object.values(ofType(s.resource, "kubernetes_labels")).map((r) => (r.metadata as { name: string }).name).sort(), [...KARPENTER_CRD_NAMES].sort());
    const crd = at(s.resource, "helm_release", "karpenter/crd");
    assert.equal((crd.depends_on as string[]).length, 2 * KARPENTER_CRD_NAMES.length, "the CRD release waits for every label and annotation");
    assert.ok((crd.depends_on as string[]).every((d) => /^kubernetes_(labels|annotations)\./.test(d)));
    assert.deepEqual(imports(s), [{ id: "kube-system/karpenter", to: releaseAddress(s, "karpenter") }], "the CRD release is new: importing it would fail the plan");
    assert.deepEqual(parse((crd.values as string[])[0]), { additionalAnnotations: { "helm.sh/resource-policy": "keep" } }, "a destroy must not take the cluster's other NodePools with the CRDs");
  });

  it("from a plain Helm install with both charts under its own names: imports both releases, adopts nothing", () => {
    const s = synthConfig({ controller: { namespace: "karpenter" }, karpenter: { releaseName: "karpenter-controller", crdReleaseName: "karpenter-crds", importExistingReleases: ["crd", "controller"] } });
    assert.deepEqual([at(s.resource, "helm_release", "karpenter/crd"), at(s.resource, "helm_release", "karpenter/controller")].map((r) => `${r.namespace}/${r.name}`), ["karpenter/karpenter-crds", "karpenter/karpenter-controller"]);
    assert.deepEqual(imports(s), [
      { id: "karpenter/karpenter-crds", to: releaseAddress(s, "karpenter-crd") },
      { id: "karpenter/karpenter-controller", to: releaseAddress(s, "karpenter") },
    ]);
    assert.equal(s.provider?.kubernetes, undefined, "no CRD to adopt, no kubernetes provider to download");
    assert.equal(s.resource.kubernetes_labels, undefined);
  });

  it("keeps or removes the CRDs on uninstall as karpenter.keepCrds says, whatever the adoption default", () => {
    const keep = (extra: Partial<KarpenterGpuConfigInput>) => at(synthConfig(extra).resource, "helm_release", "karpenter/crd").values;
    assert.equal(keep({ karpenter: { adoptExistingCrds: true, keepCrds: false } }), undefined, "a full clean-up was asked for");
    assert.deepEqual(parse((keep({ karpenter: { keepCrds: true } }) as string[])[0]), { additionalAnnotations: { "helm.sh/resource-policy": "keep" } });
  });

  it("on a cluster without Karpenter: no kubernetes provider, no ownership metadata, no import, CRDs removed on destroy", () => {
    const s = synthConfig();
    assert.equal(s.provider?.kubernetes, undefined);
    assert.equal((s.terraform.required_providers as Record<string, unknown>).kubernetes, undefined);
    assert.equal(s.resource.kubernetes_annotations, undefined);
    assert.equal(imports(s), undefined);
    assert.equal(at(s.resource, "helm_release", "karpenter/crd").values, undefined);
  });
});
