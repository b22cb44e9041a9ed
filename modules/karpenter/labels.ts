/**
 * The well-known Karpenter labels of a GPU instance type, read from the instance table, and
 * whether a type satisfies a NodePool requirement on them.
 */
import { GPU_INSTANCE_TYPES, type GpuInstanceType } from "./gpu-instances.js";

/** A NodePool requirement, as far as the instance table can evaluate it. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

const CAPACITY_TYPE = "karpenter.sh/capacity-type";

/**
 * Deprecated label keys Karpenter reads as their current ones (kubernetes-sigs/karpenter v1.14.1
 * pkg/apis/v1/labels.go, `NormalizedLabels`): a requirement on `beta.kubernetes.io/arch` is one
 * on `kubernetes.io/arch`.
 */
const NORMALIZED_LABELS: Readonly<Record<string, string>> = {
  "failure-domain.beta.kubernetes.io/zone": "topology.kubernetes.io/zone",
  "beta.kubernetes.io/arch": "kubernetes.io/arch",
  "beta.kubernetes.io/os": "kubernetes.io/os",
  "beta.kubernetes.io/instance-type": "node.kubernetes.io/instance-type",
  "failure-domain.beta.kubernetes.io/region": "topology.kubernetes.io/region",
};

/** The key Karpenter reads a requirement key as. */
export function normalizedLabelKey(key: string): string {
  return Object.hasOwn(NORMALIZED_LABELS, key) ? NORMALIZED_LABELS[key] : key;
}

/**
 * A NodePool's template labels as the requirements they are: Karpenter adds each label as
 * `key In [value]` to the requirements of the NodeClaims it plans (kubernetes-sigs/karpenter
 * v1.14.1 pkg/controllers/provisioning/scheduling/nodeclaimtemplate.go, `NewNodeClaimTemplate`), so `kubernetes.io/arch: arm64` in
 * labels narrows the pool like a requirement would.
 */
export function labelRequirements(labels: Readonly<Record<string, string>> | undefined): LabelRequirement[] {
  return Object.entries(labels ?? {}).map(([key, value]) => ({ key, operator: "In", values: [value] }));
}

/** The instance-table value of a Karpenter label, or undefined when the table does not know it. */
export function labelValue(t: GpuInstanceType, key: string): string | undefined {
  switch (normalizedLabelKey(key)) {
    case "node.kubernetes.io/instance-type":
      return t.type;
    case "kubernetes.io/arch":
      return t.arch;
    case "karpenter.k8s.aws/instance-category":
      return t.category;
    case "karpenter.k8s.aws/instance-family":
      return t.family;
    case "karpenter.k8s.aws/instance-size":
      return t.type.slice(t.type.indexOf(".") + 1);
    case "karpenter.k8s.aws/instance-cpu":
      return String(t.vcpu);
    case "karpenter.k8s.aws/instance-memory":
      return String(t.memoryMiB);
    case "karpenter.k8s.aws/instance-gpu-count":
      return String(t.gpus);
    case "karpenter.k8s.aws/instance-gpu-name":
      return t.gpuName;
    case "karpenter.k8s.aws/instance-gpu-manufacturer":
      return t.gpuManufacturer;
    case "karpenter.k8s.aws/instance-gpu-memory":
      return String(t.gpuMemoryMiB);
    default:
      return undefined;
  }
}

/** Whether the table knows the label, so requirements on it can be evaluated. */
export function isEvaluated(key: string): boolean {
  return normalizedLabelKey(key) !== CAPACITY_TYPE && labelValue(GPU_INSTANCE_TYPES[0], key) !== undefined;
}

/** Whether a type satisfies a requirement; undefined when the table cannot tell. */
export function satisfies(t: GpuInstanceType, r: LabelRequirement): boolean | undefined {
  if (normalizedLabelKey(r.key) === CAPACITY_TYPE) return undefined;
  const value = labelValue(t, r.key);
  if (value === undefined) return undefined;
  const values = r.values ?? [];
  switch (r.operator) {
    case "In":
      return values.includes(value);
    case "NotIn":
      return !values.includes(value);
    case "Exists":
      return true;
    case "DoesNotExist":
      return false;
    case "Gt":
      return Number(value) > Number(values[0]);
    case "Lt":
      return Number(value) < Number(values[0]);
    case "Gte":
      return Number(value) >= Number(values[0]);
    case "Lte":
      return Number(value) <= Number(values[0]);
    default:
      return undefined;
  }
}
