import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EksClusterConnection } from "../modules/cluster-connection.js";
import { errorOf, ofType, synthStack } from "./helpers.js";

describe("EksClusterConnection", () => {
  it("by default authenticates with a token from data.aws_eks_cluster_auth (no aws CLI needed)", () => {
    let conn: EksClusterConnection | undefined;
    const s = synthStack((stack) => (conn = new EksClusterConnection(stack, "c", { clusterName: "prod-cluster", region: "us-west-2" })));
    assert.deepEqual(Object.values(ofType(s.data, "aws_eks_cluster")), [{ name: "prod-cluster" }]);
    assert.deepEqual(Object.values(ofType(s.data, "aws_eks_cluster_auth")), [{ name: "prod-cluster" }]);
    const helm = conn!.helmKubernetes();
    assert.equal(helm.exec, undefined);
    assert.ok(helm.token && helm.host && helm.clusterCaCertificate);
  });

  it("with exec runs `aws eks get-token` for the cluster and region, and reads no token", () => {
    let conn: EksClusterConnection | undefined;
    const s = synthStack((stack) => (conn = new EksClusterConnection(stack, "c", { clusterName: "prod-cluster", region: "eu-west-1", auth: "exec" })));
    assert.deepEqual(ofType(s.data, "aws_eks_cluster_auth"), {});
    const exec = { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", "prod-cluster", "--region", "eu-west-1", "--output", "json"] };
    assert.deepEqual(conn!.helmKubernetes().exec, exec);
    assert.deepEqual(conn!.kubernetesProvider().exec, [exec]);
    assert.equal(conn!.kubernetesProvider().token, undefined);
  });

  it("rejects a bad cluster name or region", () => {
    assert.match(errorOf(() => synthStack((stack) => new EksClusterConnection(stack, "c", { clusterName: "a b", region: "x" }))), /- clusterName: must be an EKS cluster name[\s\S]*- region: must be an AWS region code/);
  });
});
