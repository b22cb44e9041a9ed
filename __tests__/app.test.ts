/** The app as a user runs it: main.ts with and without KARPENTER_GPU_CONFIG. */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runApp } from "./helpers.js";

describe("main.ts", () => {
  it("synthesizes the built-in example with no config, no AWS account and no network", () => {
    const run = runApp();
    assert.equal(run.status, 0, run.stderr);
    const manifest = JSON.parse(readFileSync(join(run.outdir, "manifest.json"), "utf8"));
    assert.deepEqual(Object.keys(manifest.stacks), ["prod-cluster-aws"]);
    const stack = JSON.parse(readFileSync(join(run.outdir, "stacks", "prod-cluster-aws", "cdk.tf.json"), "utf8"));
    assert.equal(Object.keys(stack.resource.aws_ec2_tag).length, 3, "two subnets and one security group are tagged");
  });

  it("exits non-zero and names each bad field of a config file", () => {
    const dir = mkdtempSync(join(tmpdir(), "kgpu-bad-"));
    const file = join(dir, "bad.yaml");
    writeFileSync(
      file,
      "clusterName: prod-cluster\nregion: us-west-2\ndiscovery: {subnetIds: [subnet-0a1b2c3d4e5f60718], securityGroupIds: [sg-0c3d4e5f607182930]}\nnodeClasses: [{name: gpu}]\nnodePools:\n  - {name: a, nodeClass: gpu, limits: {cpu: 1}}\n  - {name: b, nodeClass: gpu, limits: {cpu: -5}, capacityType: [spot]}\n",
    );
    const run = runApp({ KARPENTER_GPU_CONFIG: file });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /Invalid karpenter-gpu configuration \(.*bad\.yaml\):/);
    assert.match(run.stderr, /nodePools\[1\]\.limits\.cpu: must be a positive number/);
    assert.match(run.stderr, /nodePools\[1\]\.capacityType: unknown key \(did you mean "capacityTypes"\?\)/);
    assert.doesNotMatch(run.stderr, /at .*\.ts:\d+/, "no stack trace for a config error");
    assert.equal(existsSync(join(run.outdir, "manifest.json")), false, "nothing is synthesized from a bad config");
  });
});
