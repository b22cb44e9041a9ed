import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { GpuOperator } from "../../modules/charts/gpu-operator.js";
import { tolerationsFor } from "../../modules/core/helm-values.js";
import { at, synthStack } from "../helpers.js";

const valuesOf = (props: ConstructorParameters<typeof GpuOperator>[2]) => {
  const s = synthStack((stack) => new GpuOperator(stack, "gpuOperator", props));
  const release = at(s.resource, "helm_release", "gpuOperator/release");
  return { release, values: parse((release.values as string[])[0]) };
};

describe("GpuOperator", () => {
  const { release, values } = valuesOf({ gpuNodeTaints: [{ key: "sku", value: "gpu", effect: "NoSchedule" }] });

  it("installs gpu-operator v26.7.0 from NVIDIA's repository into its own namespace, waiting up to 10 minutes", () => {
    assert.equal(release.chart, "gpu-operator");
    assert.equal(release.repository, "https://helm.ngc.nvidia.com/nvidia");
    assert.equal(release.version, "v26.7.0");
    assert.equal(release.namespace, "gpu-operator");
    assert.equal(release.create_namespace, true);
    assert.equal(release.wait, true);
    assert.equal(release.timeout, 600);
  });

  it("leaves the driver and toolkit to the EKS NVIDIA AMI", () => {
    assert.deepEqual(values.driver, { enabled: false });
    assert.deepEqual(values.toolkit, { enabled: false });
  });

  it("tolerates the pool taint on the operands and the NFD worker, keeping the chart's default tolerations", () => {
    assert.deepEqual(values.daemonsets.tolerations, [
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
      { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" },
    ]);
    assert.deepEqual(values["node-feature-discovery"].worker.tolerations, [
      { key: "node-role.kubernetes.io/control-plane", operator: "Equal", value: "", effect: "NoSchedule" },
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
      { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" },
    ]);
  });

  it("tolerates every pool's taints: two pools with different taints are both tolerated, shared ones once", () => {
    const { values: two } = valuesOf({
      gpuNodeTaints: [
        { key: "sku", value: "gpu", effect: "NoSchedule" },
        { key: "workload", value: "training", effect: "NoSchedule" },
        { key: "sku", value: "gpu", effect: "NoSchedule" },
        { key: "dedicated", effect: "NoExecute" },
      ],
    });
    assert.deepEqual(two.daemonsets.tolerations.slice(1), [
      { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" },
      { key: "workload", operator: "Equal", value: "training", effect: "NoSchedule" },
      { key: "dedicated", operator: "Exists", effect: "NoExecute" },
    ]);
  });

  it("does not repeat a default toleration a pool taint already matches", () => {
    assert.deepEqual(tolerationsFor([{ key: "nvidia.com/gpu", effect: "NoSchedule" }], [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]), [
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
    ]);
  });

  it("installs the driver and toolkit on request, and merges additional values", () => {
    const { values: custom } = valuesOf({ gpuNodeTaints: [], installDriver: true, additionalValues: { dcgmExporter: { enabled: false } } });
    assert.deepEqual([custom.driver, custom.toolkit, custom.dcgmExporter], [{ enabled: true }, { enabled: true }, { enabled: false }]);
  });
});
