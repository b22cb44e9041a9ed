import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { assignProvider } from "../core/provider.js";
import { nodeRoleNameFor } from "../core/names.js";
import { clusterNameProblem, iamRoleNameProblem, managedPolicyArnProblem, regionProblem, roleArnProblem, throwIfProblems, type PropProblem } from "../core/rules.js";
import { AwsContext } from "./aws-context.js";
import { policyDocument } from "./policy.js";

/**
 * The AWS managed policies every Karpenter node needs, keyed by the construct id of their
 * attachment: join the cluster, run the VPC CNI, pull images from ECR, and be reachable by
 * SSM Session Manager for debugging without SSH.
 */
export const NODE_MANAGED_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEKS_CNI_Policy",
  "AmazonEC2ContainerRegistryPullOnly",
  "AmazonSSMManagedInstanceCore",
] as const;

export interface KarpenterNodeRoleProps {
  /** Name of the existing EKS cluster the nodes join. */
  readonly clusterName: string;
  /** The cluster's region, e.g. `us-west-2`; part of the default role name (IAM names are account-wide). */
  readonly region: string;
  /**
   * Name of the role to create. It is what EC2NodeClass `spec.role` refers to.
   * @default `KarpenterNodeRole-<clusterName>-<region>` (cut to IAM's 64 characters with a hash if needed)
   */
  readonly roleName?: string;
  /**
   * Use this existing role instead of creating one. The module then attaches no policies to
   * it: the role must already carry the four node policies.
   * @default - a role is created
   */
  readonly existingRoleArn?: string;
  /**
   * Create the `EC2_LINUX` EKS access entry that lets nodes with this role join the cluster.
   * Turn it off only when the role already has one (for example, it is a managed node group's
   * role, for which EKS creates the entry itself); a second entry for the same role fails.
   * @default true
   * @see https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html
   */
  readonly createAccessEntry?: boolean;
  /**
   * Extra managed policies for the created role, keyed by a stable name (the key becomes the
   * attachment's Terraform address), e.g. `{ s3Read: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }`.
   * @default {}
   */
  readonly additionalPolicyArns?: Readonly<Record<string, string>>;
  /**
   * ARN of a permissions boundary for the created role, for accounts that require one.
   * @default - no boundary
   */
  readonly permissionsBoundaryArn?: string;
  /** Tags for the created role. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** The AWS provider of everything this creates (an aliased one for a second region or account in the stack). @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * The IAM role Karpenter's nodes run with, plus the EKS access entry that lets them join the
 * cluster (access entries, not the aws-auth ConfigMap). Karpenter creates an instance profile
 * for it per EC2NodeClass.
 *
 * @see https://karpenter.sh/docs/getting-started/getting-started-with-karpenter/
 */
export class KarpenterNodeRole extends Construct {
  /** The role's name: the value for EC2NodeClass `spec.role`. */
  public readonly roleName: string;
  /** The role's ARN. */
  public readonly roleArn: string;
  /** The created `aws_iam_role`, or undefined when an existing role is used. Escape hatch. */
  public readonly role?: IamRole;
  /** The `aws_eks_access_entry`, or undefined when `createAccessEntry` is false. */
  public readonly accessEntry?: EksAccessEntry;

  constructor(scope: Construct, id: string, props: KarpenterNodeRoleProps) {
    super(scope, id);
    const roleName = nodeRoleNameFor(props);
    const createAccessEntry = props.createAccessEntry ?? true;
    const additional = props.additionalPolicyArns ?? {};

    const problems: PropProblem[] = [
      { prop: "clusterName", problem: clusterNameProblem(props.clusterName) },
      { prop: "region", problem: regionProblem(props.region) },
      ...Object.entries(additional).map(([key, arn]) => ({
        prop: `additionalPolicyArns.${key}`,
        problem: managedPolicyArnProblem(arn),
      })),
    ];
    if (props.existingRoleArn !== undefined) {
      problems.push({ prop: "existingRoleArn", problem: roleArnProblem(props.existingRoleArn) });
      for (const [prop, set] of [
        ["roleName", props.roleName],
        ["additionalPolicyArns", props.additionalPolicyArns],
        ["permissionsBoundaryArn", props.permissionsBoundaryArn],
      ] as const) {
        if (set !== undefined) {
          problems.push({ prop, problem: "applies only to a created role; remove it, or remove existingRoleArn" });
        }
      }
    } else {
      problems.push({ prop: "roleName", problem: iamRoleNameProblem(roleName) });
    }
    throwIfProblems(this, "KarpenterNodeRole", problems);

    if (props.existingRoleArn !== undefined) {
      this.roleArn = props.existingRoleArn;
      this.roleName = roleName;
    } else {
      const ctx = AwsContext.of(this, props.provider);
      const trust = policyDocument(this, "assumeRolePolicy", [
        {
          actions: ["sts:AssumeRole"],
          resources: [],
          principals: [{ type: "Service", identifiers: [`ec2.${ctx.dnsSuffix}`] }],
        },
      ]);
      this.role = new IamRole(this, "role", {
        name: roleName,
        description: `Karpenter nodes of EKS cluster ${props.clusterName}`,
        assumeRolePolicy: trust.json,
        permissionsBoundary: props.permissionsBoundaryArn,
        tags: props.tags ? { ...props.tags } : undefined,
      });
      for (const policy of NODE_MANAGED_POLICIES) {
        new IamRolePolicyAttachment(this, policy, {
          role: this.role.name,
          policyArn: `arn:${ctx.partition}:iam::aws:policy/${policy}`,
        });
      }
      for (const [key, arn] of Object.entries(additional)) {
        new IamRolePolicyAttachment(this, `additional-${key}`, { role: this.role.name, policyArn: arn });
      }
      this.roleArn = this.role.arn;
      this.roleName = this.role.name;
    }

    if (createAccessEntry) {
      this.accessEntry = new EksAccessEntry(this, "accessEntry", {
        clusterName: props.clusterName,
        principalArn: this.roleArn,
        type: "EC2_LINUX",
        tags: props.tags ? { ...props.tags } : undefined,
      });
    }
    assignProvider(this, props.provider);
  }
}
