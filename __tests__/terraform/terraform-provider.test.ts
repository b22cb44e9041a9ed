/** The provider discovery that `npm test` and `.ci/run` share (scripts/terraform-provider.ts). */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { awsVersionsIn, findProviderMirror } from "../../scripts/terraform-provider.js";
import { ROOT, tempDir } from "../helpers.js";

/** A plugin dir holding the given hashicorp/aws versions. */
function fakeMirror(parent: string, versions: string[]): string {
  for (const v of versions) mkdirSync(join(parent, "registry.terraform.io", "hashicorp", "aws", v, "linux_amd64"), { recursive: true });
  return parent;
}

const script = (env: Record<string, string>) =>
  spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "terraform-provider.ts")], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });

describe("terraform provider discovery", () => {
  it("finds a mirror in Terraform's implied terraform.d/plugins folder of the working directory", () => {
    const project = tempDir("project-");
    const plugins = fakeMirror(join(project, "terraform.d", "plugins"), ["5.100.0"]);
    assert.equal(findProviderMirror(project), plugins);
  });

  it("picks the newest aws version of a mirror, comparing numerically (5.100.0 after 5.9.0)", () => {
    const dir = fakeMirror(tempDir("plugins-"), ["5.9.0", "5.100.0", "5.10.1"]);
    assert.deepEqual(awsVersionsIn(dir), ["5.9.0", "5.10.1", "5.100.0"]);
    assert.deepEqual(awsVersionsIn(tempDir("empty-")), []);
  });

  it("lets TF_PLUGIN_DIR override everything, and prints the choice for CI's log", () => {
    const run = script({ TF_PLUGIN_DIR: "/nonexistent/plugins" });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, "terraform provider source: plugin dir /nonexistent/plugins (TF_PLUGIN_DIR)\n");
  });
});
