import { Annotations } from "@cdktf/provider-kubernetes/lib/annotations/index.js";
import { Labels } from "@cdktf/provider-kubernetes/lib/labels/index.js";
import type { ITerraformDependable, TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { crdNameProblem, duplicatesProblem, helmReleaseNameProblem, namespaceProblem, throwIfProblems } from "../core/rules.js";

/** The label Helm 3 requires on an object before a release may take it over. */
export const HELM_MANAGED_BY_LABEL = { "app.kubernetes.io/managed-by": "Helm" } as const;

/** The annotations Helm 3 requires on an object before release `name` of `namespace` may take it over. */
export function helmOwnerAnnotations(releaseName: string, releaseNamespace: string): Record<string, string> {
  return { "meta.helm.sh/release-name": releaseName, "meta.helm.sh/release-namespace": releaseNamespace };
}

/** The field manager the ownership metadata is applied as (`kubectl get crd <name> --show-managed-fields` shows it). */
export const CRD_ADOPTION_FIELD_MANAGER = "karpenter-gpu";

export interface HelmCrdAdoptionProps {
  /** Names of the existing CRDs to hand to the release (`nodepools.karpenter.sh`, ...). */
  readonly crdNames: readonly string[];
  /** The Helm release that is to own them. */
  readonly releaseName: string;
  /** The namespace of that release. */
  readonly releaseNamespace: string;
  /** The Kubernetes provider to apply the metadata with. @default - the stack's default `kubernetes` provider */
  readonly provider?: TerraformProvider;
}

/**
 * Marks existing CustomResourceDefinitions as owned by a Helm release, so that installing the
 * release adopts them instead of failing with "exists and cannot be imported into the current
 * release". Helm 3 adopts an object only when it carries the label
 * `app.kubernetes.io/managed-by: Helm` and the annotations `meta.helm.sh/release-name` and
 * `meta.helm.sh/release-namespace` of that release (helm v3.18 `pkg/action/validate.go`,
 * `checkOwnership`); CRDs a chart installed from its `crds/` folder carry none of them.
 *
 * One `kubernetes_labels` and one `kubernetes_annotations` per CRD, applied server-side as field
 * manager `karpenter-gpu` without `force`: metadata another manager set to other values (another
 * Helm release owning the CRDs) is a conflict that fails the apply, instead of being taken over.
 * Each resource fails the apply when its CRD does not exist. On destroy each removes what it set.
 * Make the release depend on `resources`.
 */
export class HelmCrdAdoption extends Construct {
  /** The `kubernetes_labels` of each CRD, by CRD name. */
  public readonly labels: Readonly<Record<string, Labels>>;
  /** The `kubernetes_annotations` of each CRD, by CRD name. */
  public readonly annotations: Readonly<Record<string, Annotations>>;
  /** Every resource above, for `dependsOn`. */
  public readonly resources: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: HelmCrdAdoptionProps) {
    super(scope, id);
    throwIfProblems(this, "HelmCrdAdoption", [
      { prop: "crdNames", problem: props.crdNames.length === 0 ? "must name at least one CRD" : duplicatesProblem(props.crdNames) },
      ...props.crdNames.map((name, i) => ({ prop: `crdNames[${i}]`, problem: crdNameProblem(name) })),
      { prop: "releaseName", problem: helmReleaseNameProblem(props.releaseName) },
      { prop: "releaseNamespace", problem: namespaceProblem(props.releaseNamespace) },
    ]);
    const target = (name: string) => ({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name },
      fieldManager: CRD_ADOPTION_FIELD_MANAGER,
      force: false,
      provider: props.provider,
    });
    const labels: Record<string, Labels> = {};
    const annotations: Record<string, Annotations> = {};
    // Keyed by CRD name: the Terraform addresses do not move when the list is reordered.
    for (const name of props.crdNames) {
      labels[name] = new Labels(this, `labels-${name}`, { ...target(name), labels: { ...HELM_MANAGED_BY_LABEL } });
      annotations[name] = new Annotations(this, `annotations-${name}`, { ...target(name), annotations: helmOwnerAnnotations(props.releaseName, props.releaseNamespace) });
    }
    this.labels = labels;
    this.annotations = annotations;
    this.resources = props.crdNames.flatMap((name) => [labels[name], annotations[name]]);
  }
}
