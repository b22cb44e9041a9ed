/**
 * Where `terraform init` gets the hashicorp/aws provider from, for the tests and for `.ci/run`.
 * One piece of code, so the README's `npm test` and CI make the same choice:
 *
 * 1. `TF_PLUGIN_DIR` set: that folder (`terraform init -plugin-dir=...`), nothing else is tried.
 * 2. The Terraform registry answers: the registry (undefined), so the pinned version is used.
 * 3. A filesystem mirror holding `registry.terraform.io/hashicorp/aws/<version>/`: its parent
 *    folder, the plugin dir. Looked for in Terraform's implied local mirror directories and, like
 *    `find / -maxdepth 3 -type d -name registry.terraform.io`, in every folder up to two levels
 *    below the filesystem root.
 * 4. Otherwise undefined: `terraform init` will try the registry and its error says why it failed.
 *
 * `node --import tsx scripts/terraform-provider.ts` prints the choice (CI logs it).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join, parse } from "node:path";
import { isEntryPoint } from "../cli/entry-point.js";

export const TERRAFORM_REGISTRY = "registry.terraform.io";

/** Where the provider comes from, and why. */
export interface TerraformProviderSource {
  /** The plugin dir for `terraform init -plugin-dir`, or undefined for the registry. */
  readonly pluginDir?: string;
  /** One line for logs. */
  readonly description: string;
}

/** The aws provider versions a plugin dir holds, oldest first. */
export function awsVersionsIn(pluginDir: string): string[] {
  const dir = join(pluginDir, TERRAFORM_REGISTRY, "hashicorp", "aws");
  return existsSync(dir) ? readdirSync(dir).sort(compareVersions) : [];
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return a.localeCompare(b);
}

/**
 * Terraform's implied local mirror directories (CLI configuration docs, "Implied Local Mirror
 * Directories"), for Linux and macOS, relative to `cwd` where the docs say so.
 */
export function impliedMirrorDirs(cwd = process.cwd()): string[] {
  const home = homedir();
  const dataHome = process.env.XDG_DATA_HOME || join(home, ".local", "share");
  const dataDirs = (process.env.XDG_DATA_DIRS || "/usr/local/share:/usr/share").split(":").filter(Boolean);
  return [
    join(cwd, "terraform.d", "plugins"),
    join(home, ".terraform.d", "plugins"),
    join(dataHome, "terraform", "plugins"),
    ...dataDirs.map((d) => join(d, "terraform", "plugins")),
    join(home, "Library", "Application Support", "io.terraform", "plugins"),
    join("/Library", "Application Support", "io.terraform", "plugins"),
  ];
}

const SKIP_AT_ROOT = new Set(["proc", "sys", "dev", "run"]);

/** Folders at most `depth` levels below the filesystem root (the root itself included). */
function foldersBelowRoot(depth: number): string[] {
  const root = parse(process.cwd()).root;
  const found = [root];
  let level = [root];
  for (let d = 0; d < depth; d++) {
    const next: string[] = [];
    for (const dir of level) {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue; // unreadable: not ours to search
      }
      for (const e of entries) {
        if (!e.isDirectory() || (dir === root && SKIP_AT_ROOT.has(e.name))) continue;
        next.push(join(dir, e.name));
      }
    }
    found.push(...next);
    level = next;
  }
  return found;
}

/** The first plugin dir (implied mirror dirs first, then a bounded search) holding hashicorp/aws. */
export function findProviderMirror(cwd = process.cwd()): string | undefined {
  for (const dir of [...impliedMirrorDirs(cwd), ...foldersBelowRoot(2)]) {
    if (awsVersionsIn(dir).length > 0) return dir;
  }
  return undefined;
}

/** Whether the Terraform registry's discovery document answers within `timeoutMs`. */
export function registryReachable(timeoutMs = 5000): boolean {
  const probe = `fetch("https://${TERRAFORM_REGISTRY}/.well-known/terraform.json", { signal: AbortSignal.timeout(${timeoutMs}) })
    .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));`;
  const run = spawnSync(process.execPath, ["-e", probe], { stdio: "ignore", timeout: timeoutMs + 2000 });
  return run.status === 0;
}

/** Where `terraform init` should get the aws provider from (see the module comment for the order). */
export function terraformProviderSource(): TerraformProviderSource {
  const fromEnv = process.env.TF_PLUGIN_DIR;
  if (fromEnv) return { pluginDir: fromEnv, description: `plugin dir ${fromEnv} (TF_PLUGIN_DIR)` };
  if (registryReachable()) return { description: `the Terraform registry (${TERRAFORM_REGISTRY} answers)` };
  const mirror = findProviderMirror();
  if (mirror) {
    return { pluginDir: mirror, description: `local mirror ${mirror} (hashicorp/aws ${awsVersionsIn(mirror).join(", ")}; ${TERRAFORM_REGISTRY} unreachable)` };
  }
  return { description: `none: ${TERRAFORM_REGISTRY} unreachable and no local mirror of hashicorp/aws found (set TF_PLUGIN_DIR)` };
}

/** The plugin dir for `terraform init -plugin-dir`, or undefined to use the registry. */
export function findTerraformPluginDir(): string | undefined {
  return terraformProviderSource().pluginDir;
}

if (isEntryPoint(import.meta.url)) {
  process.stdout.write(`terraform provider source: ${terraformProviderSource().description}\n`);
}
