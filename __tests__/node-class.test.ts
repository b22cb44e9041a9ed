import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildGpuNodeClass, GpuNodeClass } from "../modules/node-class.js";
import { errorOf, ofType, synthStack } from "./helpers.js";
import { seedNodeClassWithAdditions } from "./seed.js";

const seedProps = { name: "gpu-nodeclass", clusterName: "prod-cluster", roleName: "KarpenterNodeRole-prod-cluster" };

describe("GpuNodeClass", () => {
  it("reproduces the seed EC2NodeClass field by field, plus encryption, gp3 performance, IMDSv2 and the discovery tag", () => {
    const json = buildGpuNodeClass(seedProps).toJSON() as any;
    assert.deepEqual(json, seedNodeClassWithAdditions());
  });

  it("requires IMDSv2 with hop limit 1 and encrypts the root volume whatever the overrides", () => {
    const spec = (buildGpuNodeClass({ ...seedProps, rootVolume: { sizeGiB: 500, type: "io2", iops: 10000 } }).toJSON() as any).spec;
    assert.equal(spec.metadataOptions.httpTokens, "required");
    assert.equal(spec.metadataOptions.httpPutResponseHopLimit, 1);
    assert.equal(spec.blockDeviceMappings[0].ebs.encrypted, true);
  });

  it("applies overrides: AMI alias, volume size/type/IOPS/throughput/KMS key, extra tags (discovery tag kept)", () => {
    const spec = (buildGpuNodeClass({
      ...seedProps,
      amiAlias: "al2023@v20250101",
      rootVolume: { sizeGiB: 500, type: "gp3", iops: 6000, throughputMiBps: 500, kmsKeyId: "arn:aws:kms:us-west-2:111122223333:key/abc" },
      tags: { team: "ml", "karpenter.sh/discovery": "spoofed" },
    }).toJSON() as any).spec;
    assert.deepEqual(spec.amiSelectorTerms, [{ alias: "al2023@v20250101" }]);
    assert.deepEqual(spec.blockDeviceMappings[0].ebs, {
      volumeSize: "500Gi",
      volumeType: "gp3",
      iops: 6000,
      throughput: 500,
      encrypted: true,
      kmsKeyID: "arn:aws:kms:us-west-2:111122223333:key/abc",
      deleteOnTermination: true,
    });
    assert.deepEqual(spec.tags, { team: "ml", "karpenter.sh/discovery": "prod-cluster" });
  });

  it("applies the class as a kubernetes_manifest that waits for Ready (selectors and instance profile resolved)", () => {
    const s = synthStack((stack) => new GpuNodeClass(stack, "nc", seedProps));
    const m = ofType(s.resource, "kubernetes_manifest").nc_manifest as any;
    assert.deepEqual(m.manifest, JSON.parse(JSON.stringify(seedNodeClassWithAdditions())));
    assert.deepEqual(m.wait, { condition: [{ type: "Ready", status: "True" }] });
  });

  it("raises gp3 IOPS and throughput above the baseline by default, only for gp3, and puts storage on NVMe with RAID0", () => {
    const ebs = (rootVolume: object) => ((buildGpuNodeClass({ ...seedProps, rootVolume }).toJSON() as any).spec.blockDeviceMappings[0].ebs);
    assert.deepEqual([ebs({}).iops, ebs({}).throughput], [6000, 500]);
    assert.deepEqual([ebs({ type: "gp2" }).iops, ebs({ type: "gp2" }).throughput], [undefined, undefined]);
    assert.deepEqual([ebs({ iops: 3000, throughputMiBps: 125 }).iops, ebs({ iops: 3000, throughputMiBps: 125 }).throughput], [3000, 125]);
    assert.equal((buildGpuNodeClass({ ...seedProps, instanceStorePolicy: "RAID0" }).toJSON() as any).spec.instanceStorePolicy, "RAID0");
    assert.equal((buildGpuNodeClass(seedProps).toJSON() as any).spec.instanceStorePolicy, undefined);
  });

  it("validates its props like the config file does, naming each bad prop", () => {
    const message = errorOf(() =>
      synthStack((stack) => new GpuNodeClass(stack, "nc", {
        ...seedProps,
        roleName: "arn:aws:iam::111122223333:role/nodes",
        amiAlias: "bottlerocket@latest",
        rootVolume: { type: "gp2", iops: 9000, throughputMiBps: 9000 },
        tags: { "karpenter.sh/nodepool": "x" },
      })),
    );
    assert.match(message, /^GpuNodeClass at 'test\/nc' has invalid props:/);
    assert.match(message, /- roleName: must be the role's name, not its ARN/);
    assert.match(message, /- amiAlias: must be an AL2023 AMI alias/);
    assert.match(message, /- rootVolume\.throughputMiBps: applies to gp3 volumes only \(type is gp2\)/);
    assert.match(message, /- rootVolume\.iops: does not apply to gp2 volumes/);
    assert.match(message, /- tags\.karpenter\.sh\/nodepool: is a tag Karpenter sets itself/);
  });

  it("fails at synth, naming the class and the field, when the object breaks the Karpenter v1 schema", () => {
    const message = errorOf(() => synthStack((stack) => new GpuNodeClass(stack, "nc", { ...seedProps, rootVolume: { type: "magnetic" as "gp3" } })));
    assert.match(message, /^EC2NodeClass gpu-nodeclass does not pass the Karpenter v1 schema:/);
    assert.match(message, /- spec\.blockDeviceMappings\.0\.ebs\.volumeType: must be equal to one of the allowed values/);
  });
});
