/**
 * Running the real `terraform` CLI against the real hashicorp/aws provider in tests.
 *
 * - With TF_PLUGIN_DIR (a folder holding registry.terraform.io/hashicorp/aws/<version>/...),
 *   init runs offline from it and the aws version pin is relaxed to the version found there.
 * - Without it, a plain `terraform init` downloads the pinned provider (a machine with network).
 * - If terraform or the provider cannot be had, the test FAILS and says what is missing. Set
 *   KARPENTER_GPU_SKIP_TERRAFORM=1 to skip on purpose; the skip is printed, never silent.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";

const TF_ENV = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };

export interface ValidateResult {
  readonly valid: boolean;
  readonly diagnostics: readonly { severity: string; summary: string; detail?: string }[];
}

/** A scratch folder in which configurations are validated one after another, initialised once. */
export class TerraformWorkdir {
  /** The aws provider version validation runs against (the mirror's, or undefined = the pinned one). */
  public readonly awsVersion?: string;
  private readonly dir = mkdtempSync(join(tmpdir(), "kgpu-tf-"));
  private readonly pluginDir?: string;
  private initialised = false;

  /** Returns undefined (and marks the test skipped, loudly) only when KARPENTER_GPU_SKIP_TERRAFORM=1. */
  public static open(t: TestContext): TerraformWorkdir | undefined {
    if (process.env.KARPENTER_GPU_SKIP_TERRAFORM === "1") {
      process.stderr.write("\n*** terraform tests SKIPPED on request (KARPENTER_GPU_SKIP_TERRAFORM=1) ***\n\n");
      t.skip("KARPENTER_GPU_SKIP_TERRAFORM=1");
      return undefined;
    }
    const version = spawnSync("terraform", ["version"], { env: TF_ENV, encoding: "utf8" });
    assert.equal(version.error, undefined, "terraform is not on PATH: install Terraform >= 1.5 to run this test (or set KARPENTER_GPU_SKIP_TERRAFORM=1 to skip it on purpose)");
    return new TerraformWorkdir(process.env.TF_PLUGIN_DIR);
  }

  private constructor(pluginDir: string | undefined) {
    this.pluginDir = pluginDir;
    if (pluginDir) {
      const dir = join(pluginDir, "registry.terraform.io", "hashicorp", "aws");
      assert.ok(existsSync(dir), `TF_PLUGIN_DIR=${pluginDir} holds no registry.terraform.io/hashicorp/aws: cannot validate against the real provider schema`);
      const versions = readdirSync(dir).sort();
      assert.ok(versions.length > 0, `${dir} holds no provider version`);
      this.awsVersion = versions[versions.length - 1];
    }
  }

  /** Replaces the folder's configuration with `fileName` = `content` and runs `terraform validate -json`. */
  public validate(fileName: string, content: string): ValidateResult {
    for (const f of readdirSync(this.dir)) if (/\.tf(\.json)?$/.test(f)) rmSync(join(this.dir, f));
    writeFileSync(join(this.dir, fileName), content);
    if (!this.initialised) {
      const init = this.run(["init", "-input=false", "-backend=false", ...(this.pluginDir ? [`-plugin-dir=${this.pluginDir}`] : [])]);
      assert.equal(init.status, 0, `terraform init failed (${this.pluginDir ? `plugin dir ${this.pluginDir}` : "no TF_PLUGIN_DIR: needs network to the Terraform registry"}):\n${init.stderr}${init.stdout}`);
      this.initialised = true;
    }
    const out = this.run(["validate", "-json"]);
    return JSON.parse(out.stdout) as ValidateResult;
  }

  /**
   * Replaces the folder's configuration with `config` (Terraform JSON) and its tests with
   * `tests` (file name → `.tftest.hcl` text), and runs `terraform test`. With a
   * `mock_provider "aws"` block the test plans and applies offline against the real provider's
   * schema: every expression, check and precondition is evaluated.
   */
  public test(config: string, tests: Readonly<Record<string, string>>): { passed: boolean; output: string } {
    this.validate("main.tf.json", config);
    const testsDir = join(this.dir, "tests");
    rmSync(testsDir, { recursive: true, force: true });
    mkdirSync(testsDir);
    for (const [name, text] of Object.entries(tests)) writeFileSync(join(testsDir, name), text);
    const out = this.run(["test", "-no-color"]);
    return { passed: out.status === 0, output: `${out.stdout}${out.stderr}` };
  }

  private run(args: string[]) {
    return spawnSync("terraform", args, { cwd: this.dir, env: TF_ENV, encoding: "utf8" });
  }
}

/** The errors of a validation, for assertions that print them. */
export function errorsOf(result: ValidateResult) {
  return result.diagnostics.filter((d) => d.severity === "error");
}

/**
 * Rewrites a synthesized stack for offline validation: no backend, and only what the AWS
 * provider and Terraform's built-ins validate (no helm or kubernetes provider binaries here);
 * the aws pin is relaxed to what is installed. Check blocks stay.
 */
export function forValidation(stackJson: Record<string, any>, awsVersion: string | undefined): Record<string, any> {
  const copy = structuredClone(stackJson);
  delete copy.terraform.backend;
  copy.terraform.required_providers = {
    aws: { source: "hashicorp/aws", version: awsVersion ?? copy.terraform.required_providers.aws.version },
  };
  for (const name of Object.keys(copy.provider ?? {})) if (name !== "aws") delete copy.provider[name];
  const dropped: string[] = [];
  for (const section of ["resource", "data"]) {
    for (const type of Object.keys(copy[section] ?? {})) {
      if (!type.startsWith("aws_") && type !== "terraform_data") {
        dropped.push(type);
        delete copy[section][type];
      }
    }
    if (copy[section] && Object.keys(copy[section]).length === 0) delete copy[section];
  }
  for (const [name, output] of Object.entries(copy.output ?? {})) {
    if (dropped.some((type) => JSON.stringify(output).includes(`${type}.`))) delete copy.output[name];
  }
  return copy;
}

