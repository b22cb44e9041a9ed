/**
 * Two clusters in two regions composed in ONE stack, each through aliased providers passed as
 * `provider`: what a platform team writes when one Terraform state holds several clusters. Used
 * by the provider tests and by terraform validate.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider/index.js";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider/index.js";
import { TerraformStack } from "cdktf";
import { EfaSecurityGroupCheck } from "../modules/aws/efa-security-group-check.js";
import { KarpenterAws } from "../modules/aws/karpenter-aws.js";
import { EksClusterConnection } from "../modules/charts/cluster-connection.js";
import { EfaDevicePlugin } from "../modules/charts/efa-device-plugin.js";
import { GpuOperator } from "../modules/charts/gpu-operator.js";
import { KarpenterChart } from "../modules/charts/karpenter-chart.js";
import { GpuNodeClass } from "../modules/nodepools/node-class.js";
import { GpuNodePool } from "../modules/nodepools/node-pool.js";
import { QUOTA_BUCKETS } from "../modules/karpenter/quota.js";
import { QuotaGuard } from "../modules/nodepools/quota-guard.js";
import { newApp } from "./helpers.js";

export const CLUSTERS = { west: { clusterName: "gpu", region: "us-west-2", sg: "sg-0c3d4e5f607182930" }, east: { clusterName: "gpu", region: "us-east-1", sg: "sg-0123456789abcdef0" } } as const;

/** The stack: per cluster (alias = construct id prefix) the AWS half, the charts and a pool. */
export function twoClusterStack(): TerraformStack {
  const stack = new TerraformStack(newApp(), "platform");
  for (const [alias, c] of Object.entries(CLUSTERS)) {
    const aws = new AwsProvider(stack, `aws-${alias}`, { alias, region: c.region });
    new KarpenterAws(stack, `${alias}-karpenter`, {
      clusterName: c.clusterName,
      region: c.region,
      provider: aws,
      discovery: { subnetIds: ["subnet-0a1b2c3d4e5f60718"], securityGroupIds: [c.sg] },
      prerequisites: { podIdentityAgent: "present" },
    });
    new EfaSecurityGroupCheck(stack, `${alias}-efa-sg`, { securityGroupIds: [c.sg], provider: aws });
    const connection = new EksClusterConnection(stack, `${alias}-cluster`, { clusterName: c.clusterName, region: c.region, provider: aws });
    const helm = new HelmProvider(stack, `helm-${alias}`, { alias, kubernetes: connection.helmKubernetes() });
    const kubernetes = new KubernetesProvider(stack, `kubernetes-${alias}`, { alias, ...connection.kubernetesProvider() });
    const taints = [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" as const }];
    new KarpenterChart(stack, `${alias}-karpenter-chart`, {
      clusterName: c.clusterName,
      region: c.region,
      clusterEndpoint: connection.endpoint,
      interruptionQueueName: `Karpenter-${c.clusterName}-${c.region}`,
      provider: helm,
      kubernetesProvider: kubernetes,
      adoptExistingCrds: true,
    });
    new GpuOperator(stack, `${alias}-gpu-operator`, { gpuNodeTaints: taints, provider: helm });
    new EfaDevicePlugin(stack, `${alias}-efa`, { efaNodeTaints: taints, region: c.region, provider: helm });
    const nodeClass = new GpuNodeClass(stack, `${alias}-class`, { name: "gpu", clusterName: c.clusterName, roleName: `KarpenterNodeRole-${c.clusterName}-${c.region}`, amiAlias: "al2023@v20251120", provider: kubernetes });
    new GpuNodePool(stack, `${alias}-pool`, { name: "gpu", nodeClass, instanceCategories: ["g"], cpuLimit: 64, taints, expireAfter: "Never", provider: kubernetes });
    new QuotaGuard(stack, `${alias}-quota`, { needs: [{ bucket: QUOTA_BUCKETS[0], pools: ["gpu"], vcpus: 64 }], mode: "fail", region: c.region, provider: aws });
  }
  return stack;
}
