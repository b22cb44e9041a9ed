import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DataAwsEksCluster } from "@cdktf/provider-aws/lib/data-aws-eks-cluster/index.js";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider/index.js";
import { EksClusterConnection } from "../../modules/charts/cluster-connection.js";
import { errorOf, ofType, synthStack, type Synth } from "../helpers.js";

describe("EksClusterConnection", () => {
  it("by default authenticates with an ephemeral aws_eks_cluster_auth token: fresh at apply, never in plan or state, no aws CLI needed", () => {
    const s = synthStack((stack) => {
      const conn = new EksClusterConnection(stack, "c", { clusterName: "prod-cluster", region: "us-west-2" });
      new KubernetesProvider(stack, "kubernetes", conn.kubernetesProvider());
    }) as Synth & { ephemeral?: Record<string, Record<string, unknown>> };
    assert.deepEqual(Object.values(ofType(s.data, "aws_eks_cluster")), [{ name: "prod-cluster" }]);
    assert.deepEqual(ofType(s.data, "aws_eks_cluster_auth"), {}, "a data source's token is frozen into the plan");
    assert.deepEqual(Object.entries(s.ephemeral?.aws_eks_cluster_auth ?? {}), [["c_auth_28B83B7E", { name: "prod-cluster" }]]);
    const provider = (s.provider?.kubernetes as Record<string, unknown>[])[0];
    assert.equal(provider.token, "${ephemeral.aws_eks_cluster_auth.c_auth_28B83B7E.token}");
    assert.equal(provider.exec, undefined);
    assert.equal((s.terraform as Record<string, unknown>).required_version, ">= 1.10", "ephemeral resources need Terraform 1.10");
  });

  it("reuses the user's data.aws_eks_cluster instead of reading the cluster again", () => {
    let conn: EksClusterConnection | undefined;
    const s = synthStack((stack) => {
      const mine = new DataAwsEksCluster(stack, "mine", { name: "prod-cluster" });
      conn = new EksClusterConnection(stack, "c", { clusterName: "prod-cluster", region: "us-west-2", cluster: mine });
    });
    assert.deepEqual(Object.keys(ofType(s.data, "aws_eks_cluster")), ["mine"]);
    assert.match(String(conn?.helmKubernetes().host), /TfToken/);
    assert.equal(conn?.cluster.node.id, "mine");
  });

  it("with exec runs `aws eks get-token` for the cluster and region, and reads no token", () => {
    let conn: EksClusterConnection | undefined;
    const s = synthStack((stack) => (conn = new EksClusterConnection(stack, "c", { clusterName: "prod-cluster", region: "eu-west-1", auth: "exec" })));
    assert.deepEqual(ofType(s.data, "aws_eks_cluster_auth"), {});
    assert.equal((s as { ephemeral?: unknown }).ephemeral, undefined);
    const exec = { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", "prod-cluster", "--region", "eu-west-1", "--output", "json"] };
    assert.deepEqual(conn!.helmKubernetes().exec, exec);
    assert.deepEqual(conn!.kubernetesProvider().exec, [exec]);
    assert.equal(conn!.kubernetesProvider().token, undefined);
  });

  it("rejects a bad cluster name or region", () => {
    assert.match(errorOf(() => synthStack((stack) => new EksClusterConnection(stack, "c", { clusterName: "a b", region: "x" }))), /- clusterName: must be an EKS cluster name[\s\S]*- region: must be an AWS region code/);
  });
});
