import { DataAwsVpcSecurityGroupRule } from "@cdktf/provider-aws/lib/data-aws-vpc-security-group-rule/index.js";
import { DataAwsVpcSecurityGroupRules } from "@cdktf/provider-aws/lib/data-aws-vpc-security-group-rules/index.js";
import { Fn, TerraformIterator, TerraformStack, Token, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { securityGroupIdProblem, throwIfProblems } from "../core/rules.js";

export interface EfaSecurityGroupCheckProps {
  /** The nodes' security groups: literal IDs or tokens (a token list too), known at plan. */
  readonly securityGroupIds: readonly string[];
  /** The AWS provider of the lookups. @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * A plan-time warning when the EFA nodes' security groups do not allow all traffic among
 * themselves, inbound and outbound: EFA traffic is refused otherwise (EC2 User Guide, "Prepare an
 * EFA-enabled security group": an inbound and an outbound rule allowing all traffic from and to
 * the security group itself). The module never changes a user's security group, so it only looks:
 * one `data.aws_vpc_security_group_rules` lists the groups' rules, one
 * `data.aws_vpc_security_group_rule` per rule reads it, and the `check` block
 * `efa_self_traffic_<construct id>` (one per construct, so two clusters' checks fit in one stack)
 * warns, naming each group that lacks either rule (an all-traffic rule referencing any of the
 * node groups counts).
 */
export class EfaSecurityGroupCheck extends Construct {
  /** The lookup of every rule of the groups (`for_each` over the rule IDs). Escape hatch. */
  public readonly rules: DataAwsVpcSecurityGroupRule;
  /** The name of the `check` block that warns. */
  public readonly checkName: string;

  constructor(scope: Construct, id: string, props: EfaSecurityGroupCheckProps) {
    super(scope, id);
    const groups = props.securityGroupIds;
    throwIfProblems(this, "EfaSecurityGroupCheck", Token.isUnresolved(groups) ? [] : groups.map((sg, i) => ({ prop: `securityGroupIds[${i}]`, problem: securityGroupIdProblem(sg) })));
    const ids = new DataAwsVpcSecurityGroupRules(this, "ruleIds", { filter: [{ name: "group-id", values: groups as string[] }], provider: props.provider });
    const each = TerraformIterator.fromList(ids.ids);
    this.rules = new DataAwsVpcSecurityGroupRule(this, "rule", { forEach: each, securityGroupRuleId: each.value, provider: props.provider });
    // One HCL list for literal IDs, tokens or a token list alike.
    const list = Token.asString(Fn.tolist(groups as string[]));
    const selfRule = (egress: boolean) =>
      `anytrue([for r in values(${this.rules.fqn}) : r.security_group_id == sg && r.is_egress == ${egress} && r.ip_protocol == "-1" && contains(${list}, r.referenced_security_group_id)])`;
    const open = `${selfRule(false)} && ${selfRule(true)}`;
    /** The check block's name: `efa_self_traffic_<construct id>`. */
    this.checkName = `efa_self_traffic_${this.node.id.replace(/[^A-Za-z0-9_]/g, "_")}`;
    TerraformStack.of(this).addOverride(`check.${this.checkName}`, {
      assert: [
        {
          condition: `\${alltrue([for sg in ${list} : ${open}])}`,
          error_message:
            `Security group(s) \${join(", ", [for sg in ${list} : sg if !(${open})])} of the EFA nodes do not allow all traffic from and to the nodes' own security groups, inbound and outbound: EFA traffic between the nodes is refused, so multi-node training hangs or falls back to TCP. ` +
            `Add an inbound and an outbound rule for all traffic with the node security group as source and destination (EC2 User Guide, "Prepare an EFA-enabled security group"); the module does not change your security groups.`,
        },
      ],
    });
  }
}
