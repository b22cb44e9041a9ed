/**
 * The benchmark's floor: a minimal CDKTF app that pays what any CDKTF app with this module's
 * providers pays. It imports the same provider submodules as the module (deep imports, like the
 * module), builds three stacks (one provider and a few resources each) and synthesizes them.
 * No configuration, no validation, no module code. Run it as the app is run: compiled, with node.
 */
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target/index.js";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity/index.js";
import { DataAwsEksAddon } from "@cdktf/provider-aws/lib/data-aws-eks-addon/index.js";
import { DataAwsEksCluster } from "@cdktf/provider-aws/lib/data-aws-eks-cluster/index.js";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js";
import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role/index.js";
import { DataAwsIamRoles } from "@cdktf/provider-aws/lib/data-aws-iam-roles/index.js";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition/index.js";
import { DataAwsSecurityGroup } from "@cdktf/provider-aws/lib/data-aws-security-group/index.js";
import { DataAwsServicequotasServiceQuota } from "@cdktf/provider-aws/lib/data-aws-servicequotas-service-quota/index.js";
import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet/index.js";
import { DataAwsVpcSecurityGroupRule } from "@cdktf/provider-aws/lib/data-aws-vpc-security-group-rule/index.js";
import { DataAwsVpcSecurityGroupRules } from "@cdktf/provider-aws/lib/data-aws-vpc-security-group-rules/index.js";
import { Ec2Tag } from "@cdktf/provider-aws/lib/ec2-tag/index.js";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry/index.js";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon/index.js";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association/index.js";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamServiceLinkedRole } from "@cdktf/provider-aws/lib/iam-service-linked-role/index.js";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy/index.js";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy/index.js";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue/index.js";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider/index.js";
import { Release } from "@cdktf/provider-helm/lib/release/index.js";
import { Annotations } from "@cdktf/provider-kubernetes/lib/annotations/index.js";
import { Labels } from "@cdktf/provider-kubernetes/lib/labels/index.js";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest/index.js";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider/index.js";
import { App, TerraformStack } from "cdktf";

// Every imported class is used once, so no import is dropped as unused.
const app = new App({ stackTraces: false });
const aws = new TerraformStack(app, "floor-aws");
new AwsProvider(aws, "aws", { region: "us-west-2" });
new DataAwsCallerIdentity(aws, "caller");
new DataAwsPartition(aws, "partition");
new DataAwsEksAddon(aws, "addon", { clusterName: "c", addonName: "eks-pod-identity-agent" });
new DataAwsIamRoles(aws, "roles", { nameRegex: "AWSServiceRoleForEC2Spot" });
const subnet = new DataAwsSubnet(aws, "subnet", { id: "subnet-00000000" });
const group = new DataAwsSecurityGroup(aws, "group", { id: "sg-00000000" });
new Ec2Tag(aws, "tag", { resourceId: subnet.id, key: "karpenter.sh/discovery", value: "c" });
const ruleIds = new DataAwsVpcSecurityGroupRules(aws, "rule-ids", { filter: [{ name: "group-id", values: [group.id] }] });
new DataAwsVpcSecurityGroupRule(aws, "sg-rule", { securityGroupRuleId: "sgr-00000000", dependsOn: [ruleIds] });
const doc = new DataAwsIamPolicyDocument(aws, "doc", { statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }] });
const role = new IamRole(aws, "role", { name: "floor", assumeRolePolicy: doc.json });
const policy = new IamPolicy(aws, "policy", { name: "floor", policy: doc.json });
new IamRolePolicyAttachment(aws, "attach", { role: role.name, policyArn: policy.arn });
new IamRolePolicy(aws, "inline", { name: "floor", role: role.id, policy: doc.json });
new IamServiceLinkedRole(aws, "slr", { awsServiceName: "spot.amazonaws.com" });
new EksAccessEntry(aws, "entry", { clusterName: "c", principalArn: role.arn, type: "EC2_LINUX" });
new EksAddon(aws, "agent", { clusterName: "c", addonName: "eks-pod-identity-agent" });
new EksPodIdentityAssociation(aws, "pia", { clusterName: "c", namespace: "kube-system", serviceAccount: "karpenter", roleArn: role.arn });
const queue = new SqsQueue(aws, "queue", { name: "floor", sqsManagedSseEnabled: true });
new SqsQueuePolicy(aws, "queue-policy", { queueUrl: queue.url, policy: doc.json });
new KmsKeyPolicy(aws, "key-policy", { keyId: "k", policy: doc.json });
const rule = new CloudwatchEventRule(aws, "rule", { eventPattern: JSON.stringify({ source: ["aws.ec2"] }) });
new CloudwatchEventTarget(aws, "target", { rule: rule.name, arn: queue.arn });

const charts = new TerraformStack(app, "floor-charts");
new AwsProvider(charts, "aws", { region: "us-west-2" });
const cluster = new DataAwsEksCluster(charts, "cluster", { name: "c" });
new DataAwsIamRole(charts, "controller", { name: "floor" });
new HelmProvider(charts, "helm", { kubernetes: { host: cluster.endpoint } });
new Release(charts, "karpenter", { name: "karpenter", chart: "karpenter", namespace: "kube-system" });
new Release(charts, "gpu-operator", { name: "gpu-operator", chart: "gpu-operator", namespace: "gpu-operator" });

const pools = new TerraformStack(app, "floor-node-pools");
new AwsProvider(pools, "aws", { region: "us-west-2" });
new DataAwsServicequotasServiceQuota(pools, "quota", { serviceCode: "ec2", quotaCode: "L-DB2E81BA" });
new KubernetesProvider(pools, "kubernetes", { host: "https://example.invalid" });
new Manifest(pools, "node-class", { manifest: { apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", metadata: { name: "gpu" } } });
new Manifest(pools, "node-pool", { manifest: { apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name: "gpu" } } });
const crd = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "nodepools.karpenter.sh" } };
new Labels(pools, "crd-labels", { ...crd, labels: { "app.kubernetes.io/managed-by": "Helm" } });
new Annotations(pools, "crd-annotations", { ...crd, annotations: { "meta.helm.sh/release-name": "karpenter-crd" } });

app.synth();
