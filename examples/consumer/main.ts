/**
 * A platform team's own CDKTF app using karpenter-gpu as a library, not through its config file.
 *
 * - `gpu-platform-network`: reads the existing cluster; its VPC and security group are what the
 *   other stacks build on (in a real estate, often a network team's stack).
 * - `gpu-platform-iam`: only the AWS half (KarpenterAws), in the team's own stack with its own
 *   provider settings, plus an extra output of its own. Its subnets come from a data source and
 *   its security group from the network stack's output: tokens, known at plan, not at synth.
 * - `gpu-platform-pools`: only the node pools, built from the constructs, for a cluster whose
 *   Karpenter was installed by other means (so no chart stack here). It refers to the node role
 *   by the name the IAM stack gives it.
 *
 * Both keep local state in `terraform.<stack>.tfstate` beside `cdktf.out/` through a relative path
 * (`useLocalState`), so the synthesized files are the same wherever the app is checked out.
 */
import { DataAwsEksCluster } from "@cdktf/provider-aws/lib/data-aws-eks-cluster/index.js";
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets/index.js";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider/index.js";
import { App, TerraformOutput, TerraformStack } from "cdktf";
import { EksClusterConnection, GpuNodeClass, GpuNodePool, KarpenterAws, nodeRoleNameFor, useLocalState } from "karpenter-gpu";

const clusterName = "ml-cluster";
const region = "eu-west-1";
const app = new App();

const network = new TerraformStack(app, "gpu-platform-network");
useLocalState(network);
new AwsProvider(network, "aws", { region });
const eks = new DataAwsEksCluster(network, "cluster", { name: clusterName });

const iam = new TerraformStack(app, "gpu-platform-iam");
useLocalState(iam);
new AwsProvider(iam, "aws", { region, defaultTags: [{ tags: { team: "ml-platform" } }] });
// The cluster VPC's private subnets (tagged for internal load balancers), found at plan.
const privateSubnets = new DataAwsSubnets(iam, "privateSubnets", {
  filter: [
    { name: "vpc-id", values: [eks.vpcConfig.get(0).vpcId] },
    { name: "tag:kubernetes.io/role/internal-elb", values: ["1"] },
  ],
});
const karpenter = new KarpenterAws(iam, "karpenter", {
  clusterName,
  region,
  // Tokens: DiscoveryTags looks each subnet up and tags it with for_each, checking the IDs at plan.
  discovery: { subnetIds: privateSubnets.ids, securityGroupIds: [eks.vpcConfig.get(0).clusterSecurityGroupId] },
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
// The class itself: the pool takes its name and waits for it to be Ready.
new GpuNodePool(pools, "inference-pool", {
  name: "inference",
  nodeClass,
  instanceCategories: ["g"],
  cpuLimit: 256,
  gpuLimit: 16,
});
iam.addDependency(network);
pools.addDependency(iam);

app.synth();
