import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { mergeValues, toValuesYaml, type ResourceRequirements } from "./helm-values.js";
import { clusterNameProblem, queueNameProblem, throwIfProblems } from "./rules.js";
import { DataAwsEcrpublicAuthorizationToken, Release } from "./cjs-deps.js";

/** The Karpenter chart version this module is built and tested against. */
export const KARPENTER_CHART_VERSION = "1.14.1";
export const KARPENTER_CHART_REPOSITORY = "oci://public.ecr.aws/karpenter";

/** The values this module sets on the karpenter chart; every key exists in the chart's values.yaml. */
export interface KarpenterChartValues {
  readonly settings: {
    readonly clusterName: string;
    readonly clusterEndpoint: string;
    /** The interruption queue's name (not URL or ARN). */
    readonly interruptionQueue: string;
    readonly [key: string]: unknown;
  };
  readonly serviceAccount: {
    readonly name: string;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly [key: string]: unknown;
  };
  readonly controller: { readonly resources: ResourceRequirements; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

export interface KarpenterChartProps {
  /** Name of the existing EKS cluster (`settings.clusterName`). */
  readonly clusterName: string;
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
   * An AWS provider in us-east-1, where public ECR issues tokens. With it, chart pulls are
   * authenticated (higher rate limits than anonymous pulls).
   * @default - anonymous pulls
   */
  readonly ecrPublicProvider?: TerraformProvider;
  /** Helm wait timeout, in seconds. @default 300 */
  readonly timeoutSeconds?: number;
  /**
   * Further chart values, merged over the module's (objects merge, lists replace). Leave
   * `affinity` alone: the chart's default keeps the controller off nodes Karpenter manages.
   * @default {}
   */
  readonly additionalValues?: Readonly<Record<string, unknown>>;
}

/**
 * Karpenter from its OCI charts: `karpenter-crd` owns and upgrades the CRDs, `karpenter` is
 * installed with `skip_crds` after it. The chart's default affinity (no scheduling on nodes
 * carrying `karpenter.sh/nodepool`) is kept, so the controller never runs on capacity it manages.
 */
export class KarpenterChart extends Construct {
  /** The `karpenter-crd` release. Escape hatch. */
  public readonly crdRelease: Release;
  /** The `karpenter` release. Escape hatch. */
  public readonly release: Release;
  /** The values given to the karpenter chart. */
  public readonly values: KarpenterChartValues;
  public readonly version: string;

  constructor(scope: Construct, id: string, props: KarpenterChartProps) {
    super(scope, id);
    this.version = props.version ?? KARPENTER_CHART_VERSION;
    const namespace = props.namespace ?? "kube-system";
    const timeout = props.timeoutSeconds ?? 300;
    throwIfProblems(this, "KarpenterChart", [
      { prop: "clusterName", problem: clusterNameProblem(props.clusterName) },
      { prop: "interruptionQueueName", problem: queueNameProblem(props.interruptionQueueName) },
      { prop: "additionalValues.affinity", problem: props.additionalValues?.affinity !== undefined ? "would replace the chart's default affinity that keeps the controller off Karpenter-managed nodes; remove it" : undefined },
    ]);

    this.values = mergeValues<KarpenterChartValues>(
      {
        settings: {
          clusterName: props.clusterName,
          clusterEndpoint: props.clusterEndpoint,
          interruptionQueue: props.interruptionQueueName,
        },
        serviceAccount: {
          name: props.serviceAccountName ?? "karpenter",
          ...(props.irsaRoleArn ? { annotations: { "eks.amazonaws.com/role-arn": props.irsaRoleArn } } : {}),
        },
        controller: {
          resources: props.controllerResources ?? { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
        },
      },
      props.additionalValues,
    );

    const auth = props.ecrPublicProvider
      ? new DataAwsEcrpublicAuthorizationToken(this, "ecrPublicToken", { provider: props.ecrPublicProvider })
      : undefined;
    const common = {
      repository: KARPENTER_CHART_REPOSITORY,
      version: this.version,
      namespace,
      repositoryUsername: auth?.userName,
      repositoryPassword: auth?.password,
      // A namespace other than kube-system may not exist yet.
      createNamespace: namespace !== "kube-system",
      wait: true,
      timeout,
    };
    this.crdRelease = new Release(this, "crd", { ...common, name: "karpenter-crd", chart: "karpenter-crd" });
    this.release = new Release(this, "controller", {
      ...common,
      name: "karpenter",
      chart: "karpenter",
      // The CRDs belong to karpenter-crd, which (unlike a chart's crds/ folder) upgrades them.
      skipCrds: true,
      values: [toValuesYaml(this.values)],
      dependsOn: [this.crdRelease],
    });
  }
}
