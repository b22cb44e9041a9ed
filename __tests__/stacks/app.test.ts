/** The app as a user runs it: main.ts with and without KARPENTER_GPU_CONFIG. */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runApp, tempDir } from "../helpers.js";
import { seedNodeClassWithAdditions, seedNodePoolWithAdditions } from "../seed.js";

describe("main.ts", () => {
  // One run of the default app serves the tests that only read its output.
  const run = runApp();
  const stackJson = (stack: string) => JSON.parse(readFileSync(join(run.outdir, "stacks", stack, "cdk.tf.json"), "utf8"));

  it("synthesizes the built-in example with no config, no AWS account and no network", () => {
    assert.equal(run.status, 0, run.stderr);
    const manifest = JSON.parse(readFileSync(join(run.outdir, "manifest.json"), "utf8"));
    assert.deepEqual(Object.keys(manifest.stacks), ["prod-cluster-aws", "prod-cluster-charts", "prod-cluster-nodepools"]);
    const stack = stackJson("prod-cluster-aws");
    assert.equal(Object.keys(stack.resource.aws_ec2_tag).length, 3, "two subnets and one security group are tagged");
  });

  it("prints the constructs' warnings on stderr, where `npm run synth` shows them (cdktf keeps them in manifest.json), and no dependency's deprecation notice", () => {
    assert.doesNotMatch(run.stderr, /DeprecationWarning/, "DEP0044 (util.isArray, inside a dependency) is silenced by the synth script's node flag");
    const warnings = run.stderr.split("\n").filter((l) => l.startsWith("Warning: "));
    assert.deepEqual(warnings.map((w) => w.slice(0, w.indexOf(": ", "Warning: ".length))), ["Warning: prod-cluster-nodepools/nodeClass-gpu-nodeclass", "Warning: prod-cluster-nodepools/nodePool-gpu-workloads"]);
    assert.match(warnings[0], /uses al2023@latest/);
    assert.match(warnings[1], /expireAfter is 720h and terminationGracePeriod is not set/);
  });

  it("chains the stacks: charts depend on aws, node pools on charts (cdktf deploys along and destroys against these edges)", () => {
    const stacks = JSON.parse(readFileSync(join(run.outdir, "manifest.json"), "utf8")).stacks as Record<string, { dependencies: string[] }>;
    assert.deepEqual(
      Object.fromEntries(Object.entries(stacks).map(([name, st]) => [name, st.dependencies])),
      { "prod-cluster-aws": [], "prod-cluster-charts": ["prod-cluster-aws"], "prod-cluster-nodepools": ["prod-cluster-charts"] },
    );
  });

  it("puts the manifests in a stack of their own, apart from the CRD chart (kubernetes_manifest needs CRDs at plan time)", () => {
    const types = (stack: string) => Object.keys(stackJson(stack).resource);
    assert.deepEqual(types("prod-cluster-charts"), ["helm_release"]);
    // terraform_data: each pool's kind (static or dynamic), which replaces the NodePool when it changes.
    assert.deepEqual(types("prod-cluster-nodepools"), ["kubernetes_manifest", "terraform_data"]);
  });

  it("applies the seed's NodePool and EC2NodeClass, plus the documented additions, from the built-in example", () => {
    const manifests = Object.values(stackJson("prod-cluster-nodepools").resource.kubernetes_manifest).map((m: any) => m.manifest);
    // The example's global tags (managed-by) go on the GPU instances too.
    const nodeClass = seedNodeClassWithAdditions();
    nodeClass.spec.tags = { "managed-by": "karpenter-gpu", ...nodeClass.spec.tags };
    assert.deepEqual(manifests, JSON.parse(JSON.stringify([nodeClass, seedNodePoolWithAdditions()])));
  });

  it("exits non-zero and names each bad field of a config file", () => {
    const dir = tempDir("bad-");
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
