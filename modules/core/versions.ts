/**
 * The chart versions the module pins, and where the charts come from. The CRDs in .gen/karpenter/
 * are those of KARPENTER_CHART_VERSION (gen.test.ts checks it).
 */

/** The Karpenter chart (and karpenter-crd chart) version the module installs by default. */
export const KARPENTER_CHART_VERSION = "1.14.1";
export const KARPENTER_CHART_REPOSITORY = "oci://public.ecr.aws/karpenter";

/** The NVIDIA GPU Operator chart version the module installs by default. */
export const GPU_OPERATOR_CHART_VERSION = "v26.7.0";
export const GPU_OPERATOR_CHART_REPOSITORY = "https://helm.ngc.nvidia.com/nvidia";
