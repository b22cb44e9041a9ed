import { DataAwsEksAddon } from "@cdktf/provider-aws/lib/data-aws-eks-addon/index.js";
import { DataAwsIamRoles } from "@cdktf/provider-aws/lib/data-aws-iam-roles/index.js";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon/index.js";
import { IamServiceLinkedRole } from "@cdktf/provider-aws/lib/iam-service-linked-role/index.js";
import { TerraformStack, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { assignProvider } from "../core/provider.js";
import { PlanCheck } from "../core/plan-check.js";
import { clusterNameProblem, throwIfProblems } from "../core/rules.js";

/** The EKS add-on that gives pods their EKS Pod Identity credentials. */
export const POD_IDENTITY_AGENT_ADDON = "eks-pod-identity-agent";
/** The EKS add-on that sets the node conditions (AcceleratedHardwareReady, ...) Karpenter's node repair acts on. */
export const NODE_MONITORING_AGENT_ADDON = "eks-node-monitoring-agent";
/** The service-linked role EC2 uses for Spot Instances: one per account. */
export const SPOT_SERVICE_LINKED_ROLE = "AWSServiceRoleForEC2Spot";
const SPOT_SERVICE = "spot.amazonaws.com";

/**
 * How an installed agent add-on treats the agent's objects already on the cluster.
 *
 * Create, `OVERWRITE`: an agent someone applied themselves (its Helm chart, kubectl) owns its
 * DaemonSet's fields; with the default `NONE`, EKS reports a ConfigurationConflict and the
 * add-on ends `CREATE_FAILED`, which hashicorp/aws leaves tainted, to be deleted and created again
 * on the next apply. `OVERWRITE` makes the add-on take the objects over at once (EKS
 * `CreateAddon` `resolveConflicts`; `PRESERVE` is not accepted on create). It does not help when
 * the agent is already an EKS add-on (eksctl's `addons`, the console, a cluster module): EKS
 * refuses a second add-on of the same name (ResourceInUseException); use `present`, or import
 * the add-on (`<cluster>:<add-on>`) into this stack's state.
 *
 * Update, `OVERWRITE`: the module sets no version or configuration, so an update only comes from
 * an escape-hatch change; the values Terraform sends then win over edits made to the agent's
 * objects outside the add-on, as they would for any resource this stack owns.
 */
const TAKE_OVER_AGENT = { resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE" } as const;

/**
 * What to do about an account or cluster prerequisite.
 * - `install` / `create`: this stack manages it (creates it, and deletes it on destroy).
 * - `present`: someone else manages it; the plan fails if it is missing, naming the fix.
 */
export type AddonMode = "install" | "present";
/** What to do about a service-linked role: `create` it in this stack, or check that it is `present` (as `AddonMode`). */
export type ServiceLinkedRoleMode = "create" | "present";

export interface ClusterPrerequisitesProps {
  /** Name of the existing EKS cluster. */
  readonly clusterName: string;
  /**
   * The `eks-pod-identity-agent` add-on, without which a Pod Identity association gives the
   * Karpenter pod no credentials and the controller crashes at start-up. `install` manages it
   * here (an agent applied outside EKS add-ons is taken over); `present` fails the plan when it is
   * missing. Leave undefined with IRSA.
   * @default - not looked at
   * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html
   */
  readonly podIdentityAgent?: AddonMode;
  /**
   * The Spot service-linked role `AWSServiceRoleForEC2Spot`. On an account that never launched
   * a Spot Instance it does not exist, the controller may not create it, and Karpenter treats
   * spot as unavailable (`ServiceLinkedRoleCreationNotPermitted`). Leave undefined when no pool
   * uses spot.
   * @default - not looked at
   * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/service-linked-roles-spot-instance-requests.html
   */
  readonly spotServiceLinkedRole?: ServiceLinkedRoleMode;
  /** Names of the pools that use spot, for the plan-time message. @default [] */
  readonly spotPools?: readonly string[];
  /**
   * The `eks-node-monitoring-agent` add-on, which sets the node conditions Karpenter's node
   * repair acts on for GPU, storage, network, kernel and container runtime failures (without it,
   * repair sees only `Ready`). `install` manages it here (conflicting self-managed objects are
   * overwritten); `present` fails the plan when it is missing; `warn` only warns in the plan.
   * @default - not looked at
   * @see https://docs.aws.amazon.com/eks/latest/userguide/node-health.html
   */
  readonly nodeMonitoringAgent?: AddonMode | "warn";
  /** The AWS provider of everything this creates (an aliased one for a second region or account in the stack). @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * The account and cluster prerequisites Karpenter needs but does not create itself: each is
 * either managed here or checked when the plan is made, so a missing one fails the plan
 * instead of leaving the controller crashing or spot pods Pending.
 */
export class ClusterPrerequisites extends Construct {
  /** With `podIdentityAgent: install`: the `aws_eks_addon`. Escape hatch. */
  public readonly podIdentityAgentAddon?: EksAddon;
  /** With `podIdentityAgent: present`: the `data.aws_eks_addon` whose read fails when it is missing. */
  public readonly podIdentityAgentLookup?: DataAwsEksAddon;
  /** With `nodeMonitoringAgent: install`: the `aws_eks_addon`. Escape hatch. */
  public readonly nodeMonitoringAgentAddon?: EksAddon;
  /** With `nodeMonitoringAgent: present`: the `data.aws_eks_addon` whose read fails when it is missing. */
  public readonly nodeMonitoringAgentLookup?: DataAwsEksAddon;
  /** With `spotServiceLinkedRole: create`: the `aws_iam_service_linked_role`. Escape hatch. */
  public readonly spotServiceLinkedRole?: IamServiceLinkedRole;
  /** With `spotServiceLinkedRole: present`: the `data.aws_iam_roles` lookup its precondition reads. */
  public readonly spotServiceLinkedRoleLookup?: DataAwsIamRoles;

  constructor(scope: Construct, id: string, props: ClusterPrerequisitesProps) {
    super(scope, id);
    throwIfProblems(this, "ClusterPrerequisites", [{ prop: "clusterName", problem: clusterNameProblem(props.clusterName) }]);

    if (props.podIdentityAgent === "install") {
      // No version: EKS picks the default one for the cluster's Kubernetes version.
      this.podIdentityAgentAddon = new EksAddon(this, "podIdentityAgent", { clusterName: props.clusterName, addonName: POD_IDENTITY_AGENT_ADDON, ...TAKE_OVER_AGENT });
    } else if (props.podIdentityAgent === "present") {
      // Reading a missing add-on fails the plan with "couldn't find resource" at this address,
      // data.aws_eks_addon.prerequisites_podIdentityAgent...; docs/operations.md (Troubleshooting) names the fix.
      this.podIdentityAgentLookup = new DataAwsEksAddon(this, "podIdentityAgent", { clusterName: props.clusterName, addonName: POD_IDENTITY_AGENT_ADDON });
    }

    if (props.nodeMonitoringAgent === "install") {
      this.nodeMonitoringAgentAddon = new EksAddon(this, "nodeMonitoringAgent", { clusterName: props.clusterName, addonName: NODE_MONITORING_AGENT_ADDON, ...TAKE_OVER_AGENT });
    } else if (props.nodeMonitoringAgent === "present") {
      this.nodeMonitoringAgentLookup = new DataAwsEksAddon(this, "nodeMonitoringAgent", { clusterName: props.clusterName, addonName: NODE_MONITORING_AGENT_ADDON });
    } else if (props.nodeMonitoringAgent === "warn") {
      // A check block with its own scoped data source: a missing add-on is a warning in the plan, not an error.
      const name = "node_monitoring_agent";
      TerraformStack.of(this).addOverride(`check.${name}`, {
        data: { aws_eks_addon: { [name]: { cluster_name: props.clusterName, addon_name: NODE_MONITORING_AGENT_ADDON } } },
        assert: [
          {
            condition: `\${data.aws_eks_addon.${name}.addon_version != ""}`,
            error_message:
              `The ${NODE_MONITORING_AGENT_ADDON} add-on is not on cluster ${props.clusterName}: Karpenter's node repair then replaces only nodes that stop being Ready, ` +
              "not nodes whose GPU fails. Install it (nodeRepair.monitoringAgent: install in the karpenter-gpu config, or aws eks create-addon), or set nodeRepair.monitoringAgent: unchecked.",
          },
        ],
      });
    }
    if (props.spotServiceLinkedRole === "create") {
      this.spotServiceLinkedRole = new IamServiceLinkedRole(this, "spotServiceLinkedRole", {
        awsServiceName: SPOT_SERVICE,
        description: "Lets EC2 launch and manage Spot Instances (created for Karpenter spot node pools)",
      });
    } else if (props.spotServiceLinkedRole === "present") {
      // A list lookup returns an empty set instead of failing, so the precondition can say what to do.
      const roles = new DataAwsIamRoles(this, "spotServiceLinkedRoleLookup", {
        pathPrefix: `/aws-service-role/${SPOT_SERVICE}/`,
        nameRegex: `^${SPOT_SERVICE_LINKED_ROLE}$`,
      });
      this.spotServiceLinkedRoleLookup = roles;
      const pools = props.spotPools?.length ? `node pool(s) ${props.spotPools.join(", ")}` : "spot node pools";
      new PlanCheck(this, "spotServiceLinkedRolePresent", {
        lifecycle: {
          precondition: [
            {
              condition: `\${length(${roles.fqn}.names) > 0}`,
              errorMessage:
                `This AWS account has no ${SPOT_SERVICE_LINKED_ROLE} service-linked role, so ${pools} cannot launch Spot Instances ` +
                `(Karpenter logs ServiceLinkedRoleCreationNotPermitted and marks spot unavailable). Set spotServiceLinkedRole: create ` +
                `in the karpenter-gpu config, or run once for the account: aws iam create-service-linked-role --aws-service-name ${SPOT_SERVICE}`,
            },
          ],
        },
      });
    }
    assignProvider(this, props.provider);
  }
}
