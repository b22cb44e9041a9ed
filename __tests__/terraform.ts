/**
 * Running the real `terraform` CLI against the real hashicorp/aws provider in tests.
 *
 * - Where the provider comes from is decided by scripts/terraform-provider.ts, the same code
 *   `.ci/run` logs: TF_PLUGIN_DIR if set, else the registry if it answers, else a local
 *   filesystem mirror. From a plugin dir, init runs offline and the aws version pin is relaxed
 *   to the newest version found there; from the registry, the pinned version is downloaded.
 * - If terraform or the provider cannot be had, the test FAILS and says what is missing. Set
 *   KARPENTER_GPU_SKIP_TERRAFORM=1 to skip on purpose; the skip is printed, never silent.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { awsVersionsIn, terraformProviderSource } from "../scripts/terraform-provider.js";
import { tempDir } from "./tmp.js";

const TF_ENV = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };

export interface ValidateResult {
  readonly valid: boolean;
  readonly diagnostics: readonly { severity: string; summary: string; detail?: string }[];
}

/** A scratch folder in which configurations are validated one after another, initialised once. */
export class TerraformWorkdir {
  /** The aws provider version validation runs against (the mirror's, or undefined = the pinned one). */
  public readonly awsVersion?: string;
  private readonly dir = tempDir("tf-");
  private readonly pluginDir?: string;
  private readonly source: string;
  private initialised = false;

  /** Returns undefined (and marks the test skipped, loudly) only when KARPENTER_GPU_SKIP_TERRAFORM=1. */
  public static open(t: TestContext): TerraformWorkdir | undefined {
    if (process.env.KARPENTER_GPU_SKIP_TERRAFORM === "1") {
      process.stderr.write("\n*** terraform tests SKIPPED on request (KARPENTER_GPU_SKIP_TERRAFORM=1) ***\n\n");
      t.skip("KARPENTER_GPU_SKIP_TERRAFORM=1");
      return undefined;
    }
    const version = spawnSync("terraform", ["version"], { env: TF_ENV, encoding: "utf8" });
    assert.equal(version.error, undefined, "terraform is not on PATH: install Terraform >= 1.10 to run this test (or set KARPENTER_GPU_SKIP_TERRAFORM=1 to skip it on purpose)");
    const source = terraformProviderSource();
    t.diagnostic(`terraform provider source: ${source.description}`);
    return new TerraformWorkdir(source.pluginDir, source.description);
  }

  private constructor(pluginDir: string | undefined, source: string) {
    this.pluginDir = pluginDir;
    this.source = source;
    if (pluginDir) {
      const versions = awsVersionsIn(pluginDir);
      assert.ok(versions.length > 0, `plugin dir ${pluginDir} holds no registry.terraform.io/hashicorp/aws/<version>: cannot validate against the real provider schema`);
      this.awsVersion = versions[versions.length - 1];
    }
  }

  /** Replaces the folder's configuration with `fileName` = `content` and runs `terraform validate -json`. */
  public validate(fileName: string, content: string): ValidateResult {
    for (const f of readdirSync(this.dir)) if (/\.tf(\.json)?$/.test(f)) rmSync(join(this.dir, f));
    writeFileSync(join(this.dir, fileName), content);
    if (!this.initialised) {
      const init = this.run(["init", "-input=false", "-backend=false", ...(this.pluginDir ? [`-plugin-dir=${this.pluginDir}`] : [])]);
      assert.equal(init.status, 0, `terraform init failed (provider source: ${this.source}). Give it registry access or a local mirror (TF_PLUGIN_DIR=<folder holding registry.terraform.io/hashicorp/aws/<version>/>):\n${init.stderr}${init.stdout}`);
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

