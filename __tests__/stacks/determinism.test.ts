/**
 * Two synths of the same configuration give byte-identical output, so plans and reviews never show
 * noise, whichever folder the project is checked out in; local state stays out of the output.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { localStatePath } from "../../modules/stacks/backend.js";
import { ROOT, runApp, tempDir, withoutConfigVariable } from "../helpers.js";

/** Every file under a folder, by relative path, with its bytes. */
function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return files;
}

describe("deterministic output", () => {
  for (const example of ["default.yaml", "spot-training-on-demand-inference.yaml"]) {
    it(`two synths of examples/${example} are byte-identical`, () => {
      const env = { KARPENTER_GPU_CONFIG: join(ROOT, "examples", example) };
      const [a, b] = [runApp(env), runApp(env)];
      assert.equal(a.status, 0, a.stderr);
      assert.equal(b.status, 0, b.stderr);
      const [ta, tb] = [tree(a.outdir), tree(b.outdir)];
      assert.deepEqual([...ta.keys()].sort(), [...tb.keys()].sort());
      assert.ok([...ta.keys()].filter((f) => f.endsWith("cdk.tf.json")).length === 3, "three stacks compared");
      for (const [file, bytes] of ta) assert.ok(bytes.equals(tb.get(file)!), `${file} differs between two synths`);
    });
  }
});

/** A copy of the app (sources, examples, the installed node_modules) in `dir`, synthesized there as `npm run synth` does. */
function synthIn(dir: string) {
  mkdirSync(dir, { recursive: true });
  for (const f of ["main.ts", "package.json", "cdktf.json", "tsconfig.json", "modules", ".gen", "examples"]) cpSync(join(ROOT, f), join(dir, f), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  const env: NodeJS.ProcessEnv = withoutConfigVariable();
  delete env.CDKTF_OUTDIR;
  const run = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], { cwd: dir, env, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return join(dir, "cdktf.out");
}

describe("output independent of the checkout folder", () => {
  it("synthesizes byte-identical files from two folders, with no trace of either path", () => {
    const base = tempDir("checkouts-");
    const [dirA, dirB] = [join(base, "alice", "karpenter-gpu"), join(base, "bob-ci", "work", "repo")];
    const [ta, tb] = [tree(synthIn(dirA)), tree(synthIn(dirB))];
    assert.deepEqual([...ta.keys()].sort(), [...tb.keys()].sort());
    assert.equal([...ta.keys()].filter((f) => f.endsWith("cdk.tf.json")).length, 3, "three stacks compared");
    for (const [file, bytes] of ta) {
      assert.ok(bytes.equals(tb.get(file)!), `${file} differs between checkouts in two folders`);
      assert.ok(!bytes.toString().includes(base), `${file} contains the checkout path`);
    }
    const aws = JSON.parse(ta.get(join("stacks", "prod-cluster-aws", "cdk.tf.json"))!.toString());
    assert.deepEqual(aws.terraform.backend, { local: { path: "../../../terraform.prod-cluster-aws.tfstate" } });
  });

  it("Terraform keeps local state beside the output folder, not in it, so a re-synth or `rm -rf cdktf.out` keeps it", (t) => {
    if (spawnSync("terraform", ["version"]).error) {
      assert.equal(process.env.KARPENTER_GPU_SKIP_TERRAFORM, "1", "terraform is not on PATH (set KARPENTER_GPU_SKIP_TERRAFORM=1 to skip on purpose)");
      return t.skip("KARPENTER_GPU_SKIP_TERRAFORM=1");
    }
    const project = tempDir("project-");
    const stackDir = join(project, "cdktf.out", "stacks", "demo");
    mkdirSync(stackDir, { recursive: true });
    // The stack's backend block as synthesized, and an output: no provider needed, so this runs offline.
    const config = { terraform: { backend: { local: { path: localStatePath("demo") } } }, output: { answer: { value: 42 } } };
    writeFileSync(join(stackDir, "main.tf.json"), JSON.stringify(config));
    const env = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
    for (const args of [["init", "-input=false"], ["apply", "-auto-approve", "-input=false"]]) {
      const run = spawnSync("terraform", args, { cwd: stackDir, env, encoding: "utf8" });
      assert.equal(run.status, 0, `terraform ${args[0]}: ${run.stderr}${run.stdout}`);
    }
    const state = resolve(stackDir, localStatePath("demo"));
    assert.equal(state, join(project, "terraform.demo.tfstate"));
    assert.equal(JSON.parse(readFileSync(state, "utf8")).outputs.answer.value, 42);
    assert.ok(!readdirSync(stackDir).some((f) => f.endsWith(".tfstate")), "no state inside the output folder");
    assert.ok(existsSync(state));
  });
});
