import { DataAwsSecurityGroup } from "@cdktf/provider-aws/lib/data-aws-security-group/index.js";
import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet/index.js";
import { Ec2Tag } from "@cdktf/provider-aws/lib/ec2-tag/index.js";
import { Fn, TerraformIterator, Token, type Precondition, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { DISCOVERY_MODES, hasTokens, idTerms, tagTerms, type DiscoveryMode, type SelectorTerm } from "../core/discovery.js";
import { DISCOVERY_TAG_KEY } from "../core/names.js";
import { PlanCheck } from "../core/plan-check.js";
import { clusterNameProblem, duplicatesProblem, quoted, SECURITY_GROUP_ID, securityGroupCountProblem, securityGroupIdProblem, SUBNET_ID, subnetIdProblem, throwIfProblems } from "../core/rules.js";

export interface DiscoveryTagsProps {
  /** Name of the existing EKS cluster; it is the tag's value. */
  readonly clusterName: string;
  /**
   * IDs of existing subnets Karpenter may launch nodes into (usually the cluster's private
   * subnets, one per availability zone). The module never owns them. Literal IDs, tokens (such
   * as `DataAwsSubnets.ids` or another stack's output) or a mix; tokens must be known at plan.
   */
  readonly subnetIds: readonly string[];
  /**
   * IDs of existing security groups to attach to Karpenter nodes (usually the cluster's node
   * security group). The module never owns them. Literal IDs or tokens, as `subnetIds`.
   */
  readonly securityGroupIds: readonly string[];
  /**
   * How node classes find the subnets and security groups:
   * - `tag`: write `karpenter.sh/discovery=<clusterName>` on each; the plan fails first if one
   *   already carries another cluster's value (EC2 would overwrite it, and that cluster would
   *   launch nothing).
   * - `existing`: the tags are already there (for example set by a VPC module); write none, and
   *   fail the plan when one is missing or has another value. Destroy leaves them alone.
   * - `ids`: node classes select by ID; no tag is written. For VPCs several clusters share.
   * @default "tag"
   */
  readonly mode?: DiscoveryMode;
  /**
   * Allow more than one security group.
   *
   * Off by default: when several security groups on a node carry the cluster tag, the AWS
   * Load Balancer Controller cannot pick one and load balancers fail.
   * @default false
   * @see https://github.com/terraform-aws-modules/terraform-aws-eks/issues/3096
   */
  readonly allowMultipleSecurityGroups?: boolean;
  /** The AWS provider to use. @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** What differs between subnets and security groups. */
const KINDS = {
  subnet: { prop: "subnetIds", label: "Subnet", pattern: SUBNET_ID, rule: 'a subnet ID ("subnet-" and 8 or 17 hex digits)' },
  securityGroup: { prop: "securityGroupIds", label: "Security group", pattern: SECURITY_GROUP_ID, rule: 'a security group ID ("sg-" and 8 or 17 hex digits)' },
} as const;
type Kind = keyof typeof KINDS;

/**
 * Makes existing subnets and security groups discoverable by Karpenter, in one of three modes,
 * and never takes a tag away from its owner. Each resource is looked up at plan
 * (`data.aws_subnet`, `data.aws_security_group`), so a wrong ID, a tag of another cluster or a
 * missing tag fails the plan with the resource's name. Literal IDs give one resource per ID,
 * addressed by the ID (stable when the list is reordered); a token list gives one resource with
 * `for_each` over it.
 *
 * @see https://karpenter.sh/docs/concepts/nodeclasses/#specsubnetselectorterms
 */
export class DiscoveryTags extends Construct {
  /** The resolved mode (default applied). */
  public readonly mode: DiscoveryMode;
  /**
   * The `aws_ec2_tag` resources on the subnets (mode `tag`), keyed by subnet ID, or under
   * `subnetIds` when the IDs are a token list. Empty in the other modes.
   */
  public readonly subnetTags: Readonly<Record<string, Ec2Tag>>;
  /** The `aws_ec2_tag` resources on the security groups, keyed as `subnetTags`. */
  public readonly securityGroupTags: Readonly<Record<string, Ec2Tag>>;
  /** The plan-time lookups of the subnets, keyed as `subnetTags`. Escape hatch. */
  public readonly subnetLookups: Readonly<Record<string, DataAwsSubnet>>;
  /** The plan-time lookups of the security groups, keyed as `subnetTags`. Escape hatch. */
  public readonly securityGroupLookups: Readonly<Record<string, DataAwsSecurityGroup>>;
  /** The tag as a selector term's tags: `{ "karpenter.sh/discovery": clusterName }`. */
  public readonly selectorTags: Readonly<Record<string, string>>;
  /** The EC2NodeClass `subnetSelectorTerms` of this mode. */
  public readonly subnetSelectorTerms: readonly SelectorTerm[];
  /** The EC2NodeClass `securityGroupSelectorTerms` of this mode. */
  public readonly securityGroupSelectorTerms: readonly SelectorTerm[];

  private readonly props: DiscoveryTagsProps;

  constructor(scope: Construct, id: string, props: DiscoveryTagsProps) {
    super(scope, id);
    this.props = props;
    // Tagging is what the Karpenter docs do; the plan-time check keeps it from overwriting.
    this.mode = props.mode ?? "tag";
    const allowMultiple = props.allowMultipleSecurityGroups ?? false;
    const subnets = props.subnetIds;
    const groups = props.securityGroupIds;
    throwIfProblems(this, "DiscoveryTags", [
      { prop: "clusterName", problem: clusterNameProblem(props.clusterName) },
      { prop: "mode", problem: DISCOVERY_MODES.includes(this.mode) ? undefined : `must be one of ${DISCOVERY_MODES.join(", ")} (got ${quoted(String(this.mode))})` },
      ...(Token.isUnresolved(subnets)
        ? []
        : [
            { prop: "subnetIds", problem: subnets.length === 0 ? "must list at least one subnet ID" : duplicatesProblem(subnets) },
            ...subnets.map((s, i) => ({ prop: `subnetIds[${i}]`, problem: subnetIdProblem(s) })),
          ]),
      ...(Token.isUnresolved(groups)
        ? []
        : [
            { prop: "securityGroupIds", problem: securityGroupCountProblem(groups.length, allowMultiple) ?? duplicatesProblem(groups) },
            ...groups.map((s, i) => ({ prop: `securityGroupIds[${i}]`, problem: securityGroupIdProblem(s) })),
          ]),
    ]);

    this.selectorTags = { [DISCOVERY_TAG_KEY]: props.clusterName };
    const byTag = this.mode !== "ids";
    this.subnetSelectorTerms = byTag ? tagTerms(props.clusterName) : idTerms(subnets);
    this.securityGroupSelectorTerms = byTag ? tagTerms(props.clusterName) : idTerms(groups);

    const subnetLookups: Record<string, DataAwsSubnet> = {};
    const groupLookups: Record<string, DataAwsSecurityGroup> = {};
    const lookupScope = new Construct(this, "lookup");
    this.subnetTags = this.discover("subnet", subnets, (key, config) => (subnetLookups[key] = new DataAwsSubnet(lookupScope, key, config)));
    this.securityGroupTags = this.discover("securityGroup", groups, (key, config) => (groupLookups[key] = new DataAwsSecurityGroup(lookupScope, key, config)));
    this.subnetLookups = subnetLookups;
    this.securityGroupLookups = groupLookups;

    if (Token.isUnresolved(groups) && !allowMultiple) {
      // The count of a token list is known at plan only.
      new PlanCheck(this, "securityGroupCount", {
        lifecycle: {
          precondition: [
            {
              condition: `\${length(${Token.asString(groups)}) == 1}`,
              errorMessage: `DiscoveryTags securityGroupIds: must list exactly one security group (got \${length(${Token.asString(groups)})}): more than one carrying the cluster's tag breaks load balancers (terraform-aws-eks#3096). Set allowMultipleSecurityGroups: true if you accept that.`,
            },
          ],
        },
      });
    }
  }

  /** Looks each resource up (with this mode's checks) and, in mode `tag`, tags it after the lookup. */
  private discover(
    kind: Kind,
    ids: readonly string[],
    lookup: (key: string, config: { id: string; provider?: TerraformProvider; forEach?: TerraformIterator; lifecycle?: { precondition?: Precondition[]; postcondition?: Precondition[] } }) => DataAwsSubnet | DataAwsSecurityGroup,
  ): Record<string, Ec2Tag> {
    const tags: Record<string, Ec2Tag> = {};
    const write = this.mode === "tag";
    const { provider, clusterName } = this.props;
    if (!hasTokens(ids)) {
      for (const resourceId of ids) {
        const postcondition = this.tagConditions(kind);
        const found = lookup(resourceId, { id: resourceId, provider, lifecycle: postcondition.length ? { postcondition } : undefined });
        if (write) tags[resourceId] = new Ec2Tag(this, resourceId, { resourceId, key: DISCOVERY_TAG_KEY, value: clusterName, provider, dependsOn: [found] });
      }
      return tags;
    }
    // A token list (or literal list with tokens): one lookup and one tag per item, keyed by ID.
    const k = KINDS[kind];
    const each = TerraformIterator.fromList(ids as string[]);
    const postcondition = this.tagConditions(kind);
    const found = lookup(k.prop, {
      forEach: each,
      id: each.value,
      provider,
      lifecycle: {
        precondition: [
          {
            condition: Token.asString(Fn.can(Fn.regex(k.pattern.source, each.value))),
            errorMessage: `DiscoveryTags ${k.prop}: must be ${k.rule} (got "\${each.value}").`,
          },
        ],
        postcondition: postcondition.length ? postcondition : undefined,
      },
    });
    if (write) {
      const tagEach = TerraformIterator.fromList(ids as string[]);
      tags[k.prop] = new Ec2Tag(this, k.prop, { forEach: tagEach, resourceId: tagEach.value, key: DISCOVERY_TAG_KEY, value: clusterName, provider, dependsOn: [found] });
    }
    return tags;
  }

  /** The lookup's postconditions in this mode: whose tag is on the resource. */
  private tagConditions(kind: Kind): Precondition[] {
    const label = KINDS[kind].label;
    const cluster = this.props.clusterName;
    const current = `lookup(self.tags, "${DISCOVERY_TAG_KEY}", "")`;
    if (this.mode === "tag") {
      return [
        {
          condition: `\${contains(["", "${cluster}"], ${current})}`,
          errorMessage:
            `${label} \${self.id} already carries ${DISCOVERY_TAG_KEY}=\${${current}}: another cluster discovers it. ` +
            `Tagging it for ${cluster} would overwrite that value (EC2 CreateTags replaces it) and that cluster would find no ${label.toLowerCase()}. ` +
            `For a VPC several clusters share, use discovery mode "ids".`,
        },
      ];
    }
    if (this.mode === "existing") {
      return [
        {
          condition: `\${${current} == "${cluster}"}`,
          errorMessage:
            `${label} \${self.id} does not carry ${DISCOVERY_TAG_KEY}=${cluster} (its value: "\${${current}}"). ` +
            `Discovery mode "existing" expects the tag already set, e.g. by your VPC module (private_subnet_tags, node_security_group_tags). Set it there, or use mode "tag" or "ids".`,
        },
      ];
    }
    return [];
  }
}
