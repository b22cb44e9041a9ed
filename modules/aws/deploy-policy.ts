/**
 * What the identity that runs `cdktf deploy` (or `terraform apply`) needs in AWS, per Terraform
 * block type and per stack: the API calls hashicorp/aws makes to create, read, update, tag and
 * delete each type, scoped to this cluster's resources where the API allows. docs/deploy.md is
 * generated from this map (`npm run gen`), and the tests fail when a stack contains a block type
 * the map does not cover.
 *
 * The actions per type are read from the provider's source (hashicorp/terraform-provider-aws,
 * internal/service/<service>/<type>.go, the v6 line): each `conn.<Operation>` a create, read,
 * update or delete function calls, and the tag, untag and list-tags calls of its tagging. Tag
 * actions are listed for every type that takes tags: the provider's `default_tags` (config `tags`)
 * tag on create, which IAM, SQS, EventBridge and EKS authorize as a tag action too.
 */
import { DISCOVERY_TAG_KEY } from "../core/names.js";
import { NODE_MANAGED_POLICIES } from "./node-role.js";

/** The stacks of one cluster, by the keys of `stackNames`. */
export type DeployStack = "aws" | "charts" | "nodePools";
export const DEPLOY_STACKS: readonly DeployStack[] = ["aws", "charts", "nodePools"];

/** The names and IDs the deploy policy is scoped to. Use placeholders for a generic policy. */
export interface DeployPolicyScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly clusterName: string;
  readonly nodeRoleName: string;
  /** False when the config uses an existing node role: the stacks never create, change or delete it. */
  readonly nodeRoleCreated: boolean;
  readonly controllerRoleName: string;
  readonly queueName: string;
  /** The interruption queue's KMS key, when the stack manages its key policy. */
  readonly kmsKeyArn?: string;
  /** The subnets and security groups that get the discovery tag; every one of the account's when absent. */
  readonly subnetIds?: readonly string[];
  readonly securityGroupIds?: readonly string[];
  /** Policies besides the module's that may be attached to the node role (`nodeRole.additionalPolicyArns`). */
  readonly additionalPolicyArns?: readonly string[];
  /** The names of the six controller policies (core/names.ts `controllerPolicyNameFor`). */
  readonly controllerPolicyNames: readonly string[];
  /** Policies besides the module's that may be attached to the controller role (`controller.additionalPolicyArns`). */
  readonly controllerAdditionalPolicyArns?: readonly string[];
  /** The names of the five EventBridge rules (core/names.ts `interruptionRuleNameFor`). */
  readonly interruptionRuleNames: readonly string[];
}

/** What a grant's resources are, resolved against a scope (an empty list drops the grant). */
export type DeployResource =
  | "any"
  | "cluster"
  | "clusterObjects"
  | "roles"
  | "controllerRole"
  | "karpenterInstanceProfiles"
  | "controllerPolicies"
  | "spotServiceLinkedRole"
  | "discoveryTagged"
  | "queue"
  | "interruptionRules"
  | "queueKey";

/** Some actions on some resources. Grants of one `sid` merge into one statement; they must name the same resources and conditions. */
export interface DeployGrant {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly on: DeployResource;
  /** IAM condition operator → key → values. */
  readonly condition?: (s: DeployPolicyScope) => Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

/** What one Terraform block type needs from the identity that deploys it. */
export interface BlockPermissions {
  /** The stacks that may contain it. */
  readonly stacks: readonly DeployStack[];
  /** The configuration that adds it, when not every configuration does. */
  readonly when?: string;
  readonly grants: readonly DeployGrant[];
  /** Why a type with no grant needs none, or what else it needs. */
  readonly note?: string;
}

const IAM_ROLE = ["iam:CreateRole", "iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:DeleteRole", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRoleDescription", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary"];
const EKS_TAGS = ["eks:TagResource", "eks:UntagResource"];
const NO_AWS_CALL = "no AWS API call";

/**
 * Every block type the stacks may contain (`resource.<type>`, `data.<type>`, `ephemeral.<type>`;
 * data sources inside `check` blocks count as `data.<type>`), with what deploying it takes.
 */
export const DEPLOY_PERMISSIONS: Readonly<Record<string, BlockPermissions>> = {
  "resource.aws_iam_role": {
    stacks: ["aws"],
    // deleteRole: the role is taken out of every instance profile first (Karpenter's, named `<cluster>_<hash>`).
    grants: [
      { sid: "ManageRoles", actions: IAM_ROLE, on: "roles" },
      { sid: "RemoveNodeRoleFromKarpenterInstanceProfiles", actions: ["iam:RemoveRoleFromInstanceProfile"], on: "karpenterInstanceProfiles" },
    ],
  },
  "resource.aws_iam_role_policy_attachment": {
    stacks: ["aws"],
    grants: [
      { sid: "ManageRoles", actions: ["iam:ListAttachedRolePolicies"], on: "roles" },
      { sid: "AttachKnownPolicies", actions: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"], on: "roles", condition: (s) => ({ ArnLike: { "iam:PolicyARN": attachablePolicyArns(s) } }) },
    ],
  },
  "resource.aws_iam_role_policy": {
    stacks: ["aws"],
    when: "controller.additionalPolicyStatements",
    grants: [{ sid: "ManageControllerInlinePolicy", actions: ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy", "iam:ListRolePolicies"], on: "controllerRole" }],
  },
  "resource.aws_iam_policy": {
    stacks: ["aws"],
    grants: [
      {
        sid: "ManageControllerPolicies",
        actions: ["iam:CreatePolicy", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy", "iam:TagPolicy", "iam:UntagPolicy"],
        on: "controllerPolicies",
      },
    ],
  },
  "resource.aws_iam_service_linked_role": {
    stacks: ["aws"],
    when: "spotServiceLinkedRole: create",
    grants: [
      { sid: "CreateSpotServiceLinkedRole", actions: ["iam:CreateServiceLinkedRole"], on: "spotServiceLinkedRole", condition: () => ({ StringEquals: { "iam:AWSServiceName": ["spot.amazonaws.com"] } }) },
      { sid: "ManageSpotServiceLinkedRole", actions: ["iam:GetRole", "iam:UpdateRole", "iam:TagRole", "iam:UntagRole", "iam:DeleteServiceLinkedRole", "iam:GetServiceLinkedRoleDeletionStatus"], on: "spotServiceLinkedRole" },
    ],
  },
  "resource.aws_eks_access_entry": {
    stacks: ["aws"],
    when: "nodeRole.createAccessEntry: true (the default)",
    grants: [{ sid: "ManageClusterObjects", actions: ["eks:CreateAccessEntry", "eks:DescribeAccessEntry", "eks:UpdateAccessEntry", "eks:DeleteAccessEntry", ...EKS_TAGS], on: "clusterObjects" }],
  },
  "resource.aws_eks_pod_identity_association": {
    stacks: ["aws"],
    when: "controller.identity: podIdentity (the default)",
    grants: [
      { sid: "ManageClusterObjects", actions: ["eks:CreatePodIdentityAssociation", "eks:DescribePodIdentityAssociation", "eks:UpdatePodIdentityAssociation", "eks:DeletePodIdentityAssociation", ...EKS_TAGS], on: "clusterObjects" },
      { sid: "PassControllerRoleToPodIdentity", actions: ["iam:PassRole"], on: "controllerRole" },
    ],
  },
  "resource.aws_eks_addon": {
    stacks: ["aws"],
    when: "controller.podIdentityAgent: install or nodeRepair.monitoringAgent: install",
    grants: [{ sid: "ManageClusterObjects", actions: ["eks:CreateAddon", "eks:DescribeAddon", "eks:UpdateAddon", "eks:DescribeUpdate", "eks:DeleteAddon", ...EKS_TAGS], on: "clusterObjects" }],
  },
  "data.aws_eks_addon": {
    stacks: ["aws"],
    when: "an add-on checked, not installed (present, or the monitoring agent's warn)",
    grants: [{ sid: "ManageClusterObjects", actions: ["eks:DescribeAddon"], on: "clusterObjects" }],
  },
  "data.aws_eks_cluster": {
    stacks: ["charts", "nodePools"],
    grants: [{ sid: "DescribeCluster", actions: ["eks:DescribeCluster"], on: "cluster" }],
  },
  "ephemeral.aws_eks_cluster_auth": {
    stacks: ["charts", "nodePools"],
    grants: [],
    note: "presigns an sts:GetCallerIdentity request as the Kubernetes token, without calling AWS; EKS maps the caller to its access entry",
  },
  "resource.aws_ec2_tag": {
    stacks: ["aws"],
    grants: [
      { sid: "TagForDiscovery", actions: ["ec2:CreateTags", "ec2:DeleteTags"], on: "discoveryTagged", condition: () => ({ "ForAllValues:StringEquals": { "aws:TagKeys": [DISCOVERY_TAG_KEY] } }) },
      { sid: "Ec2Reads", actions: ["ec2:DescribeTags"], on: "any" },
    ],
  },
  "data.aws_vpc_security_group_rules": { stacks: ["aws"], when: "a node class with efa: true", grants: [{ sid: "Ec2Reads", actions: ["ec2:DescribeSecurityGroupRules"], on: "any" }] },
  "data.aws_vpc_security_group_rule": { stacks: ["aws"], when: "a node class with efa: true", grants: [{ sid: "Ec2Reads", actions: ["ec2:DescribeSecurityGroupRules"], on: "any" }] },
  "data.aws_subnet": { stacks: ["aws"], when: "the discovery checks of the subnets", grants: [{ sid: "Ec2Reads", actions: ["ec2:DescribeSubnets"], on: "any" }] },
  "data.aws_security_group": { stacks: ["aws"], when: "the discovery checks of the security groups", grants: [{ sid: "Ec2Reads", actions: ["ec2:DescribeSecurityGroups"], on: "any" }] },
  "resource.aws_sqs_queue": {
    stacks: ["aws"],
    grants: [{ sid: "ManageInterruptionQueue", actions: ["sqs:CreateQueue", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes", "sqs:DeleteQueue", "sqs:TagQueue", "sqs:UntagQueue", "sqs:ListQueueTags"], on: "queue" }],
  },
  "resource.aws_sqs_queue_policy": {
    stacks: ["aws"],
    grants: [{ sid: "ManageInterruptionQueue", actions: ["sqs:GetQueueAttributes", "sqs:SetQueueAttributes"], on: "queue" }],
  },
  "resource.aws_cloudwatch_event_rule": {
    stacks: ["aws"],
    grants: [{ sid: "ManageInterruptionRules", actions: ["events:PutRule", "events:DescribeRule", "events:DeleteRule", "events:TagResource", "events:UntagResource", "events:ListTagsForResource"], on: "interruptionRules" }],
  },
  "resource.aws_cloudwatch_event_target": {
    stacks: ["aws"],
    grants: [{ sid: "ManageInterruptionRules", actions: ["events:PutTargets", "events:ListTargetsByRule", "events:RemoveTargets"], on: "interruptionRules" }],
  },
  "resource.aws_kms_key_policy": {
    stacks: ["aws"],
    when: "interruptionQueue.manageKmsKeyPolicy: true",
    grants: [{ sid: "ManageQueueKeyPolicy", actions: ["kms:PutKeyPolicy", "kms:GetKeyPolicy", "kms:DescribeKey", "kms:GetKeyRotationStatus", "kms:ListResourceTags"], on: "queueKey" }],
    note: "the key's policy must let IAM policies grant these, as its default root statement does",
  },
  "data.aws_iam_roles": {
    stacks: ["aws"],
    when: "a spot pool with spotServiceLinkedRole: present (the default)",
    grants: [{ sid: "ListRoles", actions: ["iam:ListRoles"], on: "any" }],
  },
  "data.aws_iam_role": {
    stacks: ["charts"],
    when: "controller.identity: irsa",
    grants: [{ sid: "ReadControllerRole", actions: ["iam:GetRole"], on: "controllerRole" }],
  },
  "data.aws_servicequotas_service_quota": {
    stacks: ["nodePools"],
    when: "quotaGuard: warn (the default) or fail",
    grants: [{ sid: "ReadServiceQuotas", actions: ["servicequotas:GetServiceQuota", "servicequotas:GetAWSDefaultServiceQuota"], on: "any" }],
    note: "with quotaGuard: warn a denied read is only a warning in the plan",
  },
  "data.aws_caller_identity": { stacks: ["aws"], grants: [], note: "sts:GetCallerIdentity, which needs no permission" },
  "data.aws_partition": { stacks: ["aws"], grants: [], note: NO_AWS_CALL },
  "data.aws_iam_policy_document": { stacks: ["aws"], grants: [], note: `${NO_AWS_CALL}: the JSON is built by the provider` },
  "resource.terraform_data": { stacks: ["aws", "charts", "nodePools"], grants: [], note: "built into Terraform: plan-time checks, no provider" },
  "resource.helm_release": { stacks: ["charts"], grants: [], note: "Kubernetes RBAC, not IAM (see Kubernetes access)" },
  "resource.kubernetes_manifest": { stacks: ["nodePools"], grants: [], note: "Kubernetes RBAC, not IAM (see Kubernetes access)" },
  "resource.kubernetes_labels": { stacks: ["charts"], when: "karpenter.adoptExistingCrds", grants: [], note: "Kubernetes RBAC, not IAM: patch on the CRDs it adopts (see docs/adopt.md)" },
  "resource.kubernetes_annotations": { stacks: ["charts"], when: "karpenter.adoptExistingCrds", grants: [], note: "Kubernetes RBAC, not IAM: patch on the CRDs it adopts (see docs/adopt.md)" },
};

/** The ARNs of a grant's resources in a scope. */
export function resourceArns(on: DeployResource, s: DeployPolicyScope): string[] {
  const iam = (resource: string) => `arn:${s.partition}:iam::${s.accountId}:${resource}`;
  const regional = (service: string, resource: string) => `arn:${s.partition}:${service}:${s.region}:${s.accountId}:${resource}`;
  const ec2 = (kind: string, ids: readonly string[] | undefined) => (ids ?? ["*"]).map((id) => regional("ec2", `${kind}/${id}`));
  switch (on) {
    case "any":
      return ["*"];
    case "cluster":
      return [regional("eks", `cluster/${s.clusterName}`)];
    case "clusterObjects":
      return [regional("eks", `cluster/${s.clusterName}`), ...["access-entry", "addon", "podidentityassociation"].map((kind) => regional("eks", `${kind}/${s.clusterName}/*`))];
    case "roles":
      return [...(s.nodeRoleCreated ? [iam(`role/${s.nodeRoleName}`)] : []), iam(`role/${s.controllerRoleName}`)];
    case "controllerRole":
      return [iam(`role/${s.controllerRoleName}`)];
    case "karpenterInstanceProfiles":
      return s.nodeRoleCreated ? [iam(`instance-profile/${s.clusterName}_*`)] : [];
    case "controllerPolicies": {
      // One pattern for the six default names while none is shortened: the policy is near IAM's size limit.
      const suffix = `Policy-${s.clusterName}-${s.region}`;
      const names = s.controllerPolicyNames;
      return names.every((name) => name.startsWith("KarpenterController") && name.endsWith(suffix)) ? [iam(`policy/KarpenterController*${suffix}`)] : names.map((name) => iam(`policy/${name}`));
    }
    case "spotServiceLinkedRole":
      return [iam("role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot")];
    case "discoveryTagged":
      return [...ec2("subnet", s.subnetIds), ...ec2("security-group", s.securityGroupIds)];
    case "queue":
      return [regional("sqs", s.queueName)];
    case "interruptionRules":
      return s.interruptionRuleNames.map((name) => regional("events", `rule/${name}`));
    case "queueKey":
      return s.kmsKeyArn ? [s.kmsKeyArn] : [];
  }
}

/** The policies the stacks may attach to their roles: the node role's AWS managed ones, the controller's, and the configured extra ones. */
function attachablePolicyArns(s: DeployPolicyScope): string[] {
  const controller = resourceArns("controllerPolicies", s);
  const node = s.nodeRoleCreated ? [...NODE_MANAGED_POLICIES.map((p) => `arn:${s.partition}:iam::aws:policy/${p}`), ...(s.additionalPolicyArns ?? [])] : [];
  return [...node, ...controller, ...(s.controllerAdditionalPolicyArns ?? [])];
}

/** One statement of an IAM policy document, as IAM reads it. */
export interface IamStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

export interface IamPolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly IamStatement[];
}

/** The block types a stack may contain, in the map's order. */
export function blockTypesOf(stack: DeployStack): string[] {
  return Object.entries(DEPLOY_PERMISSIONS)
    .filter(([, p]) => p.stacks.includes(stack))
    .map(([type]) => type);
}

/**
 * The least-privilege policy of the identity that deploys `stack` in `scope`: the grants of
 * every block type the stack may contain, one statement per `sid`, actions sorted. Grants whose
 * resources the scope leaves empty (no KMS key, an existing node role) are left out.
 */
export function deployPolicyDocument(stack: DeployStack, scope: DeployPolicyScope): IamPolicyDocument {
  const statements = new Map<string, { actions: Set<string>; resources: string[]; condition?: IamStatement["Condition"] }>();
  for (const type of blockTypesOf(stack)) {
    for (const grant of DEPLOY_PERMISSIONS[type].grants) {
      const resources = resourceArns(grant.on, scope);
      if (resources.length === 0) continue;
      const condition = grant.condition?.(scope);
      const existing = statements.get(grant.sid);
      if (!existing) {
        statements.set(grant.sid, { actions: new Set(grant.actions), resources, condition });
      } else if (JSON.stringify([existing.resources, existing.condition]) !== JSON.stringify([resources, condition])) {
        throw new Error(`deploy policy: grants of ${grant.sid} name different resources or conditions (${type})`);
      } else {
        for (const action of grant.actions) existing.actions.add(action);
      }
    }
  }
  return {
    Version: "2012-10-17",
    Statement: [...statements].map(([sid, st]) => ({ Sid: sid, Effect: "Allow", Action: [...st.actions].sort(), Resource: st.resources, ...(st.condition ? { Condition: st.condition } : {}) })),
  };
}

/** The AWS services (action prefixes) a stack's deploy policy calls, sorted, with STS, which every AWS provider calls at start. */
export function awsServicesOf(stack: DeployStack): string[] {
  const services = new Set(["sts"]);
  for (const type of blockTypesOf(stack)) for (const grant of DEPLOY_PERMISSIONS[type].grants) for (const action of grant.actions) services.add(action.split(":")[0]);
  return [...services].sort();
}

/**
 * Every block type a synthesized stack holds (`resource`, `data`, `ephemeral`, and the data
 * sources of its `check` blocks), as `<section>.<type>`, sorted.
 */
export function terraformBlockTypes(json: Readonly<Record<string, unknown>>): string[] {
  const types = new Set<string>();
  const add = (section: string, blocks: unknown) => {
    for (const type of Object.keys((blocks ?? {}) as object)) types.add(`${section}.${type}`);
  };
  for (const section of ["resource", "data", "ephemeral"]) add(section, json[section]);
  for (const check of Object.values((json.check ?? {}) as Record<string, { data?: unknown }>)) add("data", check.data);
  return [...types].sort();
}

/** The block types of a synthesized stack that DEPLOY_PERMISSIONS does not cover for that stack. */
export function uncoveredBlockTypes(stack: DeployStack, json: Readonly<Record<string, unknown>>): string[] {
  return terraformBlockTypes(json).filter((type) => !DEPLOY_PERMISSIONS[type]?.stacks.includes(stack));
}
