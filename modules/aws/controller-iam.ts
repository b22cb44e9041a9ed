import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association/index.js";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { Fn, Token, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { assignProvider } from "../core/provider.js";
import { iamStatementProblems, type IamStatementInput } from "../core/iam-statements.js";
import { controllerPolicyNameFor, controllerRoleNameFor } from "../core/names.js";
import { arnPlacementProblem, clusterNameProblem, iamPolicyNameProblem, iamRoleNameProblem, managedPolicyArnProblem, k8sNameProblem, kmsKeyArnProblem, namespaceProblem, oidcProviderArnProblem, oidcProviderRegionProblem, regionProblem, throwIfProblems } from "../core/rules.js";
import { AwsContext } from "./aws-context.js";
import { CONTROLLER_POLICY_GROUPS, controllerPolicyStatements, type ControllerPolicyGroup } from "./controller-policy.js";
import { condition, policyDocument, type PolicyStatement } from "./policy.js";

/** How the Karpenter pod gets AWS credentials. */
export type ControllerIdentity =
  /** EKS Pod Identity: needs the eks-pod-identity-agent add-on; no OIDC provider. */
  | { readonly type: "podIdentity" }
  /** IAM Roles for Service Accounts, through the cluster's IAM OIDC provider. */
  | { readonly type: "irsa"; readonly oidcProviderArn: string };

export interface KarpenterControllerIamProps {
  /** Name of the existing EKS cluster. Scopes every write permission. */
  readonly clusterName: string;
  /** The cluster's region, e.g. `us-west-2`. Scopes ARNs and `aws:RequestedRegion`. */
  readonly region: string;
  /** ARN of the node role: the only role the controller may pass to EC2. */
  readonly nodeRoleArn: string;
  /** ARN of the interruption queue the controller reads. */
  readonly interruptionQueueArn: string;
  /**
   * ARN of the customer-managed KMS key that encrypts the queue; adds `kms:Decrypt` on it.
   * @default - the queue uses SSE-SQS and no KMS permission is granted
   */
  readonly interruptionQueueKmsKeyArn?: string;
  /**
   * How the controller pod assumes the role.
   * @default { type: "podIdentity" }
   * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
   */
  readonly identity?: ControllerIdentity;
  /** Namespace of the Karpenter service account. @default "kube-system" */
  readonly namespace?: string;
  /** Name of the Karpenter service account (the chart's `serviceAccount.name`). @default "karpenter" */
  readonly serviceAccount?: string;
  /**
   * Name of the controller role.
   * @default `KarpenterController-<clusterName>-<region>` (cut to IAM's 64 characters with a hash if needed)
   */
  readonly roleName?: string;
  /**
   * Names of the controller's managed policies, by group (IAM policy names: 1-128 characters).
   * Groups left out get the default. Set them to adopt policies that already exist under other
   * names, e.g. those of Karpenter's getting-started CloudFormation (`KarpenterController<Group>Policy-<clusterName>`).
   * @default `KarpenterController<Group>Policy-<clusterName>-<region>`
   */
  readonly policyNames?: Readonly<Partial<Record<ControllerPolicyGroup, string>>>;
  /**
   * Extra managed policies for the controller role, keyed by a stable name (the key becomes the
   * attachment's Terraform address), e.g. for a permission a newer Karpenter minor needs before
   * this module ships it.
   * @default {}
   */
  readonly additionalPolicyArns?: Readonly<Record<string, string>>;
  /**
   * Extra statements for the controller role, as one inline policy (`additional`). Inline, so
   * they need no account-wide policy name and go with the role. Checked at synth: actions,
   * resource ARNs, condition operators and keys, and IAM's 10,240-character quota on a role's
   * inline policies.
   * @default - no inline policy
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
   */
  readonly additionalPolicyStatements?: readonly IamStatementInput[];
  /**
   * Attach the ZonalShift policy (`arc-zonal-shift:GetManagedResource` on this cluster). Needed
   * only when the chart's `settings.enableZonalShift` is on (`KarpenterChart` prop
   * `zonalShift`); otherwise Karpenter never calls it, so it is left out.
   * @default false
   */
  readonly zonalShift?: boolean;
  /** ARN of a permissions boundary for the role. @default - no boundary */
  readonly permissionsBoundaryArn?: string;
  /** Tags for the role and its policies. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** The AWS provider of everything this creates (an aliased one for a second region or account in the stack). @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * The Karpenter controller's IAM role with the least-privilege policies of Karpenter v1.14's
 * getting-started template (ZonalShift only when zonal shift is enabled), trusted through EKS
 * Pod Identity (default) or IRSA.
 */
export class KarpenterControllerIam extends Construct {
  /** The controller role's ARN (for IRSA, the service account annotation's value). */
  public readonly roleArn: string;
  /** The `aws_iam_role`. Escape hatch. */
  public readonly role: IamRole;
  /**
   * The `aws_iam_policy` resources, keyed by upstream group name: all six with `zonalShift`,
   * five without (no `ZonalShift`). Escape hatch.
   */
  public readonly policies: Readonly<Partial<Record<ControllerPolicyGroup, IamPolicy>>>;
  /** The statements of each policy, as data (used by tests and docs). */
  public readonly statements: Readonly<Record<ControllerPolicyGroup, PolicyStatement[]>>;
  /** The inline policy of `additionalPolicyStatements`, when there are any. Escape hatch. */
  public readonly additionalPolicy?: IamRolePolicy;
  /** The Pod Identity association, when `identity` is `podIdentity`. */
  public readonly podIdentityAssociation?: EksPodIdentityAssociation;
  /** Resolved identity (default applied). */
  public readonly identity: ControllerIdentity;
  /** Resolved service-account namespace. */
  public readonly namespace: string;
  /** Resolved service-account name. */
  public readonly serviceAccount: string;
  /** The policy groups attached (default applied). */
  public readonly policyGroups: readonly ControllerPolicyGroup[];

  constructor(scope: Construct, id: string, props: KarpenterControllerIamProps) {
    super(scope, id);
    // Pod Identity by default: no OIDC provider to manage, and the role trust names a service
    // principal rather than a per-cluster issuer URL.
    this.identity = props.identity ?? { type: "podIdentity" };
    // kube-system/karpenter is where the Karpenter docs install the chart.
    this.namespace = props.namespace ?? "kube-system";
    this.serviceAccount = props.serviceAccount ?? "karpenter";
    // Least privilege: the zonal-shift read is granted only when Karpenter is told to use it.
    this.policyGroups = CONTROLLER_POLICY_GROUPS.filter((g) => g !== "ZonalShift" || (props.zonalShift ?? false));
    const roleName = controllerRoleNameFor(props);
    const additionalArns = props.additionalPolicyArns ?? {};
    const additionalStatements = props.additionalPolicyStatements ?? [];
    throwIfProblems(this, "KarpenterControllerIam", [
      ...Object.entries(props.policyNames ?? {}).map(([group, name]) => ({
        prop: `policyNames.${group}`,
        problem: (CONTROLLER_POLICY_GROUPS as readonly string[]).includes(group) ? iamPolicyNameProblem(name ?? "") : `is not a controller policy group; use one of ${CONTROLLER_POLICY_GROUPS.join(", ")}`,
      })),
      ...Object.entries(additionalArns).map(([key, arn]) => ({ prop: `additionalPolicyArns.${key}`, problem: managedPolicyArnProblem(arn) })),
      ...iamStatementProblems(additionalStatements).map((p) => ({
        prop: `additionalPolicyStatements${p.path.map((k) => (typeof k === "number" ? `[${k}]` : `.${k}`)).join("")}`,
        problem: p.problem,
      })),
      { prop: "clusterName", problem: clusterNameProblem(props.clusterName) },
      { prop: "region", problem: regionProblem(props.region) },
      { prop: "roleName", problem: iamRoleNameProblem(roleName) },
      { prop: "namespace", problem: namespaceProblem(this.namespace) },
      { prop: "serviceAccount", problem: k8sNameProblem(this.serviceAccount) },
      {
        prop: "identity.oidcProviderArn",
        problem: this.identity.type === "irsa" ? (oidcProviderArnProblem(this.identity.oidcProviderArn) ?? oidcProviderRegionProblem(this.identity.oidcProviderArn, props.region)) : undefined,
      },
      {
        prop: "interruptionQueueKmsKeyArn",
        problem: props.interruptionQueueKmsKeyArn === undefined ? undefined : (kmsKeyArnProblem(props.interruptionQueueKmsKeyArn) ?? arnPlacementProblem(props.interruptionQueueKmsKeyArn, props.region, true)),
      },
    ]);

    const ctx = AwsContext.of(this, props.provider);
    const trust = policyDocument(this, "assumeRolePolicy", [this.trustStatement()]);
    const tags = props.tags ? { ...props.tags } : undefined;
    this.role = new IamRole(this, "role", {
      name: roleName,
      description: `Karpenter controller of EKS cluster ${props.clusterName}`,
      assumeRolePolicy: trust.json,
      permissionsBoundary: props.permissionsBoundaryArn,
      tags,
    });
    this.roleArn = this.role.arn;

    this.statements = controllerPolicyStatements({
      partition: ctx.partition,
      region: props.region,
      accountId: ctx.accountId,
      clusterName: props.clusterName,
      nodeRoleArn: props.nodeRoleArn,
      queueArn: props.interruptionQueueArn,
      queueKmsKeyArn: props.interruptionQueueKmsKeyArn,
    });
    const policies: Partial<Record<ControllerPolicyGroup, IamPolicy>> = {};
    for (const group of this.policyGroups) {
      const doc = policyDocument(this, `${group}Document`, this.statements[group]);
      // Upstream's policy names; IAM allows 128 characters, so long cluster names get a hash.
      const policy = new IamPolicy(this, `${group}Policy`, {
        name: controllerPolicyNameFor(props, group),
        description: `Karpenter controller ${group} permissions for EKS cluster ${props.clusterName}`,
        policy: doc.json,
        tags,
      });
      new IamRolePolicyAttachment(this, `${group}Attachment`, { role: this.role.name, policyArn: policy.arn });
      policies[group] = policy;
    }
    this.policies = policies;
    for (const [key, arn] of Object.entries(additionalArns)) {
      new IamRolePolicyAttachment(this, `additional-${key}`, { role: this.role.name, policyArn: arn });
    }
    if (additionalStatements.length) {
      // Strings are Terraform templates here, as in any CDKTF prop: the app escapes config text
      // (buildStacks), so a policy variable such as ${aws:username} in a config file reaches IAM as written.
      const doc = policyDocument(
        this,
        "additionalDocument",
        additionalStatements.map((st) => ({ effect: st.effect, actions: st.actions, resources: st.resources, conditions: st.conditions?.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })) })),
      );
      this.additionalPolicy = new IamRolePolicy(this, "additionalPolicy", { name: "additional", role: this.role.id, policy: doc.json });
    }

    if (this.identity.type === "podIdentity") {
      this.podIdentityAssociation = new EksPodIdentityAssociation(this, "podIdentityAssociation", {
        clusterName: props.clusterName,
        namespace: this.namespace,
        serviceAccount: this.serviceAccount,
        roleArn: this.role.arn,
        tags,
      });
    }
    assignProvider(this, props.provider);
  }

  private trustStatement(): PolicyStatement {
    if (this.identity.type === "podIdentity") {
      return {
        actions: ["sts:AssumeRole", "sts:TagSession"],
        resources: [],
        principals: [{ type: "Service", identifiers: ["pods.eks.amazonaws.com"] }],
      };
    }
    const issuer = oidcIssuerFromProviderArn(this.identity.oidcProviderArn);
    return {
      actions: ["sts:AssumeRoleWithWebIdentity"],
      resources: [],
      principals: [{ type: "Federated", identifiers: [this.identity.oidcProviderArn] }],
      conditions: [
        condition("StringEquals", `${issuer}:sub`, `system:serviceaccount:${this.namespace}:${this.serviceAccount}`),
        // The audience the EKS pod identity webhook puts in projected service-account tokens.
        condition("StringEquals", `${issuer}:aud`, "sts.amazonaws.com"),
      ],
    };
  }
}

/**
 * `arn:aws:iam::1:oidc-provider/oidc.eks.r.amazonaws.com/id/X` → `oidc.eks.r.amazonaws.com/id/X`;
 * for a token (an `aws_iam_openid_connect_provider`'s ARN), the same cut made by Terraform.
 */
function oidcIssuerFromProviderArn(arn: string): string {
  if (Token.isUnresolved(arn)) return Fn.element(Fn.split("oidc-provider/", arn), 1);
  return arn.slice(arn.indexOf("oidc-provider/") + "oidc-provider/".length);
}
