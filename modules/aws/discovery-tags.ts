import { Ec2Tag } from "@cdktf/provider-aws/lib/ec2-tag/index.js";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { DISCOVERY_TAG_KEY } from "../core/names.js";
import { clusterNameProblem, duplicatesProblem, securityGroupCountProblem, securityGroupIdProblem, subnetIdProblem, throwIfProblems } from "../core/rules.js";

export interface DiscoveryTagsProps {
  /** Name of the existing EKS cluster; it is the tag's value. */
  readonly clusterName: string;
  /**
   * IDs of existing subnets Karpenter may launch nodes into (usually the cluster's private
   * subnets, one per availability zone). The module tags them; it does not own them.
   */
  readonly subnetIds: readonly string[];
  /**
   * IDs of existing security groups to attach to Karpenter nodes (usually the cluster's node
   * security group). The module tags them; it does not own them.
   */
  readonly securityGroupIds: readonly string[];
  /**
   * Allow more than one security group to carry the discovery tag.
   *
   * Off by default: when several security groups on a node carry the cluster tag, the AWS
   * Load Balancer Controller cannot pick one and load balancers fail.
   * @default false
   * @see https://github.com/terraform-aws-modules/terraform-aws-eks/issues/3096
   */
  readonly allowMultipleSecurityGroups?: boolean;
}

/**
 * Tags existing subnets and security groups with `karpenter.sh/discovery=<clusterName>` so the
 * EC2NodeClass selector terms find them. One `aws_ec2_tag` per resource, addressed by the
 * resource ID (stable when the list is reordered).
 *
 * @see https://karpenter.sh/docs/concepts/nodeclasses/#specsubnetselectorterms
 */
export class DiscoveryTags extends Construct {
  /** The `aws_ec2_tag` resources on the subnets, keyed by subnet ID. */
  public readonly subnetTags: Readonly<Record<string, Ec2Tag>>;
  /** The `aws_ec2_tag` resources on the security groups, keyed by security group ID. */
  public readonly securityGroupTags: Readonly<Record<string, Ec2Tag>>;
  /** The tag as a selector term: `{ "karpenter.sh/discovery": clusterName }`. */
  public readonly selectorTags: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: DiscoveryTagsProps) {
    super(scope, id);
    const allowMultiple = props.allowMultipleSecurityGroups ?? false;
    throwIfProblems(this, "DiscoveryTags", [
      { prop: "clusterName", problem: clusterNameProblem(props.clusterName) },
      { prop: "subnetIds", problem: props.subnetIds.length === 0 ? "must list at least one subnet ID" : undefined },
      { prop: "subnetIds", problem: duplicatesProblem(props.subnetIds) },
      ...props.subnetIds.map((s, i) => ({ prop: `subnetIds[${i}]`, problem: subnetIdProblem(s) })),
      { prop: "securityGroupIds", problem: securityGroupCountProblem(props.securityGroupIds.length, allowMultiple) },
      { prop: "securityGroupIds", problem: duplicatesProblem(props.securityGroupIds) },
      ...props.securityGroupIds.map((s, i) => ({ prop: `securityGroupIds[${i}]`, problem: securityGroupIdProblem(s) })),
      // The ID is the construct id (and so the Terraform address), which must be known at synth.
      {
        prop: "subnetIds/securityGroupIds",
        problem: [...props.subnetIds, ...props.securityGroupIds].some((v) => Token.isUnresolved(v))
          ? "must be literal IDs, not unresolved tokens: each ID names its aws_ec2_tag resource's address"
          : undefined,
      },
    ]);

    this.selectorTags = { [DISCOVERY_TAG_KEY]: props.clusterName };
    this.subnetTags = this.tagEach(props.subnetIds, props.clusterName);
    this.securityGroupTags = this.tagEach(props.securityGroupIds, props.clusterName);
  }

  private tagEach(resourceIds: readonly string[], clusterName: string): Record<string, Ec2Tag> {
    const tags: Record<string, Ec2Tag> = {};
    for (const resourceId of resourceIds) {
      tags[resourceId] = new Ec2Tag(this, resourceId, { resourceId, key: DISCOVERY_TAG_KEY, value: clusterName });
    }
    return tags;
  }
}
