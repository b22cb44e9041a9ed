import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildGpuNodeClass } from "../../modules/karpenter/node-class-spec.js";
import { GpuNodeClass } from "../../modules/nodepools/node-class.js";
import { errorOf, ofType, synthStack } from "../helpers.js";
import { seedNodeClassWithAdditions } from "../seed.js";

const seedProps = { name: "gpu-nodeclass", clusterName: "prod-cluster", roleName: "KarpenterNodeRole-prod-cluster" };

describe("GpuNodeClass", () => {
  it("reproduces the seed EC2NodeClass field by field, plus encryption, gp3 performance, IMDSv2 and the discovery tag", () => {
    const json = buildGpuNodeClass(seedProps) as any;
    assert.deepEqual(json, seedNodeClassWithAdditions(seedProps.roleName));
  });

  it("requires IMDSv2 with hop limit 1 and encrypts the root volume whatever the overrides", () => {
    const spec = (buildGpuNodeClass({ ...seedProps, rootVolume: { sizeGiB: 500, type: "io2", iops: 10000 } }) as any).spec;
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
    }) as any).spec;
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
    assert.deepEqual(m.manifest, JSON.parse(JSON.stringify(seedNodeClassWithAdditions(seedProps.roleName))));
    assert.deepEqual(m.wait, { condition: [{ type: "Ready", status: "True" }] });
  });

  it("raises gp3 IOPS and throughput above the baseline by default, only for gp3, and puts storage on NVMe with RAID0", () => {
    const ebs = (rootVolume: object) => ((buildGpuNodeClass({ ...seedProps, rootVolume }) as any).spec.blockDeviceMappings[0].ebs);
    assert.deepEqual([ebs({}).iops, ebs({}).throughput], [6000, 500]);
    assert.deepEqual([ebs({ type: "gp2" }).iops, ebs({ type: "gp2" }).throughput], [undefined, undefined]);
    assert.deepEqual([ebs({ iops: 3000, throughputMiBps: 125 }).iops, ebs({ iops: 3000, throughputMiBps: 125 }).throughput], [3000, 125]);
    assert.equal((buildGpuNodeClass({ ...seedProps, instanceStorePolicy: "RAID0" }) as any).spec.instanceStorePolicy, "RAID0");
    assert.equal((buildGpuNodeClass(seedProps) as any).spec.instanceStorePolicy, undefined);
  });

  it("validates its props like the config file does, naming each bad prop", () => {
    const message = errorOf(() =>
      synthStack((stack) => new GpuNodeClass(stack, "nc", {
        ...seedProps,
        roleName: "arn:aws:iam::111122223333:role/nodes",
        amiAlias: "bottlerocket@latest",
        rootVolume: { type: "gp2", iops: 9000, throughputMiBps: 9000 },
      })),
    );
    assert.match(message, /^GpuNodeClass at 'test\/nc' has invalid props:/);
    assert.match(message, /- roleName: must be the role's name, not its ARN/);
    assert.match(message, /- amiAlias: must be an AL2023 AMI alias/);
    assert.match(message, /- rootVolume\.throughputMiBps: applies to gp3 volumes only \(type is gp2\)/);
    assert.match(message, /- rootVolume\.iops: does not apply to gp2 volumes/);
  });

  it("fails at synth, naming the class, the field and the prop it came from, when the object breaks the CRD's schema", () => {
    const message = errorOf(() => synthStack((stack) => new GpuNodeClass(stack, "nc", { ...seedProps, rootVolume: { type: "magnetic" as "gp3" } })));
    assert.equal(
      message,
      [
        "EC2NodeClass gpu-nodeclass does not pass the Karpenter 1.14.1 CRD:",
        '  - spec.blockDeviceMappings[0].ebs.volumeType (rootVolume.type): must be equal to one of the allowed values (standard, io1, io2, gp2, sc1, st1, gp3) (got "magnetic")',
      ].join("\n"),
    );
  });

  it("refuses tags that, with the discovery tag and Karpenter's six, would exceed EC2's 50 per instance", () => {
    const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, "v"]));
    assert.doesNotThrow(() => synthStack((stack) => new GpuNodeClass(stack, "nc", { ...seedProps, tags: tags(43) })));
    assert.match(
      errorOf(() => synthStack((stack) => new GpuNodeClass(stack, "nc", { ...seedProps, tags: tags(44) }))),
      /- tags: gives each instance 51 tags \(45 of the node class, 6 that Karpenter adds\); EC2 allows at most 50/,
    );
  });

  it("evaluates the CRD's tag rules at synth: an empty tag key and the tags Karpenter sets itself are refused, each named", () => {
    const message = errorOf(() =>
      synthStack((stack) => new GpuNodeClass(stack, "nc", {
        ...seedProps,
        tags: { "": "x", "eks:eks-cluster-name": "a", "kubernetes.io/cluster/prod": "owned", "karpenter.sh/nodepool": "b", "karpenter.sh/nodeclaim": "c", "karpenter.k8s.aws/ec2nodeclass": "d" },
      })),
    );
    assert.equal(
      message,
      [
        "EC2NodeClass gpu-nodeclass does not pass the Karpenter 1.14.1 CRD:",
        `  - spec.tags[""] (tags[""]): empty tag keys aren't supported`,
        '  - spec.tags["eks:eks-cluster-name"] (tags["eks:eks-cluster-name"]): tag contains a restricted tag matching eks:eks-cluster-name',
        '  - spec.tags["kubernetes.io/cluster/prod"] (tags["kubernetes.io/cluster/prod"]): tag contains a restricted tag matching kubernetes.io/cluster/',
        '  - spec.tags["karpenter.sh/nodepool"] (tags["karpenter.sh/nodepool"]): tag contains a restricted tag matching karpenter.sh/nodepool',
        '  - spec.tags["karpenter.sh/nodeclaim"] (tags["karpenter.sh/nodeclaim"]): tag contains a restricted tag matching karpenter.sh/nodeclaim',
        '  - spec.tags["karpenter.k8s.aws/ec2nodeclass"] (tags["karpenter.k8s.aws/ec2nodeclass"]): tag contains a restricted tag matching karpenter.k8s.aws/ec2nodeclass',
      ].join("\n"),
    );
  });

  it("escape hatches: userData and spec fields reach the manifest, extra devices after the root volume, a hardened AMI's terms instead of the alias", () => {
    const m = (props: Partial<ConstructorParameters<typeof GpuNodeClass>[2]>) =>
      (ofType(synthStack((stack) => new GpuNodeClass(stack, "nc", { ...seedProps, ...props })).resource, "kubernetes_manifest").nc_manifest as any).manifest.spec;
    const spec = m({
      userData: "#!/bin/bash\nmount-datasets",
      spec: {
        associatePublicIPAddress: false,
        detailedMonitoring: true,
        blockDeviceMappings: [{ deviceName: "/dev/xvdb", ebs: { volumeSize: "500Gi", volumeType: "gp3", encrypted: true } }],
        metadataOptions: { httpProtocolIPv6: "enabled" },
      },
    });
    assert.equal(spec.userData, "#!/bin/bash\nmount-datasets");
    assert.equal(spec.associatePublicIPAddress, false);
    assert.equal(spec.detailedMonitoring, true);
    assert.deepEqual(spec.blockDeviceMappings.map((d: { deviceName: string }) => d.deviceName), ["/dev/xvda", "/dev/xvdb"]);
    assert.deepEqual(spec.metadataOptions, { httpEndpoint: "enabled", httpProtocolIPv6: "enabled", httpPutResponseHopLimit: 1, httpTokens: "required" });
    const hardened = m({ spec: { amiFamily: "AL2023", amiSelectorTerms: [{ id: "ami-0123456789abcdef0" }] } });
    assert.deepEqual(hardened.amiSelectorTerms, [{ id: "ami-0123456789abcdef0" }]);
  });

  it("escape hatches: owned fields are refused naming the typed prop, IMDSv2 cannot be weakened, and CRD errors name spec.<field>", () => {
    const message = errorOf(() =>
      synthStack((stack) => new GpuNodeClass(stack, "nc", {
        ...seedProps,
        amiAlias: "al2023@v20251120",
        userData: "",
        spec: {
          role: "other",
          subnetSelectorTerms: [{ id: "subnet-0123456789abcdef0" }],
          amiSelectorTerms: [{ id: "ami-0123456789abcdef0" }],
          metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 },
          blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: "10Gi" } }],
        },
      })),
    );
    for (const line of [
      /- spec\.role: is written by the module; use the node role/,
      /- spec\.subnetSelectorTerms: is written by the module; use discovery/,
      /- spec\.amiSelectorTerms: replaces the terms of amiAlias: set amiAlias or spec\.amiSelectorTerms, not both/,
      /- spec\.metadataOptions\.httpTokens: must stay "required" \(got "optional"\): IMDSv2/,
      /- spec\.metadataOptions\.httpPutResponseHopLimit: must stay 1 \(got 2\)/,
      /- spec\.blockDeviceMappings\[0\]\.deviceName: is the root volume, which the module writes: use rootVolume/,
      /- userData: is empty/,
    ]) {
      assert.match(message, line);
    }
    const crd = errorOf(() => synthStack((stack) => new GpuNodeClass(stack, "nc", { ...seedProps, spec: { detailedMonitoring: "yes", blockDeviceMappings: [{ deviceName: "/dev/xvdb", ebs: { volumeSize: "lots" } }] } })));
    assert.match(crd, /spec\.detailedMonitoring \(spec\.detailedMonitoring\): must be boolean/);
    assert.match(crd, /spec\.blockDeviceMappings\[1\]\.ebs\.volumeSize \(spec\.blockDeviceMappings\[0\]\.ebs\.volumeSize\): /);
    assert.match(errorOf(() => synthStack((stack) => new GpuNodeClass(stack, "nc", { ...seedProps, userData: "x".repeat(16 * 1024 + 1) }))), /- userData: is 16385 bytes; EC2 takes at most 16384 bytes/);
  });
});
