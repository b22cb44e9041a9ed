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
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { TestContext } from "node:test";
import { awsVersionsIn, terraformProviderSource } from "../scripts/terraform-provider.js";
import { tempDir } from "./tmp.js";

const TF_ENV = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };

export interface ValidateResult {
  readonly valid: boolean;
  readonly diagnostics: readonly { severity: string; summary: string; detail?: string; range?: { filename?: string } }[];
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
    this.replaceConfiguration({ [fileName]: content });
    this.init();
    const out = this.run(["validate", "-json"]);
    return JSON.parse(out.stdout) as ValidateResult;
  }

  /**
   * Validates several configurations with one `terraform validate`: each becomes a module of its
   * own (`<name>/main.tf.json`) called from the root, so the provider's schema is loaded once
   * instead of once per configuration (about 3 s each here). Returns each one's diagnostics.
   */
  public validateEach(configs: Readonly<Record<string, string>>): Record<string, ValidateResult> {
    const names = Object.keys(configs);
    for (const name of names) assert.match(name, /^[a-z][a-z0-9-]*$/, "module folder names are plain words");
    const files: Record<string, string> = { "main.tf.json": JSON.stringify({ module: Object.fromEntries(names.map((n) => [n, { source: `./${n}` }])) }) };
    for (const name of names) files[join(name, "main.tf.json")] = configs[name];
    this.replaceConfiguration(files);
    // Modules are installed by init: once per set of modules.
    this.initialised = false;
    this.init();
    const all = JSON.parse(this.run(["validate", "-json"]).stdout) as ValidateResult;
    return Object.fromEntries(
      names.map((n) => {
        // A diagnostic without a file (a provider or init problem) belongs to every configuration.
        const diagnostics = all.diagnostics.filter((d) => d.range?.filename === undefined || d.range.filename.startsWith(`${n}/`));
        return [n, { valid: !diagnostics.some((d) => d.severity === "error"), diagnostics }];
      }),
    );
  }

  /**
   * Runs several `terraform test` scenarios with one `terraform test -json`: each configuration
   * becomes a module folder of its own (`<name>/`), each scenario's runs test it (`module {
   * source = "./<name>" }` is added to every run block) in `tests/<name>.tftest.hcl`. One init and
   * one Terraform process instead of one of each per scenario (about 5 s each here). Returns each
   * scenario's outcome and its own messages and diagnostics.
   */
  public testEach(scenarios: Readonly<Record<string, { readonly config: string; readonly tests: string }>>): Record<string, { passed: boolean; runsPassed: number; output: string }> {
    const names = Object.keys(scenarios);
    for (const name of names) assert.match(name, /^[a-z][a-z0-9-]*$/, "module folder names are plain words");
    // The root only declares the provider, so init installs it (and finds the modules the tests name).
    const required = JSON.parse(scenarios[names[0]].config).terraform.required_providers;
    const files: Record<string, string> = { "main.tf.json": JSON.stringify({ terraform: { required_providers: required } }) };
    for (const name of names) files[join(name, "main.tf.json")] = scenarios[name].config;
    this.replaceConfiguration(files);
    const testsDir = join(this.dir, "tests");
    rmSync(testsDir, { recursive: true, force: true });
    mkdirSync(testsDir);
    for (const name of names) {
      const tests = scenarios[name].tests.replace(/^(run "[^"]+" \{\n)/gm, `$1  module {\n    source = "./${name}"\n  }\n`);
      writeFileSync(join(testsDir, `${name}.tftest.hcl`), tests);
    }
    this.initialised = false;
    this.init();
    const out = this.run(["test", "-json", "-no-color"]);
    const lines = out.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { type: string; "@message": string; "@testfile"?: string; "@testrun"?: string; diagnostic?: { summary: string; detail?: string } });
    return Object.fromEntries(
      names.map((name) => {
        const own = lines.filter((l) => l["@testfile"] === `tests/${name}.tftest.hcl`);
        const text = own.map((l) => `${l["@testrun"] ? `[${l["@testrun"]}] ` : ""}${l["@message"]}${l.diagnostic?.detail ? `: ${l.diagnostic.detail}` : ""}`).join("\n");
        const passed = own.some((l) => l.type === "test_file" && l["@message"].endsWith("... pass"));
        const runsPassed = own.filter((l) => l.type === "test_run" && l["@message"].endsWith("... pass")).length;
        return [name, { passed, runsPassed, output: passed ? text : `${text}\n${out.stderr}` }];
      }),
    );
  }

  /** Removes the folder's configuration files (and module folders) and writes `files` (path → text). */
  private replaceConfiguration(files: Readonly<Record<string, string>>): void {
    for (const f of readdirSync(this.dir)) {
      if (/\.tf(\.json)?$/.test(f)) rmSync(join(this.dir, f));
      else if (f !== ".terraform" && f !== ".terraform.lock.hcl" && f !== "tests" && statSync(join(this.dir, f)).isDirectory()) rmSync(join(this.dir, f), { recursive: true });
    }
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(this.dir, path)), { recursive: true });
      writeFileSync(join(this.dir, path), text);
    }
  }

  private init(): void {
    if (this.initialised) return;
    const init = this.run(["init", "-input=false", "-backend=false", ...(this.pluginDir ? [`-plugin-dir=${this.pluginDir}`] : [])]);
    assert.equal(init.status, 0, `terraform init failed (provider source: ${this.source}). Give it registry access or a local mirror (TF_PLUGIN_DIR=<folder holding registry.terraform.io/hashicorp/aws/<version>/>):\n${init.stderr}${init.stdout}`);
    this.initialised = true;
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
 * provider and Terraform's built-ins (`terraform_data`, `terraform_remote_state`) validate (no helm or kubernetes provider binaries here);
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
      if (!type.startsWith("aws_") && type !== "terraform_data" && type !== "terraform_remote_state") {
        dropped.push(type);
        delete copy[section][type];
      }
    }
    if (copy[section] && Object.keys(copy[section]).length === 0) delete copy[section];
  }
  // Import blocks of dropped resources (the adopted Helm releases) go with them.
  if (Array.isArray(copy.import)) {
    copy.import = copy.import.filter((block: { to: string }) => !dropped.some((type) => block.to.startsWith(`${type}.`)));
    if (copy.import.length === 0) delete copy.import;
  }
  for (const [name, output] of Object.entries(copy.output ?? {})) {
    if (dropped.some((type) => JSON.stringify(output).includes(`${type}.`))) delete copy.output[name];
  }
  return copy;
}

