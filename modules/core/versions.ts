/**
 * The chart versions the module pins, where the charts come from, and the chart defaults the
 * module repeats. The CRDs in .gen/karpenter/ are those of KARPENTER_CHART_VERSION (gen.test.ts
 * checks it).
 */
import type { Toleration } from "./helm-values.js";

/** The Karpenter chart (and karpenter-crd chart) version the module installs by default. */
export const KARPENTER_CHART_VERSION = "1.14.1";
export const KARPENTER_CHART_REPOSITORY = "oci://public.ecr.aws/karpenter";

/**
 * The CustomResourceDefinitions the karpenter-crd chart of KARPENTER_CHART_VERSION installs, one
 * per file of its `templates/` (aws/karpenter-provider-aws v1.14.1 `charts/karpenter-crd/templates/`;
 * the karpenter chart's `crds/` folder holds the same five). NodeOverlay came in 1.7 and
 * CapacityBuffer in 1.14, so an older installation has fewer.
 */
export const KARPENTER_CRD_NAMES = [
  "nodepools.karpenter.sh",
  "nodeclaims.karpenter.sh",
  "nodeoverlays.karpenter.sh",
  "ec2nodeclasses.karpenter.k8s.aws",
  "capacitybuffers.autoscaling.x-k8s.io",
] as const;

/** The NVIDIA GPU Operator chart version the module installs by default. */
export const GPU_OPERATOR_CHART_VERSION = "v26.7.0";
export const GPU_OPERATOR_CHART_REPOSITORY = "https://helm.ngc.nvidia.com/nvidia";

/**
 * The gpu-operator chart's own default tolerations (its values.yaml at GPU_OPERATOR_CHART_VERSION):
 * Helm replaces lists, so the module repeats them when it adds the GPU pools' taints.
 */
export const GPU_OPERATOR_DEFAULT_TOLERATIONS = {
  daemonsets: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
  nfdWorker: [
    { key: "node-role.kubernetes.io/control-plane", operator: "Equal", value: "", effect: "NoSchedule" },
    { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
  ],
} as const satisfies Record<string, readonly Toleration[]>;
