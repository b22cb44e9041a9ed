/** The examples a user copies: the two-pool config, and a consumer app that installs the packed package. */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, lstatSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ROOT, runApp, tempDir, withoutConfigVariable } from "../helpers.js";
import { errorsOf, forValidation, TerraformWorkdir } from "../terraform.js";

const readStack = (outdir: string, stack: string) => JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));

describe("examples/spot-training-on-demand-inference.yaml", () => {
  const run = runApp({ KARPENTER_GPU_CONFIG: join(ROOT, "examples", "spot-training-on-demand-inference.yaml") });

  it("synthesizes a spot training pool and an on-demand inference pool", () => {
    assert.equal(run.status, 0, run.stderr);
    const manifests = Object.values(readStack(run.outdir, "prod-cluster-nodepools").resource.kubernetes_manifest).map((m: any) => m.manifest);
    const pools = Object.fromEntries(manifests.filter((m) => m.kind === "NodePool").map((m) => [m.metadata.name, m.spec]));
    assert.deepEqual(Object.keys(pools).sort(), ["gpu-inference", "gpu-training-spot"]);
    const capacity = (spec: any) => spec.template.spec.requirements.find((r: any) => r.key === "karpenter.sh/capacity-type").values;
    assert.deepEqual(capacity(pools["gpu-training-spot"]), ["spot"]);
    assert.deepEqual(capacity(pools["gpu-inference"]), ["on-demand"]);
  });

  it("keeps Karpenter from voluntarily disrupting busy training nodes", () => {
    const manifests = Object.values(readStack(run.outdir, "prod-cluster-nodepools").resource.kubernetes_manifest).map((m: any) => m.manifest);
    const training = manifests.find((m) => m.metadata.name === "gpu-training-spot").spec;
    assert.equal(training.disruption.consolidationPolicy, "WhenEmpty");
    assert.deepEqual(training.disruption.budgets[0], { nodes: "0", reasons: ["Underutilized", "Drifted"] });
    assert.ok(training.weight > manifests.find((m) => m.metadata.name === "gpu-inference").spec.weight);
  });

  it("tolerates both pools' taints in the GPU Operator", () => {
    const release = Object.values(readStack(run.outdir, "prod-cluster-charts").resource.helm_release).find((r: any) => r.chart === "gpu-operator") as any;
    assert.match(release.values[0], /"key": "workload"\n\s+"operator": "Equal"\n\s+"value": "training"/);
  });
});

describe("examples/consumer, from a fresh copy, with the commands of its README", () => {
  it("packs karpenter-gpu, installs the tarball (not a symlink), type-checks against its .d.ts files, synthesizes with token subnets, and validates", async (t) => {
    // A copy of the repository as a clone has it (tracked and new files, nothing git ignores), in a
    // folder of its own, so nothing is built or installed in this checkout. The README's
    // precondition, `npm ci` in the root, is the installed node_modules, linked.
    const clone = join(tempDir("consumer-"), "karpenter-gpu");
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
    for (const f of files) if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(clone, f));
    symlinkSync(join(ROOT, "node_modules"), join(clone, "node_modules"));

    const readme = readFileSync(join(clone, "examples", "consumer", "README.md"), "utf8");
    const commands = /```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    assert.ok(commands.includes("npm pack ../..") && commands.includes("npm run synth"), "the README gives the commands");
    const run = spawnSync("bash", ["-euo", "pipefail", "-c", commands], {
      cwd: clone,
      encoding: "utf8",
      env: { ...withoutConfigVariable(), CHECKPOINT_DISABLE: "1", npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" },
    });
    assert.equal(run.status, 0, `the consumer README's commands failed:\n${run.stdout}\n${run.stderr}`);

    const app = join(clone, "examples", "consumer");
    const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const tarball = `${root.name}-${root.version}.tgz`;
    assert.equal(JSON.parse(readFileSync(join(app, "package.json"), "utf8")).dependencies["karpenter-gpu"], `file:${tarball}`, "the example depends on the tarball `npm pack` writes for this version");
    const pkgDir = join(app, "node_modules", "karpenter-gpu");
    assert.ok(!lstatSync(pkgDir).isSymbolicLink(), "karpenter-gpu is installed as a copy, not a symlink to the repository");

    // What a stranger gets: the tarball npm would publish.
    const packed = execFileSync("tar", ["-tzf", join(app, tarball)], { encoding: "utf8" }).split("\n").filter(Boolean).map((f) => f.replace(/^package\//, ""));
    assert.ok(packed.includes("dist/modules/index.js") && packed.includes("dist/modules/index.d.ts"), "the package ships JS and type declarations");
    assert.ok(packed.includes("LICENSE") && packed.includes("README.md"));
    assert.ok(packed.includes("dist/.gen/karpenter/validators.js") && packed.includes("dist/.gen/karpenter/nodepool.d.ts"), "the package ships the code generated from the CRDs");
    assert.ok(packed.includes("schema/karpenter-gpu.schema.json") && packed.includes("docs/configuration.md"), "the package ships the configuration's JSON Schema and reference");
    assert.deepEqual(packed.filter((f) => f.startsWith("__tests__") || f.startsWith("modules/") || f === "main.ts"), [], "no sources or tests in the package");

    // The package's `karpenter-gpu` command runs from the installed copy.
    const capacity = spawnSync(join(app, "node_modules", ".bin", "karpenter-gpu"), ["capacity", "--config", join(ROOT, "examples", "default.yaml")], { encoding: "utf8" });
    assert.equal(capacity.status, 0, capacity.stderr);
    assert.match(capacity.stdout, /^GPU capacity for cluster prod-cluster/);

    const outdir = join(app, "cdktf.out");
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
    assert.deepEqual(Object.keys(manifest.stacks).sort(), ["gpu-platform-iam", "gpu-platform-network", "gpu-platform-pools"]);
    const iam = readStack(outdir, "gpu-platform-iam");
    // Token subnets and security group: tagged with for_each over what is known at plan, after each lookup.
    const tags = iam.resource.aws_ec2_tag as Record<string, any>;
    assert.deepEqual(Object.values(tags).map((tag) => tag.for_each).sort(), [
      "${toset([data.terraform_remote_state.cross-stack-reference-input-gpu-platform-network.outputs.cross-stack-output-dataaws_eks_clusterclustervpc_config0cluster_security_group_id])}",
      "${toset(data.aws_subnets.privateSubnets.ids)}",
    ]);
    const tf = TerraformWorkdir.open(t);
    if (tf) {
      const result = tf.validate("main.tf.json", JSON.stringify(forValidation(iam, tf.awsVersion)));
      assert.ok(result.valid, `terraform validate of gpu-platform-iam:\n${JSON.stringify(errorsOf(result), null, 2)}`);
    }
    assert.equal(Object.keys(iam.resource.aws_iam_policy).length, 5, "no ZonalShift policy unless zonal shift is on");
    assert.ok(iam.output.controllerRoleArn);
    assert.deepEqual(iam.terraform.backend, { local: { path: "../../../terraform.gpu-platform-iam.tfstate" } }, "state beside cdktf.out/, by a relative path");
    const pools = Object.values(readStack(outdir, "gpu-platform-pools").resource.kubernetes_manifest).map((m: any) => m.manifest);
    assert.deepEqual(pools.map((m) => `${m.kind}/${m.metadata.name}/${m.spec.role ?? m.spec.limits?.["nvidia.com/gpu"]}`), [
      "EC2NodeClass/inference/KarpenterNodeRole-ml-cluster-eu-west-1",
      "NodePool/inference/16",
    ]);

    await t.test("a CommonJS app (cdktf init's layout) requires the same installed package and synthesizes the same stacks, run by node or by tsx", () => {
      const cjs = join(app, "cjs");
      assert.match(readFileSync(join(cjs, "dist", "main.js"), "utf8"), /require\("karpenter-gpu"\)/, "tsc compiled the app to CommonJS");
      assert.doesNotMatch(run.stderr, /loading ES Module .* using require\(\)/, "no ExperimentalWarning for require() of an ES module");
      const viaTsx = spawnSync("npx", ["--no-install", "tsx", "main.ts"], { cwd: cjs, encoding: "utf8", env: { ...withoutConfigVariable(), CDKTF_OUTDIR: "cdktf.tsx.out" } });
      assert.equal(viaTsx.status, 0, viaTsx.stderr);
      const stackFiles = (dir: string) => Object.fromEntries(readdirSync(join(dir, "stacks")).map((stack) => [stack, readFileSync(join(dir, "stacks", stack, "cdk.tf.json"), "utf8")]));
      const esm = stackFiles(outdir);
      assert.deepEqual(stackFiles(join(cjs, "cdktf.out")), esm, "cjs/main.ts compiled by tsc writes what ../main.ts writes");
      assert.deepEqual(stackFiles(join(cjs, "cdktf.tsx.out")), esm, "cjs/main.ts run by tsx writes what ../main.ts writes");
    });
  });
});
