/**
 * The user-facing configuration file's schema and defaults, and the types of a configuration
 * before and after defaults. Checks that span keys are in cross-key.ts; parse.ts runs them all.
 */
import type { input, output, RefinementCtx } from "zod";
import { DISCOVERY_MODES } from "../core/discovery.js";
import { iamStatementProblems } from "../core/iam-statements.js";
import { CONTROLLER_POLICY_GROUPS, INTERRUPTION_RULE_KEYS, KARPENTER_RELEASE_NAMES } from "../core/names.js";
import { awsProfileProblem, clusterNameProblem, crdNameProblem, eventRuleNameProblem, helmReleaseNameProblem, iamPolicyNameProblem, iamRoleNameProblem, kmsKeyArnProblem, managedPolicyArnProblem, namespaceProblem, oidcProviderArnProblem, queueNameProblem, quoted, regionProblem, roleArnProblem, securityGroupIdProblem, stsExternalIdProblem, stsSessionNameProblem, subnetIdProblem } from "../core/rules.js";
import { GPU_OPERATOR_CHART_VERSION, KARPENTER_CHART_VERSION } from "../core/versions.js";
import { additionalValues } from "./chart-values.js";
import { awsTags, k8sName, resources, rule, SEMVER, uniqueStrings, wholeNumber, z } from "./fields.js";
import { nodeClass, nodePool } from "./pool-schema.js";

/** Managed policies to attach, by a name that becomes the attachment's Terraform address. */
const policyAttachments = z.record(
  z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "must be a name of 1-64 letters, digits, '-' and '_' (it names the attachment's Terraform address)" }),
  rule(managedPolicyArnProblem),
);

const strings = (what: string) => z.array(z.string({ error: "must be a string" }), { error: `must be a list of ${what}` });
/** An identity-policy statement (no principals); core/iam-statements.ts holds IAM's rules. */
const iamStatement = z.strictObject({
  effect: z.enum(["Allow", "Deny"], { error: "must be Allow or Deny" }).default("Allow"),
  actions: strings("IAM actions"),
  resources: strings("resource ARNs"),
  conditions: z.array(z.strictObject({ test: z.string({ error: "must be a string" }), variable: z.string({ error: "must be a string" }), values: strings("values") }), { error: "must be a list of conditions" }).optional(),
});
function statementRules(statements: output<typeof iamStatement>[], ctx: RefinementCtx): void {
  for (const p of iamStatementProblems(statements)) ctx.addIssue({ code: "custom", path: p.path, message: p.problem });
}

export const configSchema = z
  .strictObject({
    clusterName: rule(clusterNameProblem),
    region: rule(regionProblem),
    /**
     * The credentials every stack's AWS provider uses: a named profile and/or a role to assume.
     * No escaping needed: the rules admit no `$`, `%` or `{`, so Terraform cannot read them as templates.
     */
    aws: z
      .strictObject({
        profile: rule(awsProfileProblem).optional(),
        assumeRole: z
          .strictObject({
            roleArn: rule(roleArnProblem),
            sessionName: rule(stsSessionNameProblem).optional(),
            externalId: rule(stsExternalIdProblem).optional(),
          })
          .optional(),
      })
      .optional(),
    discovery: z.strictObject({
      /** How node classes find subnets and security groups; core/discovery.ts says what each mode does. */
      mode: z.enum(DISCOVERY_MODES, { error: `must be one of ${DISCOVERY_MODES.join(", ")}` }).default("tag"),
      subnetIds: uniqueStrings("subnet IDs", rule(subnetIdProblem)).min(1, { error: "must list at least one subnet ID" }),
      securityGroupIds: uniqueStrings("security group IDs", rule(securityGroupIdProblem)),
      allowMultipleSecurityGroups: z.boolean({ error: "must be true or false" }).default(false),
    }),
    nodeRole: z
      .strictObject({
        name: rule(iamRoleNameProblem).optional(),
        existingRoleArn: rule(roleArnProblem).optional(),
        createAccessEntry: z.boolean({ error: "must be true or false" }).default(true),
        additionalPolicyArns: policyAttachments.optional(),
        permissionsBoundaryArn: rule(managedPolicyArnProblem).optional(),
      })
      .default({ createAccessEntry: true }),
    controller: z
      .strictObject({
        identity: z.enum(["podIdentity", "irsa"], { error: "must be one of podIdentity, irsa" }).default("podIdentity"),
        oidcProviderArn: rule(oidcProviderArnProblem).optional(),
        roleName: rule(iamRoleNameProblem).optional(),
        namespace: rule(namespaceProblem).default("kube-system"),
        serviceAccount: k8sName.default("karpenter"),
        permissionsBoundaryArn: rule(managedPolicyArnProblem).optional(),
        /** With Pod Identity: manage the eks-pod-identity-agent add-on, or check it is there. Default applied in the refinement below. */
        podIdentityAgent: z.enum(["install", "present", "unchecked"], { error: "must be one of install, present, unchecked" }).optional(),
        runsOnFargate: z.boolean({ error: "must be true or false" }).default(false),
        /** Names of the six managed policies, by group; the rest get `KarpenterController<Group>Policy-<cluster>-<region>`. */
        policyNames: z.strictObject(Object.fromEntries(CONTROLLER_POLICY_GROUPS.map((g) => [g, rule(iamPolicyNameProblem).optional()]))).optional(),
        additionalPolicyArns: policyAttachments.optional(),
        additionalPolicyStatements: z.array(iamStatement, { error: "must be a list of IAM statements" }).superRefine(statementRules).optional(),
      })
      .default({ identity: "podIdentity", namespace: "kube-system", serviceAccount: "karpenter", runsOnFargate: false }),
    interruptionQueue: z
      .strictObject({
        name: rule(queueNameProblem).optional(),
        /** Names of the EventBridge rules, by event; the rest get `Karpenter<Event>-<cluster>-<region>`. */
        ruleNames: z.strictObject(Object.fromEntries(INTERRUPTION_RULE_KEYS.map((e) => [e, rule(eventRuleNameProblem).optional()]))).optional(),
        messageRetentionSeconds: wholeNumber(60, 1_209_600, "must be a whole number of seconds from 60 to 1209600").default(300),
        kmsKeyArn: rule(kmsKeyArnProblem).optional(),
        manageKmsKeyPolicy: z.boolean({ error: "must be true or false" }).default(false),
      })
      .default({ messageRetentionSeconds: 300, manageKmsKeyPolicy: false }),
    nodeClasses: z.array(nodeClass, { error: "must be a list of node classes" }).min(1, { error: "must list at least one node class" }),
    nodePools: z.array(nodePool, { error: "must be a list of node pools" }).min(1, { error: "must list at least one node pool" }),
    kubernetesAuth: z.enum(["token", "exec"], { error: "must be one of token, exec" }).default("token"),
    spotServiceLinkedRole: z.enum(["create", "present"], { error: "must be one of create, present" }).default("present"),
    quotaGuard: z.enum(["warn", "fail", "off"], { error: "must be one of warn, fail, off" }).default("warn"),
    /** Karpenter's node repair (alpha gate `nodeRepair`) and the EKS node monitoring agent that reports GPU failures to it. */
    nodeRepair: z
      .strictObject({
        enabled: z.boolean({ error: "must be true or false" }).default(true),
        monitoringAgent: z.enum(["install", "present", "warn", "unchecked"], { error: "must be one of install, present, warn, unchecked" }).default("warn"),
      })
      .default({ enabled: true, monitoringAgent: "warn" }),
    karpenter: z
      .strictObject({
        chartVersion: z.string({ error: "must be a string" }).regex(SEMVER, { error: "must be a chart version such as \"1.14.1\"" }).default(KARPENTER_CHART_VERSION),
        controllerResources: resources.optional(),
        zonalShift: z.boolean({ error: "must be true or false" }).default(false),
        additionalValues: additionalValues("karpenter").optional(),
        /** Helm release names, to take over the releases of an existing installation (docs/adopt.md). */
        releaseName: rule(helmReleaseNameProblem).default(KARPENTER_RELEASE_NAMES.controller),
        crdReleaseName: rule(helmReleaseNameProblem).default(KARPENTER_RELEASE_NAMES.crd),
        /** Existing CRDs no release owns, handed to the CRD release: all of the pinned chart's, or those listed. Membership: cross-key.ts. */
        adoptExistingCrds: z
          .union([z.boolean(), uniqueStrings("CRD names", rule(crdNameProblem)).min(1, { error: "must list at least one CRD name, or be false" })], {
            error: (issue) => `must be true, false, or a list of CRD names such as [nodepools.karpenter.sh, nodeclaims.karpenter.sh] (got ${quoted(issue.input)})`,
          })
          .default(false),
        importExistingReleases: uniqueStrings("releases (crd, controller)", z.enum(["crd", "controller"], { error: "must be crd or controller" })).default([]),
        /** Leave the CRDs on the cluster when the CRD release is uninstalled. Default in the stack: on when adopting or importing the CRD release. */
        keepCrds: z.boolean({ error: "must be true or false" }).optional(),
      })
      .default({ chartVersion: KARPENTER_CHART_VERSION, zonalShift: false, releaseName: KARPENTER_RELEASE_NAMES.controller, crdReleaseName: KARPENTER_RELEASE_NAMES.crd, adoptExistingCrds: false, importExistingReleases: [] }),
    gpuOperator: z
      .strictObject({
        chartVersion: z.string({ error: "must be a string" }).regex(SEMVER, { error: "must be a chart version such as \"v26.7.0\"" }).default(GPU_OPERATOR_CHART_VERSION),
        installDriver: z.boolean({ error: "must be true or false" }).default(false),
        additionalValues: additionalValues("gpuOperator").optional(),
      })
      .default({ chartVersion: GPU_OPERATOR_CHART_VERSION, installDriver: false }),
    terraformCloud: z
      .strictObject({
        organization: z.string({ error: "must be a string" }).regex(/^[A-Za-z0-9_-]+$/, { error: "must be a Terraform Cloud organization name: letters, digits, '-' and '_'" }),
        workspacePrefix: z
          .string({ error: "must be a string" })
          .regex(/^[A-Za-z0-9_-]*$/, { error: "must use only letters, digits, '-' and '_' (Terraform Cloud workspace names)" }),
        // Backend settings are not templates: Terraform reads them as written, so they are checked, not escaped.
        project: z.string({ error: "must be a string" }).regex(/^[A-Za-z0-9_-]+( [A-Za-z0-9_-]+)*$/, { error: "must be a Terraform Cloud project name: letters, digits, '-', '_' and single inner spaces" }).optional(),
        hostname: z
          .string({ error: "must be a string" })
          .regex(/^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(:[0-9]{1,5})?$/, { error: "must be a host name such as \"app.terraform.io\" or \"tfe.example.com\"" })
          .default("app.terraform.io"),
      })
      .optional(),
    tags: awsTags(" (these tags also go on every GPU instance)").default({}),
  });

/** A configuration after defaults are applied: what the stacks are built from. */
export type KarpenterGpuConfig = output<typeof configSchema>;
/** A configuration as a user writes it (defaults optional). */
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
