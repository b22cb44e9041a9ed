/**
 * The consumer example's three stacks, from a CommonJS app shaped like the one
 * `cdktf init --template=typescript` creates: stacks as classes, and the template's compiler
 * options (`module: CommonJS`), so `tsc` turns each `import` below into `require()` and
 * `node dist/main.js` loads karpenter-gpu, an ES module package, with Node's `require()`.
 *
 * It writes the same `cdktf.out/stacks/<stack>/cdk.tf.json` files as `../main.ts`, byte for byte
 * (`__tests__/stacks/examples.test.ts` compares them): change both together.
 */
import { DataAwsEksCluster } from "@cdktf/provider-aws/lib/data-aws-eks-cluster/index.js";
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets/index.js";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider/index.js";
import { App, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { EksClusterConnection, GpuNodeClass, GpuNodePool, KarpenterAws, nodeRoleNameFor, useLocalState } from "karpenter-gpu";

const clusterName = "ml-cluster";
const region = "eu-west-1";

/** Reads the existing cluster: its VPC and security group are what the other stacks build on. */
class NetworkStack extends TerraformStack {
  public readonly cluster: DataAwsEksCluster;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    useLocalState(this);
    new AwsProvider(this, "aws", { region });
    this.cluster = new DataAwsEksCluster(this, "cluster", { name: clusterName });
  }
}

/** The AWS half only, in the cluster VPC's private subnets (found at plan). */
class IamStack extends TerraformStack {
  constructor(scope: Construct, id: string, network: NetworkStack) {
    super(scope, id);
    useLocalState(this);
    new AwsProvider(this, "aws", { region, defaultTags: [{ tags: { team: "ml-platform" } }] });
    const vpc = network.cluster.vpcConfig.get(0);
    const subnets = new DataAwsSubnets(this, "privateSubnets", {
      filter: [
        { name: "vpc-id", values: [vpc.vpcId] },
        { name: "tag:kubernetes.io/role/internal-elb", values: ["1"] },
      ],
    });
    const karpenter = new KarpenterAws(this, "karpenter", {
      clusterName,
      region,
      discovery: { subnetIds: subnets.ids, securityGroupIds: [vpc.clusterSecurityGroupId] },
      nodeRole: { additionalPolicyArns: { s3Read: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" } },
    });
    new TerraformOutput(this, "controllerRoleArn", { value: karpenter.controller.roleArn });
    this.addDependency(network);
  }
}

/** The node pools only, for a cluster whose Karpenter was installed by other means. */
class PoolsStack extends TerraformStack {
  constructor(scope: Construct, id: string, iam: IamStack) {
    super(scope, id);
    useLocalState(this);
    new AwsProvider(this, "aws", { region });
    const connection = new EksClusterConnection(this, "cluster", { clusterName, region });
    new KubernetesProvider(this, "kubernetes", connection.kubernetesProvider());
    const roleName = nodeRoleNameFor({ clusterName, region });
    const nodeClass = new GpuNodeClass(this, "inference-class", { name: "inference", clusterName, roleName, rootVolume: { sizeGiB: 300 } });
    new GpuNodePool(this, "inference-pool", {
      name: "inference",
      nodeClass,
      instanceCategories: ["g"],
      cpuLimit: 256,
      gpuLimit: 16,
    });
    this.addDependency(iam);
  }
}

const app = new App();
const network = new NetworkStack(app, "gpu-platform-network");
const iam = new IamStack(app, "gpu-platform-iam", network);
new PoolsStack(app, "gpu-platform-pools", iam);
app.synth();
