/**
 * The documentation holds together: every relative link of the README, the CHANGELOG, docs/ and
 * the examples' READMEs reaches a file that exists, and every `#anchor` a heading of that file
 * (GitHub's rules: lower case, punctuation dropped, spaces to `-`, `-1`, `-2` for repeats).
 * Pages move; a link left behind fails here instead of in a reader's browser.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { ROOT } from "../helpers.js";

/** The markdown files users read. */
function pages(): string[] {
  const out = [join(ROOT, "README.md"), join(ROOT, "CHANGELOG.md")];
  for (const f of readdirSync(join(ROOT, "docs"))) if (f.endsWith(".md")) out.push(join(ROOT, "docs", f));
  const walk = (dir: string): void => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (f === "node_modules" || f === "cdktf.out") continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith(".md")) out.push(p);
    }
  };
  walk(join(ROOT, "examples"));
  return out;
}

/** The text outside fenced code blocks. */
function prose(text: string): string {
  let inCode = false;
  return text
    .split("\n")
    .filter((line) => {
      if (/^\s*```/.test(line)) inCode = !inCode;
      return !inCode;
    })
    .join("\n");
}

/** A heading's anchor as GitHub writes it. */
export function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}_\- ]/gu, "").replace(/ /g, "-");
}

function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(readFileSync(file, "utf8")).matchAll(/^#{1,6} (.+)$/gm)) {
    const s = slug(m[1]);
    const n = seen.get(s) ?? 0;
    seen.set(s, n + 1);
    out.add(n === 0 ? s : `${s}-${n}`);
  }
  return out;
}

describe("documentation links", () => {
  it("GitHub's anchor rules, as this test applies them", () => {
    assert.equal(slug("Names, regions and existing IAM"), "names-regions-and-existing-iam");
    assert.equal(slug("`karpenter-gpu doctor`"), "karpenter-gpu-doctor");
    assert.equal(slug("`<clusterName>-aws`"), "clustername-aws");
  });

  it("every relative link reaches an existing file, and every anchor a heading of it", () => {
    const broken: string[] = [];
    const files = pages();
    assert.ok(files.length >= 15, `read ${files.length} pages`);
    for (const file of files) {
      for (const m of prose(readFileSync(file, "utf8")).matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
        const target = m[1];
        if (/^[a-z]+:/i.test(target)) continue;
        const [path, anchor] = target.split("#");
        const dest = path ? resolve(dirname(file), decodeURIComponent(path)) : file;
        const where = `${relative(ROOT, file)}: ${target}`;
        if (!existsSync(dest)) {
          broken.push(`${where} (no such file)`);
          continue;
        }
        if (anchor && dest.endsWith(".md") && !anchorsOf(dest).has(anchor)) broken.push(`${where} (no such heading)`);
      }
    }
    assert.deepEqual(broken, []);
  });
});
