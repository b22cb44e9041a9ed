import { Release } from "@cdktf/provider-helm/lib/release/index.js";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { mergeValues, overriddenValueProblems, sameValue, toValuesYaml, type ResourceRequirements } from "../core/helm-values.js";
import { KARPENTER_RELEASE_NAMES } from "../core/names.js";
import { clusterNameProblem, crdNameProblem, duplicatesProblem, helmReleaseNameProblem, namespaceProblem, queueNameProblem, quoted, regionProblem, resourceRequirementsProblems, throwIfProblems, warn } from "../core/rules.js";
import { KARPENTER_CHART_REPOSITORY, KARPENTER_CHART_VERSION, KARPENTER_CRD_NAMES } from "../core/versions.js";
import { checkedChartVersion, karpenterCrdNameProblem, unknownValueKeys } from "../validation/chart-keys.js";
import { HelmCrdAdoption } from "./crd-adoption.js";

/** The two Helm releases of Karpenter: `crd` (the karpenter-crd chart) and `controller` (the karpenter chart). */
export type KarpenterRelease = "crd" | "controller";

/** The annotation that makes `helm uninstall` (and an upgrade that drops the object) leave an object in place. */
export const HELM_KEEP_ANNOTATION = { "helm.sh/resource-policy": "keep" } as const;

/** The Karpenter chart version this module is built and tested against. */

/** The values this module sets on the karpenter chart; every key exists in the chart's values.yaml. */
export interface KarpenterChartValues {
  readonly settings: {
    readonly clusterName: string;
    readonly clusterEndpoint: string;
    /** The interruption queue's name (not URL or ARN). */
    readonly interruptionQueue: string;
    /** Whether Karpenter avoids zones under an EKS zonal shift. */
    readonly enableZonalShift: boolean;
    readonly [key: string]: unknown;
  };
  readonly serviceAccount: {
    readonly name: string;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly [key: string]: unknown;
  };
  readonly controller: {
    readonly resources: ResourceRequirements;
    /** Environment of the controller container; always holds `AWS_REGION`. */
    readonly env: readonly EnvVar[];
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** A container environment variable with a literal value. */
export interface EnvVar {
  readonly name: string;
  readonly value: string;
}

export interface KarpenterChartProps {
  /** Name of the existing EKS cluster (`settings.clusterName`). */
  readonly clusterName: string;
  /**
   * The cluster's region, given to the controller as `AWS_REGION`. EKS Pod Identity does not set
   * a region; without it Karpenter asks the instance metadata service, which a node with an IMDS
   * hop limit of 1 does not answer from a pod, and the controller exits at start-up.
   * @see https://github.com/aws/karpenter-provider-aws/issues/8219
   */
  readonly region: string;
  /** API server URL (`settings.clusterEndpoint`). */
  readonly clusterEndpoint: string;
  /** Name of the interruption queue (`settings.interruptionQueue`). */
  readonly interruptionQueueName: string;
  /** Chart version of both karpenter-crd and karpenter. @default "1.14.1" */
  readonly version?: string;
  /** Namespace; must match the Pod Identity association or IRSA trust. @default "kube-system" */
  readonly namespace?: string;
  /** Service account name; must match the Pod Identity association or IRSA trust. @default "karpenter" */
  readonly serviceAccountName?: string;
  /** With IRSA: the controller role ARN, set as the `eks.amazonaws.com/role-arn` annotation. @default - none (Pod Identity) */
  readonly irsaRoleArn?: string;
  /**
   * Controller resources. Requests equal limits so the controller is never throttled or evicted
   * under node pressure, as the Karpenter docs recommend.
   * @default { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } }
   */
  readonly controllerResources?: ResourceRequirements;
  /**
   * Make Karpenter avoid launching nodes in a zone under an EKS zonal shift
   * (`settings.enableZonalShift`). Only useful when zonal shift is enabled on the cluster
   * itself; the controller role then needs the ZonalShift policy
   * (`KarpenterControllerIam` prop `zonalShift`).
   * @default false (the chart's default)
   * @see https://docs.aws.amazon.com/eks/latest/userguide/zone-shift.html
   */
  readonly zonalShift?: boolean;
  /**
   * Turn on Karpenter's `StaticCapacity` feature gate (`settings.featureGates.staticCapacity`,
   * alpha, off in the chart): without it a NodePool's `replicas` does nothing. The charts stack
   * sets it when a pool sets `replicas`.
   * @default false (left to the chart, which has it off)
   * @see https://karpenter.sh/docs/reference/settings/#feature-gates
   */
  readonly staticCapacity?: boolean;
  /**
   * Write Karpenter's `ReservedCapacity` feature gate (`settings.featureGates.reservedCapacity`,
   * beta) as on, so pools with `reserved` capacity keep working whatever the chart's default.
   * The module never turns it off; the chart 1.14.1 has it on. The charts stack sets it when a
   * pool lists `reserved`.
   * @default false (left to the chart, which has it on)
   */
  readonly reservedCapacity?: boolean;
  /**
   * Turn on Karpenter's `NodeRepair` feature gate (`settings.featureGates.nodeRepair`, alpha, off
   * in the chart): Karpenter replaces a node that stays `Ready=False`/`Unknown` for 30 minutes,
   * or whose EKS node monitoring agent condition is `False` (`AcceleratedHardwareReady` 10
   * minutes; `StorageReady`, `NetworkingReady`, `KernelReady`, `ContainerRuntimeReady` 30
   * minutes), unless more than 20% of the pool's nodes are unhealthy. It deletes the node's pods
   * at once (no PDB) and launches a new node; it never reboots.
   * @default false (the chart's: off)
   * @see https://karpenter.sh/docs/concepts/disruption/#node-auto-repair
   */
  readonly nodeRepair?: boolean;
  /**
   * Turn on Karpenter's `NodeOverlay` feature gate (`settings.featureGates.nodeOverlay`, alpha,
   * off in the chart): without it Karpenter ignores NodeOverlays, and a GPU pool that shares its
   * GPUs is planned as if it did not. The charts stack sets it when a pool sets `gpuSharing`.
   * @default false (the chart's: off)
   */
  readonly nodeOverlay?: boolean;
  /** Helm wait timeout, in seconds. @default 300 */
  readonly timeoutSeconds?: number;
  /**
   * Name of the controller chart's Helm release. Set it to the name of a release already on the
   * cluster to take that release over (with `importExistingReleases`). Changing it later
   * replaces the release: Helm uninstalls the old one and installs the new one.
   * @default "karpenter"
   */
  readonly releaseName?: string;
  /**
   * Name of the CRD chart's Helm release, in the same namespace. Changing it later replaces the
   * release, and uninstalling it deletes the CRDs, and with them every NodePool, NodeClaim and
   * EC2NodeClass of the cluster, unless `keepCrds` is on.
   * @default "karpenter-crd"
   */
  readonly crdReleaseName?: string;
  /**
   * Hand existing Karpenter CRDs that no Helm release owns (those a `helm install` of the
   * karpenter chart created from its `crds/` folder) to the CRD release before it is installed,
   * with a `HelmCrdAdoption`: `true` for every CRD of the pinned chart (`KARPENTER_CRD_NAMES`), or
   * the names of the ones the cluster has (an installation older than 1.14 has no
   * `capacitybuffers.autoscaling.x-k8s.io`, older than 1.7 no `nodeoverlays.karpenter.sh`).
   * Needs a Kubernetes provider (`kubernetesProvider`, or the stack's default one).
   * @default false
   */
  readonly adoptExistingCrds?: boolean | readonly string[];
  /**
   * The releases that already exist on the cluster under `releaseName` / `crdReleaseName` in
   * `namespace`: each gets an `import` block (id `<namespace>/<name>`), so the first plan
   * imports it and updates it in place instead of failing to install over it. Terraform skips
   * an import whose resource is already in its state; after a destroy, the release is gone and
   * its import fails the plan.
   * @default []
   */
  readonly importExistingReleases?: readonly KarpenterRelease[];
  /**
   * Annotate the CRDs `helm.sh/resource-policy: keep` (the karpenter-crd chart's
   * `additionalAnnotations`), so that uninstalling the CRD release (a destroy, a release name
   * change) leaves the CRDs, and the NodePools, NodeClaims and EC2NodeClasses in them, in place.
   * @default - true when `adoptExistingCrds` is set or `importExistingReleases` lists `crd` (the
   * cluster had Karpenter objects before this module), false otherwise (a destroy removes everything)
   */
  readonly keepCrds?: boolean;
  /** The Helm provider of both releases. @default - the stack's default `helm` provider */
  readonly provider?: TerraformProvider;
  /** The Kubernetes provider of the CRD adoption. @default - the stack's default `kubernetes` provider */
  readonly kubernetesProvider?: TerraformProvider;
  /**
   * Further chart values, merged over the module's (objects merge, lists replace, except
   * `controller.env`, whose entries are added to the module's by name). Leave `affinity`
   * alone: the chart's default keeps the controller off nodes Karpenter manages.
   * @default {}
   */
  readonly additionalValues?: Readonly<Record<string, unknown>>;
}

/**
 * Karpenter from its OCI charts: `karpenter-crd` owns and upgrades the CRDs, `karpenter` is
 * installed with `skip_crds` after it. The chart's default affinity (no scheduling on nodes
 * carrying `karpenter.sh/nodepool`) is kept, so the controller never runs on capacity it manages.
 * An existing installation can be taken over: release names, CRD adoption, release imports
 * (docs/adopt.md).
 */
export class KarpenterChart extends Construct {
  /** The `karpenter-crd` release. Escape hatch. */
  public readonly crdRelease: Release;
  /** With `adoptExistingCrds`: the ownership metadata written on the existing CRDs before the CRD release. */
  public readonly crdAdoption?: HelmCrdAdoption;
  /** The `karpenter` release. Escape hatch. */
  public readonly release: Release;
  /** The values given to the karpenter chart. */
  public readonly values: KarpenterChartValues;
  /** The chart version of both releases. */
  public readonly version: string;

  constructor(scope: Construct, id: string, props: KarpenterChartProps) {
    super(scope, id);
    this.version = props.version ?? KARPENTER_CHART_VERSION;
    const namespace = props.namespace ?? "kube-system";
    const timeout = props.timeoutSeconds ?? 300;
    const releaseName = props.releaseName ?? KARPENTER_RELEASE_NAMES.controller;
    const crdReleaseName = props.crdReleaseName ?? KARPENTER_RELEASE_NAMES.crd;
    const adoptedCrds = props.adoptExistingCrds === true ? KARPENTER_CRD_NAMES : props.adoptExistingCrds || [];
    const imports = props.importExistingReleases ?? [];
    const featureGates = Object.fromEntries(FEATURE_GATES.filter((gate) => props[gate] === true).map((gate) => [gate, true]));
    // The values the module derives from its props, before additional values.
    const derived = {
      settings: {
        clusterName: props.clusterName,
        clusterEndpoint: props.clusterEndpoint,
        interruptionQueue: props.interruptionQueueName,
        // The chart's default; the ZonalShift IAM policy is attached only when this is on.
        enableZonalShift: props.zonalShift ?? false,
        // Only the gates a pool needs, and only on: the chart's defaults stay for the others.
        ...(Object.keys(featureGates).length > 0 ? { featureGates } : {}),
      },
      serviceAccount: {
        name: props.serviceAccountName ?? "karpenter",
        ...(props.irsaRoleArn ? { annotations: { "eks.amazonaws.com/role-arn": props.irsaRoleArn } } : {}),
      },
      controller: {
        resources: props.controllerResources ?? { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
        env: [{ name: "AWS_REGION", value: props.region }],
      },
    };
    throwIfProblems(this, "KarpenterChart", [
      { prop: "clusterName", problem: clusterNameProblem(props.clusterName) },
      { prop: "region", problem: regionProblem(props.region) },
      { prop: "interruptionQueueName", problem: queueNameProblem(props.interruptionQueueName) },
      { prop: "namespace", problem: namespaceProblem(namespace) },
      { prop: "releaseName", problem: helmReleaseNameProblem(releaseName) },
      { prop: "crdReleaseName", problem: helmReleaseNameProblem(crdReleaseName) ?? (crdReleaseName === releaseName ? `is the same as releaseName (${quoted(releaseName)}): the two releases share the namespace, so they need two names` : undefined) },
      { prop: "importExistingReleases", problem: duplicatesProblem(imports) },
      { prop: "adoptExistingCrds", problem: duplicatesProblem(adoptedCrds) },
      // The pinned chart's CRDs are known; another version may ship others.
      ...adoptedCrds.map((name, i) => ({ prop: `adoptExistingCrds[${i}]`, problem: crdNameProblem(name) ?? (this.version === KARPENTER_CHART_VERSION ? karpenterCrdNameProblem(name) : undefined) })),
      ...resourceRequirementsProblems(props.controllerResources ?? {}).map((p) => ({ prop: `controllerResources.${p.field}`, problem: p.problem })),
      { prop: "additionalValues.affinity", problem: props.additionalValues?.affinity !== undefined ? "would replace the chart's default affinity that keeps the controller off Karpenter-managed nodes; remove it" : undefined },
      // Keys the pinned chart never reads (another version has other keys).
      ...(this.version === checkedChartVersion("karpenter") ? unknownValueKeys("karpenter", props.additionalValues ?? {}).map((u) => ({ prop: ["additionalValues", ...u.path].join("."), problem: u.problem })) : []),
      // Whatever the type of the override: null, [], 0 or "false" would remove what the module derived.
      ...overriddenValueProblems(derived, withoutEnv(props.additionalValues), derivedValueHint),
      ...extraEnv(props.additionalValues)
        .filter((e) => derived.controller.env.some((d) => d.name === e.name && !sameValue(d, e)))
        .map((e) => ({ prop: `additionalValues.controller.env[${JSON.stringify(e.name)}]`, problem: `would change ${e.name}, which the module sets from the region prop (${quoted(props.region)}); remove this entry` })),
    ]);

    if (this.version !== KARPENTER_CHART_VERSION) {
      warn(
        this,
        `karpenter chart ${this.version} is not ${KARPENTER_CHART_VERSION}, the version this module's controller IAM policies and NodePool/EC2NodeClass validation are written for: ` +
          "read Karpenter's upgrade guide for that version and compare its CloudFormation template's policies with the controller role before applying",
      );
    }
    // controller.env is merged by name: additional entries join the module's AWS_REGION.
    const env = withEnv(derived.controller.env, extraEnv(props.additionalValues));
    this.values = mergeValues<KarpenterChartValues>({ ...derived, controller: { ...derived.controller, env } }, withoutEnv(props.additionalValues));

    // No repository credentials: public ECR serves these charts to anonymous pulls. A token from
    // data.aws_ecrpublic_authorization_token changes on every plan (a diff each time) and helm
    // provider 3.1 logs in on update with the previous token from state, which has expired
    // after 12 hours (hashicorp/terraform-provider-helm#1687).
    const common = {
      repository: KARPENTER_CHART_REPOSITORY,
      version: this.version,
      namespace,
      // A namespace other than kube-system may not exist yet.
      createNamespace: namespace !== "kube-system",
      wait: true,
      timeout,
      provider: props.provider,
    };
    if (adoptedCrds.length > 0) {
      this.crdAdoption = new HelmCrdAdoption(this, "crdAdoption", { crdNames: adoptedCrds, releaseName: crdReleaseName, releaseNamespace: namespace, provider: props.kubernetesProvider });
    }
    const keepCrds = props.keepCrds ?? (adoptedCrds.length > 0 || imports.includes("crd"));
    this.crdRelease = new Release(this, "crd", {
      ...common,
      name: crdReleaseName,
      chart: "karpenter-crd",
      // Written only when on, so a configuration without it synthesizes the release as before.
      ...(keepCrds ? { values: [toValuesYaml({ additionalAnnotations: HELM_KEEP_ANNOTATION })] } : {}),
      // Helm checks the ownership metadata when it installs, so it must be there first.
      ...(this.crdAdoption ? { dependsOn: [...this.crdAdoption.resources] } : {}),
    });
    this.release = new Release(this, "controller", {
      ...common,
      name: releaseName,
      chart: "karpenter",
      // The CRDs belong to karpenter-crd, which (unlike a chart's crds/ folder) upgrades them.
      skipCrds: true,
      values: [toValuesYaml(this.values)],
      dependsOn: [this.crdRelease],
    });
    // The helm provider imports a release by `<namespace>/<name>` (terraform-provider-helm v3.1.1, parseImportIdentifier).
    if (imports.includes("crd")) this.crdRelease.importFrom(`${namespace}/${crdReleaseName}`);
    if (imports.includes("controller")) this.release.importFrom(`${namespace}/${releaseName}`);
  }
}

/** The chart feature gates the module turns on when a node pool needs them. */
const FEATURE_GATES = ["staticCapacity", "reservedCapacity", "nodeRepair", "nodeOverlay"] as const;

/** How to set a derived Karpenter chart value instead of overriding it. */
function derivedValueHint(path: readonly string[]): string {
  const [first, second, third] = path;
  if (first === "settings" && second === "featureGates") return third ? `the ${third} prop turns the gate on; remove it` : "the module turns on the gates its props ask for; set single gates instead";
  const props: Readonly<Record<string, string>> = {
    "settings.clusterName": "clusterName",
    "settings.clusterEndpoint": "clusterEndpoint",
    "settings.interruptionQueue": "interruptionQueueName",
    "settings.enableZonalShift": "zonalShift",
    "serviceAccount.name": "serviceAccountName",
    "serviceAccount.annotations": "irsaRoleArn",
    "controller.resources": "controllerResources",
    "controller.env": "region",
  };
  const prop = props[`${first}.${second}`];
  return prop ? `set the ${prop} prop instead` : "the module sets values inside it; set single keys instead";
}

/** `controller.env` of additional values, when it is a list. */
function extraEnv(values: Readonly<Record<string, unknown>> | undefined): readonly EnvVar[] {
  const controller = values?.controller as Record<string, unknown> | undefined;
  return Array.isArray(controller?.env) ? (controller.env as EnvVar[]) : [];
}

/** Additional values without `controller.env`, which `withEnv` merges by name instead. */
function withoutEnv(values: Readonly<Record<string, unknown>> | undefined): Readonly<Record<string, unknown>> | undefined {
  const controller = values?.controller as Record<string, unknown> | undefined;
  if (!controller || !Array.isArray(controller.env)) return values;
  const { env: _env, ...rest } = controller;
  return { ...values, controller: rest };
}

/** `base` with `extra` added; an extra entry replaces the base entry of the same name. */
export function withEnv(base: readonly EnvVar[], extra: readonly EnvVar[]): EnvVar[] {
  const names = new Set(extra.map((e) => e.name));
  return [...base.filter((e) => !names.has(e.name)), ...extra];
}
