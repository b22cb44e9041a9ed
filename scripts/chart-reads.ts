/**
 * Lists the chart values a Helm chart's templates read: every `.Values.a.b.c` path in the files of
 * `<chart>/templates/`, one per line, sorted. The output is a fact list kept next to the chart's
 * values.yaml in charts/<chart>-<version>/template-reads.txt; `npm run gen` builds the allowed
 * `additionalValues` keys from both (a path read here as a whole takes any keys below it).
 *
 * Reads a chart folder of an upstream checkout at the pinned tag, for example:
 *   tsx scripts/chart-reads.ts <karpenter-provider-aws checkout>/charts/karpenter > charts/karpenter-1.14.1/template-reads.txt
 * (a git checkout, or `git archive <tag> <path> | tar -x`).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const chartDir = process.argv[2];
if (!chartDir) {
  process.stderr.write("usage: tsx scripts/chart-reads.ts <chart folder>\n");
  process.exit(2);
}
const paths = new Set<string>();
const templates = join(chartDir, "templates");
for (const file of readdirSync(templates, { recursive: true, withFileTypes: true })) {
  if (!file.isFile()) continue;
  const text = readFileSync(join(file.parentPath, file.name), "utf8");
  for (const m of text.matchAll(/\.Values((?:\.[A-Za-z0-9_-]+)+)/g)) paths.add(m[1].slice(1));
}
process.stdout.write([...paths].sort().join("\n") + "\n");
