import type { Manifest } from "@cdktf/provider-kubernetes/lib/manifest/index.js";
import { Construct } from "constructs";
import type { EC2NodeClass } from "../../.gen/karpenter/ec2nodeclass.js";
import { DISCOVERY_TAG_KEY } from "../core/names.js";
import { Fn, Token, type Precondition, type TerraformProvider } from "cdktf";
import { hasTokens } from "../core/discovery.js";
import { clusterNameProblem, duplicatesProblem, iamRoleNameProblem, k8sNameProblem, quoted, SECURITY_GROUP_ID, securityGroupIdProblem, SUBNET_ID, subnetIdProblem, throwIfProblems, warn, type PropProblem } from "../core/rules.js";
import { buildGpuNodeClass, nodeClassPropOf, type GpuNodeClassProps } from "../karpenter/node-class-spec.js";
import { efaLayoutProblem } from "../validation/efa.js";
import { nodeClassSpecProblems, userDataProblem } from "../validation/escape-hatch.js";
import { amiAliasProblem, evictionThresholdProblem, instanceTagCountProblem, placementGroupProblems, rootVolumeProblems } from "../validation/karpenter-rules.js";
import { formatFieldPath } from "../core/field-path.js";
import { manifestOf } from "./manifest.js";

/** GpuNodeClass's props: the EC2NodeClass's, and the provider of its manifest. */
export interface GpuNodeClassConstructProps extends GpuNodeClassProps {
  /** The Kubernetes provider of the manifest (an aliased one for a second cluster in the stack). @default - the stack's default Kubernetes provider */
  readonly provider?: TerraformProvider;
}

/** An EC2NodeClass applied as a `kubernetes_manifest`, validated against the pinned Karpenter CRD (schema and CEL rules) at synth. */
export class GpuNodeClass extends Construct {
  /** The typed object (what is applied). */
  public readonly model: EC2NodeClass;
  /** The `kubernetes_manifest`. Escape hatch. */
  public readonly manifest: Manifest;
  /** The EC2NodeClass's name (what a NodePool's `nodeClassRef` names). */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: GpuNodeClassConstructProps) {
    super(scope, id);
    this.name = props.name;
    // A hardened AMI's own selector terms (the `spec` hatch) replace the alias.
    const customAmi = props.spec !== undefined && "amiSelectorTerms" in props.spec;
    const alias = customAmi ? undefined : (props.amiAlias ?? "al2023@latest");
    throwIfProblems(this, "GpuNodeClass", [
      ...nodeClassSpecProblems(props.spec ?? {}, { amiAlias: props.amiAlias, efa: props.efa !== undefined }).map((p) => ({ prop: formatFieldPath(["spec", ...p.path]), problem: p.problem })),
      { prop: "userData", problem: userDataProblem(props.userData) },
      { prop: "name", problem: k8sNameProblem(props.name) },
      { prop: "clusterName", problem: clusterNameProblem(props.clusterName) },
      { prop: "roleName", problem: props.roleName.startsWith("arn:") ? `must be the role's name, not its ARN (got ${quoted(props.roleName)})` : iamRoleNameProblem(props.roleName) },
      { prop: "amiAlias", problem: alias === undefined ? undefined : amiAliasProblem(alias) },
      { prop: "tags", problem: clusterNameProblem(props.clusterName) ? undefined : instanceTagCountProblem([...Object.keys(props.tags ?? {}), DISCOVERY_TAG_KEY], props.clusterName) },
      ...rootVolumeProblems(props.rootVolume ?? {}).map((p) => ({ prop: `rootVolume.${p.field}`, problem: p.problem })),
      ...(["evictionHard", "evictionSoft"] as const).flatMap((field) =>
        Object.entries(props.kubelet?.[field] ?? {}).map(([signal, value]) => ({ prop: `kubelet.${field}[${JSON.stringify(signal)}]`, problem: evictionThresholdProblem(value) })),
      ),
      ...idListProblems("subnetIds", props.subnetIds, subnetIdProblem),
      ...idListProblems("securityGroupIds", props.securityGroupIds, securityGroupIdProblem),
      { prop: "efa", problem: props.efa ? efaLayoutProblem(props.efa) : undefined },
      ...(props.placementGroup ? placementGroupProblems(props.placementGroup).map((p) => ({ prop: p.field ? `placementGroup.${p.field}` : "placementGroup", problem: p.problem })) : []),
      // The CRD refuses `id` with other fields only when every selector has them; each one is checked here.
      ...(props.capacityReservations ?? []).map((t, i) => ({
        prop: `capacityReservations[${i}]`,
        problem:
          t.id !== undefined && (t.tags !== undefined || t.ownerId !== undefined)
            ? "sets id with tags or ownerId: a selector is either { id } or { tags, ownerId? }"
            : t.id === undefined && t.tags === undefined
              ? "must set id or tags: a selector is either { id } or { tags, ownerId? }"
              : undefined,
      })),
    ]);
    if (alias?.endsWith("@latest")) {
      // Legal, and the seed's choice, but every AMI release then drifts every node of the class.
      warn(
        this,
        `EC2NodeClass ${props.name} uses ${alias}: each new EKS AMI release marks every node of this class as drifted and Karpenter replaces them, busy GPU nodes included (as far as the pool's disruption budgets allow). Pin a release (e.g. al2023@v20251120) and move it forward on your schedule`,
      );
    }
    this.model = buildGpuNodeClass(props);
    // Token IDs are known at plan only: the CRD check reads a placeholder, and a precondition checks the IDs.
    const tokenIds = (ids: readonly string[] | undefined) => ids !== undefined && hasTokens(ids);
    const placeholder = (ids: readonly string[] | undefined, id: string) => (tokenIds(ids) ? [id] : ids);
    const checked = tokenIds(props.subnetIds) || tokenIds(props.securityGroupIds)
      ? buildGpuNodeClass({ ...props, subnetIds: placeholder(props.subnetIds, "subnet-00000000"), securityGroupIds: placeholder(props.securityGroupIds, "sg-00000000") })
      : this.model;
    const precondition = [idListCondition("subnetIds", props.subnetIds, SUBNET_ID), idListCondition("securityGroupIds", props.securityGroupIds, SECURITY_GROUP_ID)].filter((p) => p !== undefined);
    this.manifest = manifestOf(
      this,
      "manifest",
      this.model,
      `EC2NodeClass ${props.name}`,
      (field) => nodeClassPropOf(field, props.spec),
      {
        // Ready means AMIs, subnets, security groups and the instance profile all resolved: a
        // missing discovery tag fails the deploy here instead of leaving pods Pending.
        wait: { condition: [{ type: "Ready", status: "True" }] },
        timeouts: { create: "10m", update: "10m", delete: "30m" },
        lifecycle: precondition.length ? { precondition } : undefined,
        provider: props.provider,
      },
      checked,
    );
  }
}

/** Synth-time problems of an ID list prop: empty, repeated, or an ID of the wrong form. Tokens wait for the plan. */
function idListProblems(prop: string, ids: readonly string[] | undefined, problemOf: (id: string) => string | undefined): PropProblem[] {
  if (ids === undefined || Token.isUnresolved(ids)) return [];
  return [{ prop, problem: ids.length === 0 ? "must list at least one ID, or be left out to select by the discovery tag" : duplicatesProblem(ids) }, ...ids.map((id, i) => ({ prop: `${prop}[${i}]`, problem: problemOf(id) }))];
}

/** The plan-time check of an ID list holding tokens: every ID of the right form. */
function idListCondition(prop: string, ids: readonly string[] | undefined, pattern: RegExp): Precondition | undefined {
  if (ids === undefined || !hasTokens(ids)) return undefined;
  const joined = Fn.join(",", ids as string[]);
  const body = pattern.source.slice(1, -1);
  return {
    condition: Token.asString(Fn.can(Fn.regex(`^${body}(,${body})*$`, joined))),
    errorMessage: `GpuNodeClass ${prop}: every item must match ${pattern.source} (got "${joined}").`,
  };
}
