/**
 * A platform team's own CDKTF app using karpenter-gpu as a library, not through its config file.
 *
 * - `gpu-platform-iam`: only the AWS half (KarpenterAws), in the team's own stack with its own
 *   provider settings, plus an extra output of its own.
 * - `gpu-platform-pools`: only the node pools, built from the constructs, for a cluster whose
 *   Karpenter was installed by other means (so no chart stack here). It refers to the node role
 *   by the name the IAM stack gives it.
 *
 * Both keep local state in `terraform.<stack>.tfstate` beside `cdktf.out/` through a relative path
 * (`useLocalState`), so the synthesized files are the same wherever the app is checked out.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider/index.js";
import { App, TerraformOutput, TerraformStack } from "cdktf";
import { EksClusterConnection, GpuNodeClass, GpuNodePool, KarpenterAws, nodeRoleNameFor, useLocalState } from "karpenter-gpu";

const clusterName = "ml-cluster";
const region = "eu-west-1";
const app = new App();

const iam = new TerraformStack(app, "gpu-platform-iam");
useLocalState(iam);
new AwsProvider(iam, "aws", { region, defaultTags: [{ tags: { team: "ml-platform" } }] });
const karpenter = new KarpenterAws(iam, "karpenter", {
  clusterName,
  region,
  discovery: { subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"], securityGroupIds: ["sg-0123456789abcdef0"] },
  nodeRole: { additionalPolicyArns: { s3Read: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" } },
});
new TerraformOutput(iam, "controllerRoleArn", { value: karpenter.controller.roleArn });

const pools = new TerraformStack(app, "gpu-platform-pools");
useLocalState(pools);
new AwsProvider(pools, "aws", { region });
const cluster = new EksClusterConnection(pools, "cluster", { clusterName, region });
new KubernetesProvider(pools, "kubernetes", cluster.kubernetesProvider());
const nodeClass = new GpuNodeClass(pools, "inference-class", {
  name: "inference",
  clusterName,
  roleName: nodeRoleNameFor({ clusterName, region }),
  rootVolume: { sizeGiB: 300 },
});
new GpuNodePool(pools, "inference-pool", {
  name: "inference",
  nodeClassName: nodeClass.name,
  instanceCategories: ["g"],
  cpuLimit: 256,
  gpuLimit: 16,
  dependsOn: [nodeClass.manifest],
});
pools.addDependency(iam);

app.synth();
