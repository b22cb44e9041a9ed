/**
 * `additionalValues` cannot undo a chart value the module derives, whatever the JSON type of the
 * override: feature gates a pool needs, the GPU Operator's tolerations, the controller's
 * AWS_REGION, the values of the constructs' props.
 * modules/core/helm-values.ts (overriddenValues), modules/config/cross-key.ts, modules/charts/.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EfaDevicePlugin } from "../../modules/charts/efa-device-plugin.js";
import { GpuOperator } from "../../modules/charts/gpu-operator.js";
import { parseConfig } from "../../modules/config/parse.js";
import { overriddenValues } from "../../modules/core/helm-values.js";
import { configInput, configProblems, errorOf, synthStack } from "../helpers.js";

const problemsOf = (input: unknown) => configProblems(() => parseConfig(input));

describe("overriddenValues: what a merge would change", () => {
  const base = { a: { gate: true, list: [{ k: 1 }, { k: 2 }] }, s: "x" };

  it("finds every override of a derived value, whatever its type", () => {
    for (const given of [false, "false", "true", null, 0, 1, [], {}, ""]) {
      assert.deepEqual(overriddenValues(base, { a: { gate: given } }), [{ path: ["a", "gate"], derived: true, given }], JSON.stringify(given));
    }
    assert.deepEqual(overriddenValues(base, { a: null }), [{ path: ["a"], derived: base.a, given: null }]);
    assert.deepEqual(overriddenValues(base, { a: [] }), [{ path: ["a"], derived: base.a, given: [] }]);
    assert.deepEqual(overriddenValues(base, { a: { list: [{ k: 2 }] } }), [{ path: ["a", "list"], derived: base.a.list, given: [{ k: 2 }] }]);
  });

  it("lets through equal values, new keys, and lists that keep the module's entries", () => {
    assert.deepEqual(overriddenValues(base, { a: { gate: true, other: 1 }, s: "x", t: null }), []);
    assert.deepEqual(overriddenValues(base, { a: { list: [{ k: 3 }, { k: 2 }, { k: 1 }] } }), []);
  });
});

describe("the configuration refuses additionalValues that undo a derived value", () => {
  const staticPool = { name: "warm", nodeClass: "gpu-nodeclass", replicas: 1 };

  it("feature gates a pool needs: any value but true, or a featureGates that is not an object", () => {
    for (const off of [false, "false", "off", 0, null]) {
      const problems = problemsOf(configInput({ nodePools: [staticPool], karpenter: { additionalValues: { settings: { featureGates: { staticCapacity: off } } } } }));
      assert.deepEqual(problems, [`karpenter.additionalValues.settings.featureGates.staticCapacity: is ${JSON.stringify(off)}, but node pool(s) "warm" set replicas, which Karpenter ignores without the staticCapacity feature gate (the module turns it on for them); remove it`]);
    }
    assert.match(problemsOf(configInput({ nodePools: [staticPool], karpenter: { additionalValues: { settings: { featureGates: [] } } } }))[0], /^karpenter\.additionalValues\.settings\.featureGates: is \[\], but the module turns on feature gates inside it \(staticCapacity, nodeRepair\); set single gates instead$/);
    assert.deepEqual(problemsOf(configInput({ nodePools: [staticPool], karpenter: { additionalValues: { settings: { featureGates: { staticCapacity: true, nodeRepair: true } } } } })), []);
    assert.deepEqual(problemsOf(configInput({ karpenter: { additionalValues: { settings: { featureGates: { staticCapacity: false } } } } })), [], "no pool needs it");
    assert.deepEqual(problemsOf(configInput({ nodeRepair: { enabled: false }, karpenter: { additionalValues: { settings: { featureGates: [] } } } })), [], "no gate derived, nothing to protect");
  });

  it("an AWS_REGION of another region", () => {
    assert.deepEqual(problemsOf(configInput({ karpenter: { additionalValues: { controller: { env: [{ name: "GOMEMLIMIT", value: "900MiB" }, { name: "AWS_REGION", value: "eu-west-1" }] } } } })), [
      'karpenter.additionalValues.controller.env[1]: sets AWS_REGION to "eu-west-1", but the module sets it from region ("us-west-2"): remove this entry',
    ]);
  });

  it("GPU Operator tolerations that drop the chart's defaults or a pool's taint; a list that keeps them may add more", () => {
    const pool = { name: "gpu-workloads", nodeClass: "gpu-nodeclass", limits: { cpu: 1000 }, taints: [{ key: "team", value: "ml", effect: "NoSchedule" as const }] };
    const withTolerations = (tolerations: unknown) => problemsOf(configInput({ nodePools: [pool], gpuOperator: { additionalValues: { daemonsets: { tolerations } } } }));
    assert.deepEqual(withTolerations([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]), [
      "gpuOperator.additionalValues.daemonsets.tolerations: drops the tolerations team=ml:NoSchedule, but the module tolerates the chart's defaults and every node pool's taint there (nvidia.com/gpu:NoSchedule, team=ml:NoSchedule), so the operator runs on every GPU node: Helm replaces lists, so keep these and add yours",
    ]);
    assert.match(withTolerations(null)[0], /daemonsets\.tolerations: is null, but the module tolerates/);
    const kept = [{ key: "team", operator: "Equal", value: "ml", effect: "NoSchedule" }, { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }, { key: "extra", operator: "Exists" }];
    assert.deepEqual(withTolerations(kept), []);
    assert.match(problemsOf(configInput({ nodePools: [pool], gpuOperator: { additionalValues: { "node-feature-discovery": { worker: "none" } } } }))[0], /^gpuOperator\.additionalValues\.node-feature-discovery\.worker: is "none", but the module tolerates/);
  });
});

describe("the chart constructs refuse the same, naming the prop", () => {
  it("GpuOperator: installDriver and tolerations", () => {
    const error = errorOf(() =>
      synthStack((s) => new GpuOperator(s, "g", { gpuNodeTaints: [{ key: "sku", value: "gpu", effect: "NoSchedule" }], additionalValues: { driver: { enabled: "true" }, daemonsets: { tolerations: [] } } })),
    );
    assert.match(error, /additionalValues\.driver\.enabled: would change a value the module sets \(false\) to "true": set the installDriver prop instead/);
    assert.match(error, /additionalValues\.daemonsets\.tolerations: drops entries the module sets \(nvidia\.com\/gpu:NoSchedule, sku=gpu:NoSchedule\)/);
  });

  it("EfaDevicePlugin: tolerations of the EFA pools' taints", () => {
    const error = errorOf(() => synthStack((s) => new EfaDevicePlugin(s, "e", { efaNodeTaints: [{ key: "efa", effect: "NoSchedule" }], additionalValues: { tolerations: null } })));
    assert.match(error, /additionalValues\.tolerations: would change a value the module sets .*efaNodeTaints prop/);
  });
});

describe("additionalValues keys the pinned charts never read are refused, with a did-you-mean", () => {
  it("at every config key, typos, case, swapped letters and dotted keys included", () => {
    const problems = problemsOf(
      configInput({
        karpenter: { additionalValues: { replica: 2, "settings.batchMaxDuration": "10s", settings: { featureGates: { nodeRepiar: true } }, controller: { evn: [] }, Tolerations: [] } },
        gpuOperator: { additionalValues: { drivers: { enabled: true } } },
      }),
    );
    assert.deepEqual(problems, [
      'karpenter.additionalValues.replica: is not a value of the karpenter chart 1.14.1 at the top level, so Helm would ignore it: did you mean "replicas"?',
      "karpenter.additionalValues.settings.batchMaxDuration: is not a value of the karpenter chart 1.14.1 at the top level, so Helm would ignore it: a key with a dot is one key to Helm, not a path: nest it as settings: { batchMaxDuration: ... }",
      'karpenter.additionalValues.settings.featureGates.nodeRepiar: is not a value of the karpenter chart 1.14.1 under settings.featureGates, so Helm would ignore it: did you mean "nodeRepair"?',
      'karpenter.additionalValues.controller.evn: is not a value of the karpenter chart 1.14.1 under controller, so Helm would ignore it: did you mean "env"?',
      'karpenter.additionalValues.Tolerations: is not a value of the karpenter chart 1.14.1 at the top level, so Helm would ignore it: did you mean "tolerations"?',
      'gpuOperator.additionalValues.drivers: is not a value of the gpu-operator chart v26.7.0 at the top level, so Helm would ignore it: did you mean "driver"?',
    ]);
  });

  it("accepts keys the templates read though values.yaml lacks them, free-form maps, the subchart's section and global", () => {
    assert.deepEqual(
      problemsOf(
        configInput({
          karpenter: { additionalValues: { nodeSelector: { "example.com/pool": "system" }, podAnnotations: { a: "b" }, controller: { resources: undefined, envFrom: [] }, global: { imageRegistry: "r" }, replicas: 1 } },
          gpuOperator: { additionalValues: { driver: { licensingConfig: { configMapName: "licensing" } }, dcgmExporter: { config: { name: "metrics" } }, "node-feature-discovery": { worker: { config: { any: 1 } }, master: { x: 1 } } } },
        }),
      ),
      [],
    );
  });

  it("does not check a chart version other than the pinned one (its keys may differ)", () => {
    assert.deepEqual(problemsOf(configInput({ karpenter: { chartVersion: "1.15.0", additionalValues: { newSetting: true } } })), []);
  });

  it("the chart constructs refuse the same in their additionalValues prop", () => {
    const error = errorOf(() => synthStack((s) => new GpuOperator(s, "g", { gpuNodeTaints: [], additionalValues: { devicePlugn: { enabled: true } } })));
    assert.match(error, /additionalValues\.devicePlugn: is not a value of the gpu-operator chart v26\.7\.0 at the top level, so Helm would ignore it: did you mean "devicePlugin"\?/);
  });
});
