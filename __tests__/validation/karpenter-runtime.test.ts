/**
 * Karpenter's runtime validation of a NodePool (RuntimeValidate, v1.14.1), which runs after the
 * CRD: a pool that fails it is stored, never becomes Ready and launches nothing. Template labels
 * on well-known keys narrow the pool like requirements.
 * modules/validation/karpenter-runtime.ts, modules/karpenter/labels.ts, modules/validation/launchability.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../modules/config/parse.js";
import { admittedInstanceTypes } from "../../modules/karpenter/efa.js";
import { buildGpuNodePool } from "../../modules/karpenter/node-pool-spec.js";
import { GpuNodePool } from "../../modules/nodepools/node-pool.js";
import { labelValueProblems, nodePoolRuntimeProblems, qualifiedNameProblems, requirementRuntimeProblems, restrictedLabelProblem } from "../../modules/validation/karpenter-runtime.js";
import { modelProblems } from "../../modules/validation/model.js";
import { configInput, configProblems, errorOf, synthStack } from "../helpers.js";

const pool = (extra: Record<string, unknown>) => configInput({ nodePools: [{ name: "gpu-workloads", nodeClass: "gpu-nodeclass", limits: { cpu: 1000 }, ...extra }] });
const problemsOf = (extra: Record<string, unknown>) => configProblems(() => parseConfig(pool(extra)));

describe("qualified names and label values, as apimachinery checks them", () => {
  it("accepts what Kubernetes accepts", () => {
    for (const name of ["a", "app.kubernetes.io/part-of", "example.com/gpu_class", "A-b.c_d", "x".repeat(63), `${"a".repeat(253)}/n`]) {
      assert.deepEqual(qualifiedNameProblems(name), [], name);
    }
    for (const value of ["", "a", "gpu-1.2_x", "Z".repeat(63)]) assert.deepEqual(labelValueProblems(value), [], value);
  });

  it("refuses what Kubernetes refuses, saying which part is wrong", () => {
    const cases: [string, RegExp][] = [
      ["", /must have a name/],
      ["x/y/z", /at most one '\/'/],
      ["/name", /empty prefix/],
      ["Example.com/name", /prefix that is not a DNS-1123 subdomain/],
      [`${"a".repeat(254)}/n`, /prefix of 254 characters; at most 253/],
      ["x".repeat(64), /name part of 64 characters; at most 63/],
      ["-gpu", /name part that is not alphanumeric/],
      ["bad key!", /name part that is not alphanumeric/],
    ];
    for (const [name, expected] of cases) assert.match(qualifiedNameProblems(name).join("; "), expected, name);
    assert.match(labelValueProblems("a/b").join(), /must be empty or alphanumeric/);
    assert.match(labelValueProblems("v".repeat(64)).join(), /64 characters long; a label value has at most 63/);
  });

  it("reserves Karpenter's domains and kubernetes.io/hostname, but not its well-known labels or other kubernetes.io labels", () => {
    for (const key of ["karpenter.sh/foo", "team.karpenter.sh/x", "karpenter.k8s.aws/ec2nodeclass", "kubernetes.io/hostname"]) assert.ok(restrictedLabelProblem(key), key);
    for (const key of ["karpenter.sh/capacity-type", "karpenter.k8s.aws/instance-family", "topology.k8s.aws/zone-id", "app.kubernetes.io/part-of", "node.kubernetes.io/pool", "notkarpenter.sh/x"]) {
      assert.equal(restrictedLabelProblem(key), undefined, key);
    }
  });
});

describe("NodePools Karpenter would refuse at runtime are refused at synth", () => {
  it("reports each label, taint and requirement problem at its config key, all in one run", () => {
    const longKey = "k".repeat(70);
    const problems = problemsOf({
      labels: { "app.kubernetes.io/part-of": "gpu", "bad key!": "x", "karpenter.k8s.aws/ec2nodeclass": "a", "x/y/z": "v" },
      taints: [
        { key: "a", value: "b/c", effect: "NoSchedule" },
        { key: longKey, effect: "NoSchedule" },
      ],
      requirements: [
        { key: "karpenter.k8s.aws/instance-tenancy", operator: "In", values: ["xdedicated"] },
        { key: "karpenter.k8s.aws/ec2nodeclass", operator: "Exists" },
        { key: `example.com/${"n".repeat(64)}`, operator: "Exists" },
      ],
    });
    const keys = problems.map((p) => p.slice(0, p.indexOf(": ")));
    assert.deepEqual(keys, [
      "nodePools[0].labels.bad key!",
      "nodePools[0].labels.karpenter.k8s.aws/ec2nodeclass",
      "nodePools[0].labels.x/y/z",
      "nodePools[0].taints[0].value",
      "nodePools[0].taints[1].key",
      "nodePools[0].requirements[0].values",
      "nodePools[0].requirements[1].key",
      "nodePools[0].requirements[2].key",
    ]);
    for (const p of problems) assert.match(p, /(Karpenter refuses the NodePool at runtime \(it never becomes Ready\)|so the node could not register)/);
    assert.match(problems[3], /taint value "b\/c" must not contain '\/'/);
    assert.match(problems[5], /no value Karpenter knows for karpenter.k8s.aws\/instance-tenancy \(dedicated, default\)/);
  });

  it("accepts a pool that only uses allowed labels, taints and requirements (the label domain kubernetes.io included)", () => {
    assert.deepEqual(
      problemsOf({
        labels: { "app.kubernetes.io/part-of": "gpu", "node.kubernetes.io/role": "gpu", team: "" },
        taints: [{ key: "example.com/gpu", value: "yes", effect: "NoSchedule" }, { key: "example.com/gpu", effect: "NoExecute" }],
        requirements: [{ key: "karpenter.k8s.aws/instance-tenancy", operator: "In", values: ["default", "xdedicated"] }],
      }),
      [],
    );
  });

  it("refuses the same key and effect across taints and startup taints, and the nodepool key as a requirement", () => {
    const model = buildGpuNodePool({ name: "p", nodeClassName: "c", cpuLimit: 8 });
    const spec = model.spec.template.spec as { startupTaints?: unknown[]; requirements: { key: string; operator: string; values?: string[] }[] };
    spec.startupTaints = [{ key: "sku", value: "other", effect: "NoSchedule" }];
    spec.requirements.push({ key: "karpenter.sh/nodepool", operator: "In", values: ["p"] });
    const problems = nodePoolRuntimeProblems(model as never).map((p) => `${p.path.join(".")}: ${p.message}`);
    assert.equal(problems.length, 2, problems.join("\n"));
    assert.match(problems[0], /^spec\.template\.spec\.startupTaints\.0: repeats the taint key "sku" with effect NoSchedule/);
    assert.match(problems[1], /requirements\.5\.key: "karpenter.sh\/nodepool" may not be required/);
  });

  it("checks Gt/Lt values as Go's strconv.Atoi reads them, and minValues against the known values", () => {
    assert.deepEqual(requirementRuntimeProblems({ key: "karpenter.k8s.aws/instance-cpu", operator: "Gt", values: ["8"] }), []);
    assert.match(requirementRuntimeProblems({ key: "karpenter.k8s.aws/instance-cpu", operator: "Gt", values: ["99999999999999999999"] })[0].problem, /single non-negative whole number/);
    assert.match(requirementRuntimeProblems({ key: "karpenter.k8s.aws/instance-cpu", operator: "Lt", values: ["1", "2"] })[0].problem, /single non-negative whole number/);
    const min = requirementRuntimeProblems({ key: "karpenter.k8s.aws/instance-tenancy", operator: "In", values: ["default", "x"], minValues: 2 });
    assert.deepEqual(min.map((p) => p.field), ["minValues"]);
  });

  it("refuses the same pool from GpuNodePool props, naming the props", () => {
    const error = errorOf(() =>
      synthStack((s) => new GpuNodePool(s, "p", { name: "p", nodeClassName: "c", cpuLimit: 100, labels: { "karpenter.sh/team": "a" }, taints: [{ key: "gpu", value: "a/b", effect: "NoSchedule" }] })),
    );
    assert.match(error, /spec\.template\.metadata\.labels\["karpenter\.sh\/team"\] \(labels\["karpenter\.sh\/team"\]\): label domain "karpenter.sh" is restricted/);
    assert.match(error, /spec\.template\.spec\.taints\[0\]\.value \(taints\[0\]\.value\): taint value "a\/b" must not contain '\/'/);
    assert.match(error, /does not pass Karpenter 1\.14\.1's validation \(its CRD, then the controller's runtime checks\)/);
  });

  it("does not report a field twice when the CRD already refuses it", () => {
    const model = buildGpuNodePool({ name: "p", nodeClassName: "c", cpuLimit: 8, labels: { "kubernetes.io/hostname": "h" } });
    const problems = modelProblems(model);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, 'label "kubernetes.io/hostname" is restricted');
  });
});

describe("template labels on well-known keys act as requirements", () => {
  it("narrows the admitted types, and a label no type carries makes the pool unlaunchable at its label key", () => {
    const g6 = admittedInstanceTypes({ name: "p", labels: { "karpenter.k8s.aws/instance-family": "g6" } });
    assert.ok(g6.length > 0);
    assert.ok(g6.every((t) => t.family === "g6"));
    assert.deepEqual(problemsOf({ labels: { "karpenter.k8s.aws/instance-family": "g99" } }).map((p) => p.slice(0, p.indexOf(": "))), ["nodePools[0].labels.karpenter.k8s.aws/instance-family"]);
    assert.match(problemsOf({ labels: { "node.kubernetes.io/instance-type": "p5.48xlarge" }, limits: { cpu: 100 } })[0], /^nodePools\[0\]\.limits\.cpu: no instance type pool gpu-workloads admits fits within its caps/);
  });

  it("refuses labels on keys the pool manages, deprecated spellings included", () => {
    assert.deepEqual(problemsOf({ labels: { "karpenter.sh/capacity-type": "spot", "beta.kubernetes.io/arch": "arm64" } }), [
      "nodePools[0].labels.karpenter.sh/capacity-type: is set by the pool itself (Karpenter reads a template label as a requirement): set capacityTypes instead",
      "nodePools[0].labels.beta.kubernetes.io/arch: is set by the pool itself (Karpenter reads a template label as a requirement): set architectures instead",
    ]);
    assert.match(problemsOf({ requirements: [{ key: "beta.kubernetes.io/arch", operator: "In", values: ["amd64"] }] })[0], /requirements\[0\]\.key: "beta.kubernetes.io\/arch" is set by the pool itself: set architectures instead/);
    const error = errorOf(() => synthStack((s) => new GpuNodePool(s, "p", { name: "p", nodeClassName: "c", cpuLimit: 100, labels: { "kubernetes.io/arch": "arm64" } })));
    assert.match(error, /labels\["kubernetes\.io\/arch"\]: is set by the pool itself/);
  });
});
