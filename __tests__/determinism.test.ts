/** Two synths of the same configuration give byte-identical output, so plans and reviews never show noise. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { ROOT, runApp } from "./helpers.js";

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
