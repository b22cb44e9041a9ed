import type { Manifest } from "@cdktf/provider-kubernetes/lib/manifest/index.js";
import { Construct } from "constructs";
import type { EC2NodeClass } from "../../.gen/karpenter/ec2nodeclass.js";
import { DISCOVERY_TAG_KEY } from "../core/names.js";
import { clusterNameProblem, iamRoleNameProblem, k8sNameProblem, quoted, throwIfProblems, warn } from "../core/rules.js";
import { buildGpuNodeClass, nodeClassPropOf, type GpuNodeClassProps } from "../karpenter/node-class-spec.js";
import { efaLayoutProblem } from "../validation/efa.js";
import { amiAliasProblem, evictionThresholdProblem, instanceTagCountProblem, placementGroupProblems, rootVolumeProblems } from "../validation/karpenter-rules.js";
import { manifestOf } from "./manifest.js";

/** An EC2NodeClass applied as a `kubernetes_manifest`, validated against the pinned Karpenter CRD (schema and CEL rules) at synth. */
export class GpuNodeClass extends Construct {
  /** The typed object (what is applied). */
  public readonly model: EC2NodeClass;
  /** The `kubernetes_manifest`. Escape hatch. */
  public readonly manifest: Manifest;
  public readonly name: string;

  constructor(scope: Construct, id: string, props: GpuNodeClassProps) {
    super(scope, id);
    this.name = props.name;
    const alias = props.amiAlias ?? "al2023@latest";
    throwIfProblems(this, "GpuNodeClass", [
      { prop: "name", problem: k8sNameProblem(props.name) },
      { prop: "clusterName", problem: clusterNameProblem(props.clusterName) },
      { prop: "roleName", problem: props.roleName.startsWith("arn:") ? `must be the role's name, not its ARN (got ${quoted(props.roleName)})` : iamRoleNameProblem(props.roleName) },
      { prop: "amiAlias", problem: amiAliasProblem(alias) },
      { prop: "tags", problem: clusterNameProblem(props.clusterName) ? undefined : instanceTagCountProblem([...Object.keys(props.tags ?? {}), DISCOVERY_TAG_KEY], props.clusterName) },
      ...rootVolumeProblems(props.rootVolume ?? {}).map((p) => ({ prop: `rootVolume.${p.field}`, problem: p.problem })),
      ...(["evictionHard", "evictionSoft"] as const).flatMap((field) =>
        Object.entries(props.kubelet?.[field] ?? {}).map(([signal, value]) => ({ prop: `kubelet.${field}[${JSON.stringify(signal)}]`, problem: evictionThresholdProblem(value) })),
      ),
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
    if (alias.endsWith("@latest")) {
      // Legal, and the seed's choice, but every AMI release then drifts every node of the class.
      warn(
        this,
        `EC2NodeClass ${props.name} uses ${alias}: each new EKS AMI release marks every node of this class as drifted and Karpenter replaces them, busy GPU nodes included (as far as the pool's disruption budgets allow). Pin a release (e.g. al2023@v20251120) and move it forward on your schedule`,
      );
    }
    this.model = buildGpuNodeClass(props);
    this.manifest = manifestOf(this, "manifest", this.model, `EC2NodeClass ${props.name}`, nodeClassPropOf, {
      // Ready means AMIs, subnets, security groups and the instance profile all resolved: a
      // missing discovery tag fails the deploy here instead of leaving pods Pending.
      wait: { condition: [{ type: "Ready", status: "True" }] },
      timeouts: { create: "10m", update: "10m", delete: "30m" },
    });
  }
}
