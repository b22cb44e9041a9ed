/**
 * The user-facing configuration file's schema and defaults, and the types of a configuration
 * before and after defaults. Checks that span keys are in cross-key.ts; parse.ts runs them all.
 */
import type { input, output, RefinementCtx } from "zod";
import { DISCOVERY_MODES } from "../core/discovery.js";
import { iamStatementProblems } from "../core/iam-statements.js";
import { CONTROLLER_POLICY_GROUPS, INTERRUPTION_RULE_KEYS, KARPENTER_RELEASE_NAMES } from "../core/names.js";
import { awsProfileProblem, clusterNameProblem, crdNameProblem, eventRuleNameProblem, helmReleaseNameProblem, iamPolicyNameProblem, iamRoleNameProblem, kmsKeyArnProblem, managedPolicyArnProblem, namespaceProblem, oidcProviderArnProblem, queueNameProblem, quoted, regionProblem, roleArnProblem, securityGroupIdProblem, stsExternalIdProblem, stsSessionNameProblem, subnetIdProblem } from "../core/rules.js";
import { GPU_OPERATOR_CHART_VERSION, KARPENTER_CHART_VERSION, KARPENTER_CRD_NAMES } from "../core/versions.js";
import { additionalValues } from "./chart-values.js";
import { awsTags, k8sName, resources, rule, SEMVER, uniqueStrings, wholeNumber, z } from "./fields.js";
import { nodeClass, nodePool } from "./pool-schema.js";

/**
 * Managed policies to attach, by a name that becomes the attachment's Terraform address. Each key
 * below carries its description (`.describe`, or `.meta` with `x-default`: its default in words
 * where it is not a fixed value): scripts/gen-config-schema.ts writes them into the JSON Schema
 * and docs/configuration.md.
 */
const policyAttachments = z.record(
  z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "must be a name of 1-64 letters, digits, '-' and '_' (it names the attachment's Terraform address)" }),
  rule(managedPolicyArnProblem),
);

const strings = (what: string) => z.array(z.string({ error: "must be a string" }), { error: `must be a list of ${what}` });
/** An identity-policy statement (no principals); core/iam-statements.ts holds IAM's rules. */
const iamStatement = z.strictObject({
  effect: z.enum(["Allow", "Deny"], { error: "must be Allow or Deny" }).default("Allow").describe("Whether the statement allows or denies."),
  actions: strings("IAM actions").describe("IAM actions, `<service>:<Action>` (wildcards `*` and `?` allowed) or `*`; at least one."),
  resources: strings("resource ARNs").describe("Resource ARNs (wildcards allowed) or `*`; at least one."),
  conditions: z
    .array(
      z.strictObject({
        test: z.string({ error: "must be a string" }).describe("Condition operator, such as `StringEquals`, `ArnLike` or `Null`, optionally with a `ForAllValues:` / `ForAnyValue:` prefix or an `IfExists` suffix."),
        variable: z.string({ error: "must be a string" }).describe("Condition key, such as `aws:RequestedRegion` or `ec2:ResourceTag/team`."),
        values: strings("values").describe("The values the condition key is compared with."),
      }),
      { error: "must be a list of conditions" },
    )
    .optional()
    .describe("Conditions, as IAM writes them: operator (`test`), condition key (`variable`) and `values`."),
});
function statementRules(statements: output<typeof iamStatement>[], ctx: RefinementCtx): void {
  for (const p of iamStatementProblems(statements)) ctx.addIssue({ code: "custom", path: p.path, message: p.problem });
}

/** A default name: `<prefix><clusterName>-<region>`, cut with a hash (core/names.ts, scopedName). */
const defaultName = (prefix: string, max: number) => `\`${prefix}<clusterName>-<region>\`, cut to ${max} characters with a hash`;

export const configSchema = z
  .strictObject({
    clusterName: rule(clusterNameProblem).describe("Name of the existing EKS cluster: 1-100 letters, digits, `-` and `_`, starting with a letter or digit."),
    region: rule(regionProblem).describe("The cluster's AWS region, such as `us-west-2`."),
    /** No escaping needed: the rules admit no `$`, `%` or `{`, so Terraform cannot read them as templates. */
    aws: z
      .strictObject({
        profile: rule(awsProfileProblem)
          .optional()
          .meta({
            description: "Named profile of the AWS config files: `profile` of every stack's AWS provider, and `--profile` of `aws eks get-token` with `kubernetesAuth: exec`. For local runs: a Terraform Cloud runner has no such file. 1-64 letters, digits and `_ . @ + = , -`, which keeps the name plain text in the provider block; AWS itself allows more.",
            "x-default": "none (the AWS SDK's default chain)",
          }),
        assumeRole: z
          .strictObject({
            roleArn: rule(roleArnProblem).describe("ARN of the role to assume, in the region's partition (docs/deploy.md lists what it needs per stack). With `kubernetesAuth: exec` it is also passed to `aws eks get-token` (`--role-arn`)."),
            sessionName: rule(stsSessionNameProblem).optional().meta({ description: "Role session name, what CloudTrail shows for the deploy: 2-64 letters, digits and `_ + = , . @ -`.", "x-default": "none (the provider's)" }),
            externalId: rule(stsExternalIdProblem).optional().describe("External ID the role's trust policy requires: 2-1224 letters, digits and `_ + = , . @ : / -`. Refused with `kubernetesAuth: exec`: `aws eks get-token --role-arn` cannot pass one."),
          })
          .optional()
          .describe("A role every stack's AWS provider assumes (`assume_role`) with the base credentials (profile, environment, instance role)."),
      })
      .optional()
      .meta({ description: "The credentials every stack's AWS provider uses: a named profile, a role to assume, or both.", "x-default": "none (the AWS SDK's default chain)" }),
    discovery: z
      .strictObject({
        /** core/discovery.ts says what each mode does. */
        mode: z
          .enum(DISCOVERY_MODES, { error: `must be one of ${DISCOVERY_MODES.join(", ")}` })
          .default("tag")
          .describe("How node classes find the subnets and security group, and whether the module tags them: `tag` writes `karpenter.sh/discovery=<clusterName>` on them after checking at plan that no other cluster's value is there; `existing` checks at plan that a VPC module already wrote the tags, and writes none; `ids` selects them by ID, with no tag anywhere (for a VPC several clusters share). See README \"Which discovery mode?\"."),
        subnetIds: uniqueStrings("subnet IDs", rule(subnetIdProblem)).min(1, { error: "must list at least one subnet ID" }).describe("Subnets Karpenter may launch into (`subnet-...`), at least one, each once. Looked up at plan; tagged in mode `tag`."),
        securityGroupIds: uniqueStrings("security group IDs", rule(securityGroupIdProblem)).describe("Security group of Karpenter's nodes (`sg-...`): exactly one, unless `allowMultipleSecurityGroups`. Looked up at plan; tagged in mode `tag`."),
        allowMultipleSecurityGroups: z.boolean({ error: "must be true or false" }).default(false).describe("Allow more than one security group in `securityGroupIds`: more than one carrying the discovery tag breaks the AWS Load Balancer Controller (terraform-aws-eks#3096)."),
      })
      .describe("The subnets and security group of Karpenter's nodes, and how node classes find them."),
    nodeRole: z
      .strictObject({
        name: rule(iamRoleNameProblem).optional().meta({ description: "Name of the created node role: 1-64 letters, digits and `+ = , . @ _ -`. Refused with `existingRoleArn`. See README \"Names, regions and existing IAM\".", "x-default": defaultName("KarpenterNodeRole-", 64) }),
        existingRoleArn: rule(roleArnProblem).optional().describe("Use this role instead of creating one; it must already carry the node policies. A role ARN of the region's partition, whose role name has at most 64 characters. With it, `name`, `additionalPolicyArns` and `permissionsBoundaryArn` are refused."),
        createAccessEntry: z.boolean({ error: "must be true or false" }).default(true).describe("Create the `EC2_LINUX` EKS access entry that lets nodes with the role join the cluster. Turn it off if the role already has one (a managed node group's role, say)."),
        additionalPolicyArns: policyAttachments.optional().describe("Extra managed policies for the created node role: ARNs of the region's partition, each under a name (1-64 letters, digits, `-` and `_`) that becomes the attachment's Terraform address. Refused with `existingRoleArn`."),
        permissionsBoundaryArn: rule(managedPolicyArnProblem).optional().describe("Permissions boundary of the created node role: a policy ARN of the region's partition. Refused with `existingRoleArn`."),
      })
      .default({ createAccessEntry: true })
      .describe("The IAM role of Karpenter's nodes: created by the module, or an existing one."),
    controller: z
      .strictObject({
        identity: z.enum(["podIdentity", "irsa"], { error: "must be one of podIdentity, irsa" }).default("podIdentity").describe("How the Karpenter pod gets AWS credentials: EKS Pod Identity, or IRSA (with `oidcProviderArn`)."),
        oidcProviderArn: rule(oidcProviderArnProblem).optional().describe("The cluster's IAM OIDC provider ARN, of the cluster's region and partition (`arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>`). Required with `identity: irsa`, refused with `podIdentity`."),
        roleName: rule(iamRoleNameProblem).optional().meta({ description: "Name of the controller role: 1-64 letters, digits and `+ = , . @ _ -`.", "x-default": defaultName("KarpenterController-", 64) }),
        namespace: rule(namespaceProblem).default("kube-system").describe("Namespace of the Karpenter service account and of both Karpenter Helm releases: at most 63 lower-case letters, digits and `-`, starting and ending with a letter or digit."),
        serviceAccount: k8sName.default("karpenter").describe("Name of the Karpenter service account (a DNS-1123 name); the controller role's trust names it."),
        permissionsBoundaryArn: rule(managedPolicyArnProblem).optional().describe("Permissions boundary of the controller role: a policy ARN of the region's partition."),
        /** Default applied by podIdentityAgentMode below. */
        podIdentityAgent: z
          .enum(["install", "present", "unchecked"], { error: "must be one of install, present, unchecked" })
          .optional()
          .meta({
            description: "The `eks-pod-identity-agent` add-on, with Pod Identity: checked at plan (`present`: the plan fails without it), managed in `<clusterName>-aws` (`install`), or left to you (`unchecked`) when the agent runs another way than the EKS add-on (a Helm chart; EKS Auto Mode, which has it built in). Refused with `identity: irsa`. See README \"Prerequisites\".",
            "x-default": "`present` with Pod Identity; none with `irsa`",
          }),
        runsOnFargate: z.boolean({ error: "must be true or false" }).default(false).describe("The controller runs on Fargate, where Pod Identity does not work: `identity: podIdentity` is then refused (use `irsa`). A `nodeSelector` on `eks.amazonaws.com/compute-type: fargate` in `karpenter.additionalValues` counts too."),
        policyNames: z
          .strictObject(
            Object.fromEntries(
              CONTROLLER_POLICY_GROUPS.map((g) => [
                g,
                rule(iamPolicyNameProblem)
                  .optional()
                  .meta({ description: `Name of the ${g} policy: 1-128 letters, digits and \`+ = , . @ _ -\`.${g === "ZonalShift" ? " The policy exists only with `karpenter.zonalShift`." : ""}`, "x-default": defaultName(`KarpenterController${g}Policy-`, 128) }),
              ]),
            ),
          )
          .optional()
          .describe("Names of the controller's managed policies (those of Karpenter's getting-started template), by group; a group left out keeps its default name."),
        additionalPolicyArns: policyAttachments.optional().describe("Extra managed policies for the controller role, each under a name (1-64 letters, digits, `-` and `_`) that becomes the attachment's Terraform address."),
        additionalPolicyStatements: z
          .array(iamStatement, { error: "must be a list of IAM statements" })
          .superRefine(statementRules)
          .optional()
          .describe("Extra statements, in one inline policy `additional` on the controller role. Checked at synth: action form, resource ARNs, condition operators and keys, and IAM's 10,240-character quota on a role's inline policies."),
      })
      .default({ identity: "podIdentity", namespace: "kube-system", serviceAccount: "karpenter", runsOnFargate: false })
      .describe("The Karpenter controller's AWS identity and IAM role, and where its service account lives."),
    interruptionQueue: z
      .strictObject({
        name: rule(queueNameProblem).optional().meta({ description: "SQS queue name: 1-80 letters, digits, `-` and `_`.", "x-default": defaultName("Karpenter-", 80) }),
        ruleNames: z
          .strictObject(
            Object.fromEntries(
              INTERRUPTION_RULE_KEYS.map((e) => [
                e,
                rule(eventRuleNameProblem)
                  .optional()
                  .meta({ description: `Name of the EventBridge rule of the ${e} event: 1-64 letters, digits and \`. - _\`.`, "x-default": defaultName(`Karpenter${e[0].toUpperCase()}${e.slice(1)}-`, 64) }),
              ]),
            ),
          )
          .optional()
          .describe("Names of the EventBridge rules, by event; an event left out keeps its default name."),
        messageRetentionSeconds: wholeNumber(60, 1_209_600, "must be a whole number of seconds from 60 to 1209600").default(300).describe("How long the queue keeps an unread interruption event, in seconds."),
        kmsKeyArn: rule(kmsKeyArnProblem).optional().meta({ description: "Encrypt the queue with this KMS key (SSE-KMS): a key ARN of the cluster's region, not an alias. The controller gets `kms:Decrypt` on it.", "x-default": "none (SSE-SQS)" }),
        manageKmsKeyPolicy: z.boolean({ error: "must be true or false" }).default(false).describe("Replace the key's policy with one that keeps account-root access (`kms:*`) and lets EventBridge use the key. Needs `kmsKeyArn`. Off: merge the `eventBridgeKeyPolicyJson` output into the key policy yourself (synth warns)."),
      })
      .default({ messageRetentionSeconds: 300, manageKmsKeyPolicy: false })
      .describe("The SQS queue and EventBridge rules that bring interruption events (spot interruptions, rebalance recommendations, instance state changes, health events, capacity reservation interruptions) to Karpenter."),
    nodeClasses: z.array(nodeClass, { error: "must be a list of node classes" }).min(1, { error: "must list at least one node class" }).describe("The EC2NodeClasses GPU nodes launch with; names unique."),
    nodePools: z.array(nodePool, { error: "must be a list of node pools" }).min(1, { error: "must list at least one node pool" }).describe("The GPU NodePools, each on a node class; names unique."),
    kubernetesAuth: z
      .enum(["token", "exec"], { error: "must be one of token, exec" })
      .default("token")
      .describe("How Helm and Kubernetes authenticate: a token from `ephemeral \"aws_eks_cluster_auth\"` (`token`: fresh at apply, never stored, lives about 15 minutes), or `aws eks get-token` run whenever needed (`exec`: needs the aws CLI; for applies longer than 15 minutes). With `exec`, `aws.profile` and `aws.assumeRole.roleArn` are passed to `aws eks get-token` (`--profile`, `--role-arn`), so Kubernetes sees the same identity as the AWS provider."),
    spotServiceLinkedRole: z
      .enum(["create", "present"], { error: "must be one of create, present" })
      .default("present")
      .describe("`present`: with a spot pool, fail the plan if the account has no `AWSServiceRoleForEC2Spot`. `create`: `<clusterName>-aws` creates and owns it, with or without spot pools (so removing the last spot pool never deletes it while its nodes still run); it is deleted on destroy."),
    quotaGuard: z
      .enum(["warn", "fail", "off"], { error: "must be one of warn, fail, off" })
      .default("warn")
      .describe("Plan-time check of each pool's CPU cap against the EC2 GPU vCPU quotas it draws on: a warning, a failed plan, or no check (`off`: for runners without `servicequotas:GetServiceQuota` and `GetAWSDefaultServiceQuota`)."),
    nodeRepair: z
      .strictObject({
        enabled: z.boolean({ error: "must be true or false" }).default(true).describe("Turn on Karpenter's `nodeRepair` feature gate (alpha): nodes reported unhealthy are replaced. See docs/gpu-gotchas.md \"Node repair\"."),
        monitoringAgent: z
          .enum(["install", "present", "warn", "unchecked"], { error: "must be one of install, present, warn, unchecked" })
          .default("warn")
          .describe("The `eks-node-monitoring-agent` add-on, which reports GPU failures: a plan warning when it is missing (`warn`), a failed plan (`present`), managed in `<clusterName>-aws` (`install`), or not looked at (`unchecked`: the agent runs from Helm, say). Ignored with `enabled: false`."),
      })
      .default({ enabled: true, monitoringAgent: "warn" })
      .describe("Karpenter's node repair (alpha gate `nodeRepair`) and the EKS node monitoring agent that reports GPU failures to it."),
    karpenter: z
      .strictObject({
        chartVersion: z
          .string({ error: "must be a string" })
          .regex(SEMVER, { error: "must be a chart version such as \"1.14.1\"" })
          .default(KARPENTER_CHART_VERSION)
          .describe(`Version of both Karpenter charts (\`karpenter\`, \`karpenter-crd\`). Another than ${KARPENTER_CHART_VERSION} gets a synth warning: the controller's IAM policies and the NodePool and EC2NodeClass checks are written for ${KARPENTER_CHART_VERSION}.`),
        controllerResources: resources.optional().meta({ description: "The controller's `resources` (chart value `controller.resources`); a request above its limit is refused.", "x-default": "1 CPU and 1Gi, requests = limits" }),
        zonalShift: z
          .boolean({ error: "must be true or false" })
          .default(false)
          .describe("Karpenter avoids zones under an EKS zonal shift (`settings.enableZonalShift`), and the controller role gets the ZonalShift policy. Off by default, as in the chart: it needs zonal shift enabled on the cluster, which the cluster's own module owns. With it on, the `<clusterName>-charts` plan fails (a `terraform_data` precondition on `data.aws_eks_cluster`'s `zonal_shift_config`) when the cluster does not have zonal shift enabled: Karpenter 1.14.1 panics at start-up then (aws/karpenter-provider-aws `pkg/operator/operator.go`)."),
        additionalValues: additionalValues("karpenter")
          .optional()
          .describe("More karpenter chart values, merged over the module's (objects merge, lists replace). With the pinned chart version, keys the chart never reads are refused. `controller.env` entries are added to the module's `AWS_REGION` (an `AWS_REGION` of another region is refused). Refused too: the values the module sets from other keys, naming the key to use instead (`settings.clusterName`, `settings.clusterEndpoint`, `settings.interruptionQueue`, `settings.enableZonalShift`, `serviceAccount.name`, the IRSA role annotation, `controller.resources`), `affinity`, and any value but `true` for a feature gate the module turns on (`settings.featureGates.staticCapacity` with a pool that sets `replicas`, `reservedCapacity` with one that lists `reserved`, `nodeOverlay` with one that sets `gpuSharing`, `nodeRepair` with `nodeRepair.enabled`)."),
        /** Helm release names, to take over the releases of an existing installation (docs/adopt.md). */
        releaseName: rule(helmReleaseNameProblem)
          .default(KARPENTER_RELEASE_NAMES.controller)
          .describe("The controller chart's Helm release, in `controller.namespace`: at most 53 lower-case letters, digits, `-` and `.`. Give an existing release's name to take it over (with `importExistingReleases`; see docs/adopt.md). Changing it once installed replaces the release: Helm uninstalls the old one, then installs the new one."),
        crdReleaseName: rule(helmReleaseNameProblem)
          .default(KARPENTER_RELEASE_NAMES.crd)
          .describe("The CRD chart's Helm release, in the same namespace, under another name than `releaseName`. Changing it once installed replaces the release, and uninstalling the CRD release deletes the CRDs, and with them every NodePool, NodeClaim and EC2NodeClass of the cluster, unless the CRDs are kept (`keepCrds`)."),
        /** Membership of the listed CRDs: cross-key.ts. */
        adoptExistingCrds: z
          .union([z.boolean(), uniqueStrings("CRD names", rule(crdNameProblem)).min(1, { error: "must list at least one CRD name, or be false" })], {
            error: (issue) => `must be true, false, or a list of CRD names such as [nodepools.karpenter.sh, nodeclaims.karpenter.sh] (got ${quoted(issue.input)})`,
          })
          .default(false)
          .describe(`Existing CRDs no Helm release owns (a \`helm install\` of the karpenter chart created them from its \`crds/\` folder) are handed to the CRD release: \`true\` for the ${KARPENTER_CRD_NAMES.length} of chart ${KARPENTER_CHART_VERSION} (${KARPENTER_CRD_NAMES.map((n) => `\`${n}\``).join(", ")}), or a list of those the cluster has (an installation older than 1.14 lacks \`capacitybuffers\`, older than 1.7 \`nodeoverlays\`). The apply fails on a listed CRD that does not exist, and on one another Helm release owns. Turns \`keepCrds\` on. Leave it set after the adoption. See docs/adopt.md.`),
        importExistingReleases: uniqueStrings("releases (crd, controller)", z.enum(["crd", "controller"], { error: "must be crd or controller" }))
          .default([])
          .describe("The releases that already exist under `crdReleaseName` / `releaseName` in `controller.namespace`: each gets an `import` block (`<namespace>/<name>`), so the first plan imports it and updates it in place. Terraform skips the import of a release already in its state, so the list may stay; after a destroy of `<clusterName>-charts` the release is gone and its import fails the plan: remove it then. `crd` turns `keepCrds` on."),
        /** Default applied by the charts stack. */
        keepCrds: z
          .boolean({ error: "must be true or false" })
          .optional()
          .meta({
            description: "Annotate the CRDs `helm.sh/resource-policy: keep`, so that uninstalling the CRD release (a destroy, a `crdReleaseName` change) leaves them, and every NodePool, NodeClaim and EC2NodeClass in them, on the cluster. Off, a destroy removes the CRDs with the release.",
            "x-default": "`true` with `adoptExistingCrds` or `crd` in `importExistingReleases`, else `false`",
          }),
      })
      .default({ chartVersion: KARPENTER_CHART_VERSION, zonalShift: false, releaseName: KARPENTER_RELEASE_NAMES.controller, crdReleaseName: KARPENTER_RELEASE_NAMES.crd, adoptExistingCrds: false, importExistingReleases: [] })
      .describe("The Karpenter controller and CRD charts, and taking over an existing installation (docs/adopt.md)."),
    gpuOperator: z
      .strictObject({
        chartVersion: z.string({ error: "must be a string" }).regex(SEMVER, { error: "must be a chart version such as \"v26.7.0\"" }).default(GPU_OPERATOR_CHART_VERSION).describe("NVIDIA GPU Operator chart version."),
        installDriver: z.boolean({ error: "must be true or false" }).default(false).describe("Let the operator install the NVIDIA driver and container toolkit (chart values `driver.enabled`, `toolkit.enabled`): not needed with the AL2023 NVIDIA AMI, and it slows node start."),
        additionalValues: additionalValues("gpuOperator")
          .optional()
          .describe("More gpu-operator chart values, merged over the module's (objects merge, lists replace). With the pinned chart version, keys the chart never reads are refused. Refused too: `driver.enabled` and `toolkit.enabled` (set `installDriver`), `devicePlugin` values the module writes for time-slicing pools, `mig.strategy` and `migManager.enabled` / `migManager.config.name` while a pool uses MIG, and a `daemonsets.tolerations` or `node-feature-discovery.worker.tolerations` that drops the chart's default tolerations or the one for a pool's taint (it may add more: Helm replaces lists)."),
      })
      .default({ chartVersion: GPU_OPERATOR_CHART_VERSION, installDriver: false })
      .describe("The NVIDIA GPU Operator chart."),
    terraformCloud: z
      .strictObject({
        organization: z.string({ error: "must be a string" }).regex(/^[A-Za-z0-9_-]+$/, { error: "must be a Terraform Cloud organization name: letters, digits, '-' and '_'" }).describe("Terraform Cloud organization: letters, digits, `-` and `_`."),
        workspacePrefix: z
          .string({ error: "must be a string" })
          .regex(/^[A-Za-z0-9_-]*$/, { error: "must use only letters, digits, '-' and '_' (Terraform Cloud workspace names)" })
          .describe("Prefix of each stack's workspace name, `<workspacePrefix><stack>`: letters, digits, `-` and `_`, or `\"\"`. The longest workspace name must fit HCP Terraform's 90 characters."),
        // Backend settings are not templates: Terraform reads them as written, so they are checked, not escaped.
        project: z.string({ error: "must be a string" }).regex(/^[A-Za-z0-9_-]+( [A-Za-z0-9_-]+)*$/, { error: "must be a Terraform Cloud project name: letters, digits, '-', '_' and single inner spaces" }).optional().describe("Terraform Cloud project: letters, digits, `-`, `_` and single inner spaces."),
        hostname: z
          .string({ error: "must be a string" })
          .regex(/^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(:[0-9]{1,5})?$/, { error: "must be a host name such as \"app.terraform.io\" or \"tfe.example.com\"" })
          .default("app.terraform.io")
          .describe("Terraform Cloud or Terraform Enterprise host name, with an optional port."),
      })
      .optional()
      .meta({ description: "Run every stack on Terraform Cloud: with this section each stack uses a `cloud` backend. See docs/terraform-cloud.md.", "x-default": "none (the local backend)" }),
    tags: awsTags(" (these tags also go on every GPU instance)")
      .default({})
      .describe("Tags on every AWS resource the stacks create (AWS provider `default_tags`) and on every instance, volume and launch template Karpenter launches (EC2NodeClass `tags`), for cost allocation. AWS's tag rules, since they land on IAM roles and instance profiles too: at most 50; keys 1-128 and values 1-256 characters of letters, digits, spaces and `_ . : / = + - @`; no `aws:` prefix. Keys Karpenter sets itself are refused."),
  })
  .meta({ title: "karpenter-gpu configuration", description: "A karpenter-gpu configuration file: the existing EKS cluster, its GPU node classes and pools, and the AWS resources and charts the three stacks create. Unknown keys are errors." });

/**
 * A configuration after defaults are applied: what the stacks are built from.
 * @see docs/configuration.md
 */
export type KarpenterGpuConfig = output<typeof configSchema>;
/**
 * A configuration as a user writes it (defaults optional).
 * @see docs/configuration.md
 */
export type KarpenterGpuConfigInput = input<typeof configSchema>;
export type NodePoolConfig = KarpenterGpuConfig["nodePools"][number];
export type NodeClassConfig = KarpenterGpuConfig["nodeClasses"][number];

/**
 * How the EKS node monitoring agent add-on is handled: only with node repair on (it reports the
 * GPU, storage, network and kernel conditions repair acts on), and not with `unchecked`.
 */
export function nodeMonitoringAgentMode(c: KarpenterGpuConfig): "install" | "present" | "warn" | undefined {
  return c.nodeRepair.enabled && c.nodeRepair.monitoringAgent !== "unchecked" ? c.nodeRepair.monitoringAgent : undefined;
}

/**
 * How the Pod Identity agent add-on is handled: the configured mode, `present` by default with
 * Pod Identity (a cluster module usually owns the add-on), and nothing with IRSA.
 */
export function podIdentityAgentMode(c: KarpenterGpuConfig): "install" | "present" | undefined {
  if (c.controller.identity !== "podIdentity" || c.controller.podIdentityAgent === "unchecked") return undefined;
  return c.controller.podIdentityAgent ?? "present";
}
