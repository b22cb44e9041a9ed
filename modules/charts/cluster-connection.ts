import { DataAwsEksCluster } from "@cdktf/provider-aws/lib/data-aws-eks-cluster/index.js";
import type { HelmProviderKubernetes } from "@cdktf/provider-helm/lib/provider/index.js";
import type { KubernetesProviderConfig } from "@cdktf/provider-kubernetes/lib/provider/index.js";
import { Fn, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { assignProvider } from "../core/provider.js";
import { clusterNameProblem, regionProblem, throwIfProblems } from "../core/rules.js";
import { EphemeralEksClusterAuth } from "./ephemeral.js";

/**
 * How Terraform authenticates to the Kubernetes API.
 * - `token`: a token from `ephemeral "aws_eks_cluster_auth"` (Terraform >= 1.10), opened anew
 *   in each phase and never stored: a plan approved hours ago still applies. Works anywhere the
 *   AWS provider has credentials, including Terraform Cloud runners (no aws CLI there). The token
 *   lives about 15 minutes from the start of the phase.
 * - `exec`: `aws eks get-token` whenever the provider needs a token. Needs the aws CLI; survives
 *   applies longer than 15 minutes (a NodePool delete that waits for a long drain). For local use.
 */
export type KubernetesAuth = "token" | "exec";

export interface EksClusterConnectionProps {
  /** Name of the existing EKS cluster. */
  readonly clusterName: string;
  /** The cluster's region (passed to `aws eks get-token` with `exec`). */
  readonly region: string;
  /** How Terraform authenticates to the Kubernetes API: an ephemeral token, or `aws eks get-token`. @default "token" */
  readonly auth?: KubernetesAuth;
  /**
   * With `exec`: the AWS profile `aws eks get-token` runs with (`--profile`), so the token is the
   * AWS provider's identity (give the AWS provider's `profile`). With `token` it is not used: the
   * AWS provider makes the token with its own credentials.
   * @default - the aws CLI's default credentials
   */
  readonly awsProfile?: string;
  /**
   * With `exec`: the role `aws eks get-token` assumes (`--role-arn`), as the AWS provider's
   * `assume_role` does. With `token` it is not used.
   * @default - no role: the token is for the aws CLI's own credentials
   */
  readonly assumeRoleArn?: string;
  /**
   * Your existing `data.aws_eks_cluster` of this cluster: its endpoint and CA are used instead of
   * reading the cluster again.
   * @default - a `data.aws_eks_cluster` of `clusterName` is created
   */
  readonly cluster?: DataAwsEksCluster;
  /** The AWS provider of everything this creates (an aliased one for a second region or account in the stack). @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** Reads an EKS cluster's endpoint and CA and produces connection settings for the Helm and Kubernetes providers. */
export class EksClusterConnection extends Construct {
  /** The `data.aws_eks_cluster`: the one given as `cluster`, or the one created. */
  public readonly cluster: DataAwsEksCluster;
  /** API server URL. */
  public readonly endpoint: string;
  /** PEM CA bundle (decoded). */
  public readonly clusterCaCertificate: string;
  /** The authentication used (default applied). */
  public readonly auth: KubernetesAuth;
  private readonly token?: string;
  private readonly exec?: { apiVersion: string; command: string; args: string[] };

  constructor(scope: Construct, id: string, props: EksClusterConnectionProps) {
    super(scope, id);
    throwIfProblems(this, "EksClusterConnection", [
      { prop: "clusterName", problem: clusterNameProblem(props.clusterName) },
      { prop: "region", problem: regionProblem(props.region) },
    ]);
    // Token by default: Terraform Cloud runners have no aws CLI for exec. It is ephemeral, not a
    // data source: a data source's token is frozen into the saved plan and expires 15 minutes
    // later, so a reviewed plan fails with Unauthorized (hashicorp/terraform-provider-kubernetes#1131).
    this.auth = props.auth ?? "token";
    // The user's own lookup when given: no second read of the cluster.
    this.cluster = props.cluster ?? new DataAwsEksCluster(this, "cluster", { name: props.clusterName });
    this.endpoint = this.cluster.endpoint;
    this.clusterCaCertificate = Fn.base64decode(this.cluster.certificateAuthority.get(0).data);
    if (this.auth === "token") {
      this.token = new EphemeralEksClusterAuth(this, "auth", { name: props.clusterName, provider: props.provider }).token;
    } else {
      this.exec = {
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: "aws",
        args: [
          "eks", "get-token", "--cluster-name", props.clusterName, "--region", props.region, "--output", "json",
          ...(props.assumeRoleArn ? ["--role-arn", props.assumeRoleArn] : []),
          ...(props.awsProfile ? ["--profile", props.awsProfile] : []),
        ],
      };
    }
    assignProvider(this, props.provider);
  }

  /** The `kubernetes` attribute of the Helm provider (an object in helm provider 3.x). */
  public helmKubernetes(): HelmProviderKubernetes {
    return { host: this.endpoint, clusterCaCertificate: this.clusterCaCertificate, token: this.token, exec: this.exec };
  }

  /** Connection settings for the Kubernetes provider (`exec` is a block list there). */
  public kubernetesProvider(): Pick<KubernetesProviderConfig, "host" | "clusterCaCertificate" | "token" | "exec"> {
    return { host: this.endpoint, clusterCaCertificate: this.clusterCaCertificate, token: this.token, exec: this.exec ? [this.exec] : undefined };
  }
}
