import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role/index.js";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider/index.js";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider/index.js";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { EksClusterConnection } from "../charts/cluster-connection.js";
import { EfaDevicePlugin } from "../charts/efa-device-plugin.js";
import { GpuOperator } from "../charts/gpu-operator.js";
import { KarpenterChart } from "../charts/karpenter-chart.js";
import type { KarpenterGpuConfig } from "../config/schema.js";
import { controllerRoleNameFor, interruptionQueueNameFor } from "../core/names.js";
import { PlanCheck } from "../core/plan-check.js";
import { clusterConnectionPropsOf, configAsText, configuredAwsProvider } from "./aws-stack.js";

export interface KarpenterChartsStackProps {
  /** A validated configuration (see `parseConfig` / `loadConfigFile`). */
  readonly config: KarpenterGpuConfig;
}

/**
 * Karpenter (CRD chart, then controller chart) and the NVIDIA GPU Operator, in their own stack
 * and state. It must be applied before the node-pool stack: `kubernetes_manifest` needs the
 * Karpenter CRDs at plan time.
 *
 * It refers to the AWS stack's resources by their names, which are known at synth, not through
 * remote state; so each stack plans on its own state only.
 */
export class KarpenterChartsStack extends TerraformStack {
  /** The cluster's endpoint, CA and authentication, for the Helm provider (and the Kubernetes one when CRDs are adopted). */
  public readonly connection: EksClusterConnection;
  /** Karpenter's CRD and controller releases. */
  public readonly karpenter: KarpenterChart;
  /** The NVIDIA GPU Operator release. */
  public readonly gpuOperator: GpuOperator;
  /** The EFA device plugin, when some node class has `efa: true`. */
  public readonly efaDevicePlugin?: EfaDevicePlugin;

  constructor(scope: Construct, id: string, props: KarpenterChartsStackProps) {
    super(scope, id);
    const c = configAsText(props.config);
    configuredAwsProvider(this, c);
    this.connection = new EksClusterConnection(this, "cluster", clusterConnectionPropsOf(c));
    new HelmProvider(this, "helm", { kubernetes: this.connection.helmKubernetes() });
    // Only to write Helm's ownership metadata on CRDs being adopted: otherwise the stack needs no
    // kubernetes provider (nor its download at init).
    if (c.karpenter.adoptExistingCrds !== false) new KubernetesProvider(this, "kubernetes", this.connection.kubernetesProvider());

    const irsaRoleArn =
      c.controller.identity === "irsa"
        ? new DataAwsIamRole(this, "controllerRole", {
            name: controllerRoleNameFor({ clusterName: c.clusterName, region: c.region, roleName: c.controller.roleName }),
          }).arn
        : undefined;
    this.karpenter = new KarpenterChart(this, "karpenter", {
      clusterName: c.clusterName,
      region: c.region,
      clusterEndpoint: this.connection.endpoint,
      interruptionQueueName: interruptionQueueNameFor({ clusterName: c.clusterName, region: c.region, queueName: c.interruptionQueue.name }),
      version: c.karpenter.chartVersion,
      namespace: c.controller.namespace,
      serviceAccountName: c.controller.serviceAccount,
      irsaRoleArn,
      controllerResources: c.karpenter.controllerResources,
      zonalShift: c.karpenter.zonalShift,
      // The feature gates the pools need: replicas needs StaticCapacity (alpha, off in the chart).
      staticCapacity: c.nodePools.some((p) => p.replicas !== undefined),
      reservedCapacity: c.nodePools.some((p) => p.capacityTypes.includes("reserved")),
      nodeRepair: c.nodeRepair.enabled,
      nodeOverlay: c.nodePools.some((p) => p.gpuSharing !== undefined),
      additionalValues: c.karpenter.additionalValues,
      releaseName: c.karpenter.releaseName,
      crdReleaseName: c.karpenter.crdReleaseName,
      adoptExistingCrds: c.karpenter.adoptExistingCrds,
      importExistingReleases: c.karpenter.importExistingReleases,
      keepCrds: c.karpenter.keepCrds,
    });
    if (c.karpenter.zonalShift) {
      // Karpenter panics at start-up when the cluster is not registered with zonal shift
      // (aws/karpenter-provider-aws v1.14.1 pkg/operator/operator.go, ValidateZonalShiftEnablement).
      new PlanCheck(this, "zonalShiftEnabled", {
        lifecycle: {
          precondition: [
            {
              condition: `\${try(${this.connection.cluster.fqn}.zonal_shift_config[0].enabled, false)}`,
              errorMessage:
                `karpenter.zonalShift is true, but zonal shift is not enabled on cluster ${c.clusterName}: the Karpenter controller would panic at start-up ("Unable to find Cluster ... in Zonal Shift"). ` +
                `Enable it on the cluster (aws eks update-cluster-config --name ${c.clusterName} --zonal-shift-config enabled=true, or zonal_shift_config in your cluster module), or set karpenter.zonalShift: false.`,
            },
          ],
        },
      });
    }
    this.gpuOperator = new GpuOperator(this, "gpuOperator", {
      gpuNodeTaints: c.nodePools.flatMap((p) => p.taints),
      gpuSharing: c.nodePools.flatMap((p) => (p.gpuSharing ? [p.gpuSharing] : [])),
      version: c.gpuOperator.chartVersion,
      installDriver: c.gpuOperator.installDriver,
      additionalValues: c.gpuOperator.additionalValues,
    });

    // EFA pods request vpc.amazonaws.com/efa, which only the device plugin advertises.
    const efaClasses = new Set(c.nodeClasses.filter((nc) => nc.efa).map((nc) => nc.name));
    if (efaClasses.size > 0) {
      this.efaDevicePlugin = new EfaDevicePlugin(this, "efaDevicePlugin", {
        efaNodeTaints: c.nodePools.filter((p) => efaClasses.has(p.nodeClass)).flatMap((p) => p.taints),
        region: c.region,
      });
    }

    new TerraformOutput(this, "karpenterChartVersion", { value: this.karpenter.version, description: "Installed karpenter chart version" });
    new TerraformOutput(this, "gpuOperatorChartVersion", { value: this.gpuOperator.version, description: "Installed gpu-operator chart version" });
    if (this.efaDevicePlugin) {
      new TerraformOutput(this, "efaDevicePluginChartVersion", { value: this.efaDevicePlugin.version, description: "Installed aws-efa-k8s-device-plugin chart version" });
    }
  }
}
