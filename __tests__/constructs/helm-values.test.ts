/**
 * Helm reads chart values as YAML 1.1: the values the module writes must read back, under YAML
 * 1.1 rules, as exactly the object the module meant. modules/core/helm-values.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parse } from "yaml";
import { parseConfig } from "../../modules/config/parse.js";
import { toValuesYaml } from "../../modules/core/helm-values.js";
import { buildStacks } from "../../modules/stacks/app.js";
import { configInput, newApp, ofType, synthOf } from "../helpers.js";

/** Strings YAML 1.1 reads as something else when unquoted: booleans, numbers, null, a merge key, a timestamp. */
const YAML_11_SPECIAL = ["yes", "no", "on", "off", "y", "n", "Y", "NO", "True", "1_000", "0b101", "0x1F", "017", "1:20", "~", "null", "<<", "2001-12-14", ".5", "+1", "=", "-"];

const read11 = (text: string) => parse(text, { version: "1.1", merge: true });

describe("Helm values are read by YAML 1.1 as written", () => {
  it("writes every string and key so that YAML 1.1 reads the same object (generated objects)", () => {
    const text = fc.oneof(fc.constantFrom(...YAML_11_SPECIAL), fc.string());
    // The configuration refuses __proto__ keys (config/document.ts); JavaScript would not keep them as data.
    const key = text.filter((k) => k !== "__proto__");
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(key, tie("node"), { maxKeys: 3, noNullPrototype: true })),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 4, noNullPrototype: true }), (values) => {
        assert.deepEqual(read11(toValuesYaml(values)), values);
      }),
      { seed: 20261207, numRuns: 300 },
    );
  });

  it("keeps a toleration's value \"yes\" a string in the GPU Operator values (it would become true unquoted)", () => {
    const config = parseConfig(
      configInput({
        nodePools: [{ name: "gpu-workloads", nodeClass: "gpu-nodeclass", limits: { cpu: 1000 }, taints: [{ key: "dedicated", value: "yes", effect: "NoSchedule" }] }],
        karpenter: { additionalValues: { podLabels: { enabled: "on", count: "1_000" } } },
      }),
    );
    const releases = Object.values(ofType(synthOf(buildStacks(newApp(), config).charts).resource, "helm_release")).filter((r) => Array.isArray(r.values));
    assert.ok(releases.length >= 2, "the Karpenter and GPU Operator releases have values");
    for (const release of releases) {
      const values = (release.values as string[])[0];
      assert.deepEqual(read11(values), parse(values), `${String(release.name)}: YAML 1.1 and 1.2 read the same values`);
    }
    const operator = releases.find((r) => r.chart === "gpu-operator")!;
    const tolerations = read11((operator.values as string[])[0]).daemonsets.tolerations as { key: string; value?: string }[];
    assert.deepEqual(tolerations.find((t) => t.key === "dedicated")?.value, "yes");
    const karpenter = read11((releases.find((r) => r.chart === "karpenter")!.values as string[])[0]);
    assert.deepEqual(karpenter.podLabels, { enabled: "on", count: "1_000" });
  });
});
