/**
 * CommonJS dependencies (cdktf, the prebuilt providers, yaml), loaded with require() rather
 * than an ESM import.
 *
 * Why: when ESM code imports a CommonJS module, Node first scans the module's source (and each
 * module it re-exports) for named exports. The provider modules are large; that scan took about
 * 150 ms of a 0.84 s synth. With require() the scan is skipped. `npm run bench` measures it.
 *
 * Each export is a value (the class) and a type of the same name, so the rest of the code uses
 * them exactly like the package's own exports.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

type Yaml = typeof import("yaml");
const yaml = require("yaml") as Yaml;
export const parseYaml: Yaml["parse"] = yaml.parse;
export const stringifyYaml: Yaml["stringify"] = yaml.stringify;
export const YAMLParseError: Yaml["YAMLParseError"] = yaml.YAMLParseError;
export type YAMLParseError = import("yaml").YAMLParseError;

type Cdktf = typeof import("cdktf");
const cdktf = require("cdktf") as Cdktf;

export const App: Cdktf["App"] = cdktf.App;
export type App = import("cdktf").App;
export const Annotations: Cdktf["Annotations"] = cdktf.Annotations;
export const CloudBackend: Cdktf["CloudBackend"] = cdktf.CloudBackend;
export type CloudBackend = import("cdktf").CloudBackend;
export const DataResource: Cdktf["DataResource"] = cdktf.DataResource;
export type DataResource = import("cdktf").DataResource;
export const Fn: Cdktf["Fn"] = cdktf.Fn;
export const LocalBackend: Cdktf["LocalBackend"] = cdktf.LocalBackend;
export type LocalBackend = import("cdktf").LocalBackend;
export const NamedCloudWorkspace: Cdktf["NamedCloudWorkspace"] = cdktf.NamedCloudWorkspace;
export type NamedCloudWorkspace = import("cdktf").NamedCloudWorkspace;
export const TerraformOutput: Cdktf["TerraformOutput"] = cdktf.TerraformOutput;
export type TerraformOutput = import("cdktf").TerraformOutput;
export const TerraformStack: Cdktf["TerraformStack"] = cdktf.TerraformStack;
export type TerraformStack = import("cdktf").TerraformStack;
export const Token: Cdktf["Token"] = cdktf.Token;
export const TerraformElement: Cdktf["TerraformElement"] = cdktf.TerraformElement;
export type TerraformElement = import("cdktf").TerraformElement;
export const ref: Cdktf["ref"] = cdktf.ref;

export const { CloudwatchEventRule } = require("@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js") as typeof import("@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js");
export type CloudwatchEventRule = import("@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js").CloudwatchEventRule;
export const { CloudwatchEventTarget } = require("@cdktf/provider-aws/lib/cloudwatch-event-target/index.js") as typeof import("@cdktf/provider-aws/lib/cloudwatch-event-target/index.js");
export type CloudwatchEventTarget = import("@cdktf/provider-aws/lib/cloudwatch-event-target/index.js").CloudwatchEventTarget;
export const { DataAwsCallerIdentity } = require("@cdktf/provider-aws/lib/data-aws-caller-identity/index.js") as typeof import("@cdktf/provider-aws/lib/data-aws-caller-identity/index.js");
export type DataAwsCallerIdentity = import("@cdktf/provider-aws/lib/data-aws-caller-identity/index.js").DataAwsCallerIdentity;
export const { DataAwsEksAddon } = require("@cdktf/provider-aws/lib/data-aws-eks-addon/index.js") as typeof import("@cdktf/provider-aws/lib/data-aws-eks-addon/index.js");
export type DataAwsEksAddon = import("@cdktf/provider-aws/lib/data-aws-eks-addon/index.js").DataAwsEksAddon;
export const { DataAwsIamRoles } = require("@cdktf/provider-aws/lib/data-aws-iam-roles/index.js") as typeof import("@cdktf/provider-aws/lib/data-aws-iam-roles/index.js");
export type DataAwsIamRoles = import("@cdktf/provider-aws/lib/data-aws-iam-roles/index.js").DataAwsIamRoles;
export const { EksAddon } = require("@cdktf/provider-aws/lib/eks-addon/index.js") as typeof import("@cdktf/provider-aws/lib/eks-addon/index.js");
export type EksAddon = import("@cdktf/provider-aws/lib/eks-addon/index.js").EksAddon;
export const { IamServiceLinkedRole } = require("@cdktf/provider-aws/lib/iam-service-linked-role/index.js") as typeof import("@cdktf/provider-aws/lib/iam-service-linked-role/index.js");
export type IamServiceLinkedRole = import("@cdktf/provider-aws/lib/iam-service-linked-role/index.js").IamServiceLinkedRole;
export const { DataAwsEksCluster } = require("@cdktf/provider-aws/lib/data-aws-eks-cluster/index.js") as typeof import("@cdktf/provider-aws/lib/data-aws-eks-cluster/index.js");
export type DataAwsEksCluster = import("@cdktf/provider-aws/lib/data-aws-eks-cluster/index.js").DataAwsEksCluster;
export const { DataAwsIamPolicyDocument } = require("@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js") as typeof import("@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js");
export type DataAwsIamPolicyDocument = import("@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js").DataAwsIamPolicyDocument;
export const { DataAwsIamRole } = require("@cdktf/provider-aws/lib/data-aws-iam-role/index.js") as typeof import("@cdktf/provider-aws/lib/data-aws-iam-role/index.js");
export type DataAwsIamRole = import("@cdktf/provider-aws/lib/data-aws-iam-role/index.js").DataAwsIamRole;
export const { DataAwsPartition } = require("@cdktf/provider-aws/lib/data-aws-partition/index.js") as typeof import("@cdktf/provider-aws/lib/data-aws-partition/index.js");
export type DataAwsPartition = import("@cdktf/provider-aws/lib/data-aws-partition/index.js").DataAwsPartition;
export const { DataAwsServicequotasServiceQuota } = require("@cdktf/provider-aws/lib/data-aws-servicequotas-service-quota/index.js") as typeof import("@cdktf/provider-aws/lib/data-aws-servicequotas-service-quota/index.js");
export type DataAwsServicequotasServiceQuota = import("@cdktf/provider-aws/lib/data-aws-servicequotas-service-quota/index.js").DataAwsServicequotasServiceQuota;
export const { Ec2Tag } = require("@cdktf/provider-aws/lib/ec2-tag/index.js") as typeof import("@cdktf/provider-aws/lib/ec2-tag/index.js");
export type Ec2Tag = import("@cdktf/provider-aws/lib/ec2-tag/index.js").Ec2Tag;
export const { EksAccessEntry } = require("@cdktf/provider-aws/lib/eks-access-entry/index.js") as typeof import("@cdktf/provider-aws/lib/eks-access-entry/index.js");
export type EksAccessEntry = import("@cdktf/provider-aws/lib/eks-access-entry/index.js").EksAccessEntry;
export const { EksPodIdentityAssociation } = require("@cdktf/provider-aws/lib/eks-pod-identity-association/index.js") as typeof import("@cdktf/provider-aws/lib/eks-pod-identity-association/index.js");
export type EksPodIdentityAssociation = import("@cdktf/provider-aws/lib/eks-pod-identity-association/index.js").EksPodIdentityAssociation;
export const { IamPolicy } = require("@cdktf/provider-aws/lib/iam-policy/index.js") as typeof import("@cdktf/provider-aws/lib/iam-policy/index.js");
export type IamPolicy = import("@cdktf/provider-aws/lib/iam-policy/index.js").IamPolicy;
export const { IamRolePolicyAttachment } = require("@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js") as typeof import("@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js");
export type IamRolePolicyAttachment = import("@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js").IamRolePolicyAttachment;
export const { IamRole } = require("@cdktf/provider-aws/lib/iam-role/index.js") as typeof import("@cdktf/provider-aws/lib/iam-role/index.js");
export type IamRole = import("@cdktf/provider-aws/lib/iam-role/index.js").IamRole;
export const { KmsKeyPolicy } = require("@cdktf/provider-aws/lib/kms-key-policy/index.js") as typeof import("@cdktf/provider-aws/lib/kms-key-policy/index.js");
export type KmsKeyPolicy = import("@cdktf/provider-aws/lib/kms-key-policy/index.js").KmsKeyPolicy;
export const { AwsProvider } = require("@cdktf/provider-aws/lib/provider/index.js") as typeof import("@cdktf/provider-aws/lib/provider/index.js");
export type AwsProvider = import("@cdktf/provider-aws/lib/provider/index.js").AwsProvider;
export const { SqsQueuePolicy } = require("@cdktf/provider-aws/lib/sqs-queue-policy/index.js") as typeof import("@cdktf/provider-aws/lib/sqs-queue-policy/index.js");
export type SqsQueuePolicy = import("@cdktf/provider-aws/lib/sqs-queue-policy/index.js").SqsQueuePolicy;
export const { SqsQueue } = require("@cdktf/provider-aws/lib/sqs-queue/index.js") as typeof import("@cdktf/provider-aws/lib/sqs-queue/index.js");
export type SqsQueue = import("@cdktf/provider-aws/lib/sqs-queue/index.js").SqsQueue;
export const { HelmProvider } = require("@cdktf/provider-helm/lib/provider/index.js") as typeof import("@cdktf/provider-helm/lib/provider/index.js");
export type HelmProvider = import("@cdktf/provider-helm/lib/provider/index.js").HelmProvider;
export const { Release } = require("@cdktf/provider-helm/lib/release/index.js") as typeof import("@cdktf/provider-helm/lib/release/index.js");
export type Release = import("@cdktf/provider-helm/lib/release/index.js").Release;
export const { Manifest } = require("@cdktf/provider-kubernetes/lib/manifest/index.js") as typeof import("@cdktf/provider-kubernetes/lib/manifest/index.js");
export type Manifest = import("@cdktf/provider-kubernetes/lib/manifest/index.js").Manifest;
export const { KubernetesProvider } = require("@cdktf/provider-kubernetes/lib/provider/index.js") as typeof import("@cdktf/provider-kubernetes/lib/provider/index.js");
export type KubernetesProvider = import("@cdktf/provider-kubernetes/lib/provider/index.js").KubernetesProvider;
