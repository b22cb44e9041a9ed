import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../modules/config/parse.js";
import { type KarpenterGpuConfigInput } from "../../modules/config/schema.js";
import { stackNames } from "../../modules/core/names.js";
import { buildStacks } from "../../modules/stacks/app.js";
import { GpuNodePoolsStack } from "../../modules/stacks/node-pools-stack.js";
import { configInput, newApp, ofType, synthOf } from "../helpers.js";

const input = configInput({
  nodeClasses: [{ name: "gpu" }, { name: "gpu-large-disk", rootVolume: { sizeGiB: 1000 } }],
  nodePools: [
    { name: "training", nodeClass: "gpu-large-disk", capacityTypes: ["spot"], limits: { cpu: 192, gpus: 16 } },
    { name: "inference", nodeClass: "gpu", limits: { cpu: 64 } },
  ],
});
const synthConfig = (extra: Partial<KarpenterGpuConfigInput> = {}) =>
  synthOf(new GpuNodePoolsStack(newApp(), stackNames("prod-cluster").nodePools, { config: parseConfig({ ...input, ...extra }) }));

describe("GpuNodePoolsStack", () => {
  const s = synthConfig();
  const manifests = ofType(s.resource, "kubernetes_manifest") as Record<string, any>;

  it("applies one EC2NodeClass per node class and one NodePool per pool, addressed by name", () => {
    assert.deepEqual(Object.keys(manifests).sort(), [
      "nodeClass-gpu-large-disk_manifest",
      "nodeClass-gpu_manifest",
      "nodePool-inference_manifest",
      "nodePool-training_manifest",
    ]);
  });

  it("creates each pool after its own node class, and so destroys it first", () => {
    const classKey = (name: string) => Object.keys(s.resource.kubernetes_manifest).find((k) => k.startsWith(`nodeClass-${name}_manifest_`));
    assert.deepEqual(manifests["nodePool-training_manifest"].depends_on, [`kubernetes_manifest.${classKey("gpu-large-disk")}`]);
    assert.deepEqual(manifests["nodePool-inference_manifest"].depends_on, [`kubernetes_manifest.${classKey("gpu")}`]);
  });

  it("gives every node class the node role's name, derived the same way as the AWS stack's", () => {
    const roles = (cfg: Partial<KarpenterGpuConfigInput>) =>
      Object.values(ofType(synthConfig(cfg).resource, "kubernetes_manifest"))
        .filter((m: any) => m.manifest.kind === "EC2NodeClass")
        .map((m: any) => m.manifest.spec.role);
    assert.deepEqual(roles({}), ["KarpenterNodeRole-prod-cluster-us-west-2", "KarpenterNodeRole-prod-cluster-us-west-2"]);
    assert.deepEqual(roles({ nodeRole: { name: "gpu-nodes" } }), ["gpu-nodes", "gpu-nodes"]);
    assert.deepEqual(roles({ nodeRole: { existingRoleArn: "arn:aws:iam::111122223333:role/platform/existing" } }), ["existing", "existing"]);
  });

  it("maps the escape hatches from config: userData (escaped once, never evaluated), spec, the root volume's KMS key, startupTaints, pool annotations", () => {
    const key = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const hatches: Partial<KarpenterGpuConfigInput> = {
      nodeClasses: [{ name: "gpu", rootVolume: { kmsKeyId: key }, userData: "#!/bin/bash\necho ${HOME}", spec: { associatePublicIPAddress: false, amiFamily: "AL2023", amiSelectorTerms: [{ id: "ami-0123456789abcdef0" }] } }],
      nodePools: [{ name: "training", nodeClass: "gpu", limits: { cpu: 96 }, startupTaints: [{ key: "example.com/ready", effect: "NoSchedule" }], spec: { template: { metadata: { annotations: { team: "ml" } } } } }],
    };
    // The stack built directly from parseConfig's result escapes config text as buildStacks' does: once.
    const direct = synthConfig(hatches);
    const viaApp = synthOf(buildStacks(newApp(), parseConfig({ ...input, ...hatches })).nodePools);
    assert.deepEqual(ofType(viaApp.resource, "kubernetes_manifest"), ofType(direct.resource, "kubernetes_manifest"));
    const m = Object.values(ofType(direct.resource, "kubernetes_manifest")).map((r: any) => r.manifest);
    const nc = m.find((x) => x.kind === "EC2NodeClass").spec;
    assert.equal(nc.userData, "#!/bin/bash\necho $${HOME}", "config text reaches Terraform escaped");
    assert.equal(nc.associatePublicIPAddress, false);
    assert.deepEqual(nc.amiSelectorTerms, [{ id: "ami-0123456789abcdef0" }], "the hardened AMI's terms replace the default alias");
    assert.equal(nc.blockDeviceMappings[0].ebs.kmsKeyID, key);
    const np = m.find((x) => x.kind === "NodePool").spec;
    assert.deepEqual(np.template.spec.startupTaints, [{ key: "example.com/ready", effect: "NoSchedule" }]);
    assert.deepEqual(np.template.metadata.annotations, { team: "ml" });
  });

  it("maps pool settings: capacity, limits, node class reference", () => {
    const training = manifests["nodePool-training_manifest"].manifest.spec;
    assert.deepEqual(training.limits, { cpu: 192, "nvidia.com/gpu": 16 });
    assert.equal(training.template.spec.nodeClassRef.name, "gpu-large-disk");
    assert.deepEqual(training.template.spec.requirements[1], { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot"] });
    assert.equal(manifests["nodeClass-gpu-large-disk_manifest"].manifest.spec.blockDeviceMappings[0].ebs.volumeSize, "1000Gi");
  });

  it("connects the Kubernetes provider with a token by default", () => {
    const k8s = (s.provider?.kubernetes as Record<string, any>[])[0];
    assert.match(k8s.token, /aws_eks_cluster_auth/);
    assert.equal(k8s.exec, undefined);
  });
});
