/** The examples a user copies: the two-pool config, and a consumer app that installs the packed package. */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { ROOT, runApp } from "./helpers.js";

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
    assert.match(release.values[0], /key: workload\n\s+operator: Equal\n\s+value: training/);
  });
});

describe("examples/consumer (installed from `npm pack`)", () => {
  it("type-checks against the packed .d.ts files and synthesizes its own stacks from the constructs", () => {
    const work = mkdtempSync(join(tmpdir(), "kgpu-consumer-"));
    // What a stranger gets: the tarball npm would publish (prepack builds dist/).
    const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
    const files = (packed[0].files as { path: string }[]).map((f) => f.path);
    assert.ok(files.includes("dist/modules/index.js") && files.includes("dist/modules/index.d.ts"), "the package ships JS and type declarations");
    assert.ok(files.includes("LICENSE") && files.includes("README.md"));
    assert.ok(files.includes("dist/.gen/karpenter/validators.js") && files.includes("dist/.gen/karpenter/nodepool.d.ts"), "the package ships the code generated from the CRDs");
    assert.deepEqual(files.filter((f) => f.startsWith("__tests__") || f.startsWith("modules/") || f === "main.ts"), [], "no sources or tests in the package");

    const app = join(work, "app");
    const pkgDir = join(app, "node_modules", "karpenter-gpu");
    mkdirSync(pkgDir, { recursive: true });
    execFileSync("tar", ["-xzf", join(work, packed[0].filename), "-C", pkgDir, "--strip-components=1"]);
    // The package's dependencies and peers, as npm would install them beside it.
    for (const dep of ["cdktf", "constructs", "@cdktf", "@marcbachmann", "ajv", "yaml", "zod"]) {
      mkdirSync(dirname(join(app, "node_modules", dep)), { recursive: true });
      symlinkSync(join(ROOT, "node_modules", dep), join(app, "node_modules", dep));
    }
    for (const file of ["main.ts", "package.json", "tsconfig.json"]) copyFileSync(join(ROOT, "examples", "consumer", file), join(app, file));

    // The package's `karpenter-gpu` command runs from the tarball too.
    const bin = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).bin["karpenter-gpu"];
    const capacity = spawnSync(process.execPath, [join(pkgDir, bin), "capacity", "--config", join(ROOT, "examples", "default.yaml")], { encoding: "utf8" });
    assert.equal(capacity.status, 0, capacity.stderr);
    assert.match(capacity.stdout, /^GPU capacity for cluster prod-cluster/);

    const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: app, encoding: "utf8" });
    assert.equal(tsc.status, 0, `consumer does not type-check against the package:\n${tsc.stdout}${tsc.stderr}`);

    const outdir = join(work, "out");
    const tsx = fileURLToPath(import.meta.resolve("tsx"));
    const synth = spawnSync(process.execPath, ["--import", tsx, "main.ts"], { cwd: app, encoding: "utf8", env: { ...process.env, CDKTF_OUTDIR: outdir } });
    assert.equal(synth.status, 0, synth.stderr);
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
    assert.deepEqual(Object.keys(manifest.stacks), ["gpu-platform-iam", "gpu-platform-pools"]);
    const iam = readStack(outdir, "gpu-platform-iam");
    assert.equal(Object.keys(iam.resource.aws_iam_policy).length, 5, "no ZonalShift policy unless zonal shift is on");
    assert.ok(iam.output.controllerRoleArn);
    const pools = Object.values(readStack(outdir, "gpu-platform-pools").resource.kubernetes_manifest).map((m: any) => m.manifest);
    assert.deepEqual(pools.map((m) => `${m.kind}/${m.metadata.name}/${m.spec.role ?? m.spec.limits?.["nvidia.com/gpu"]}`), [
      "EC2NodeClass/inference/KarpenterNodeRole-ml-cluster",
      "NodePool/inference/16",
    ]);
  });
});
