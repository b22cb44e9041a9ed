import { DataAwsVpcSecurityGroupRule } from "@cdktf/provider-aws/lib/data-aws-vpc-security-group-rule/index.js";
import { DataAwsVpcSecurityGroupRules } from "@cdktf/provider-aws/lib/data-aws-vpc-security-group-rules/index.js";
import { TerraformIterator, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { securityGroupIdProblem, throwIfProblems } from "../core/rules.js";

export interface EfaSecurityGroupCheckProps {
  /** The nodes' security groups (literal IDs: the check names them in its message). */
  readonly securityGroupIds: readonly string[];
}

/**
 * A plan-time warning when the EFA nodes' security groups do not allow all traffic among
 * themselves, inbound and outbound: EFA traffic is refused otherwise (EC2 User Guide, "Prepare an
 * EFA-enabled security group": an inbound and an outbound rule allowing all traffic from and to
 * the security group itself). The module never changes a user's security group, so it only looks:
 * `data.aws_vpc_security_group_rules` lists each group's rules, one
 * `data.aws_vpc_security_group_rule` per rule reads it, and a `check` block warns when a group
 * lacks either rule (an all-traffic rule referencing any of the node groups counts).
 */
export class EfaSecurityGroupCheck extends Construct {
  /** The rule lookups, per security group. */
  public readonly rules: Readonly<Record<string, DataAwsVpcSecurityGroupRule>>;

  constructor(scope: Construct, id: string, props: EfaSecurityGroupCheckProps) {
    super(scope, id);
    throwIfProblems(this, "EfaSecurityGroupCheck", props.securityGroupIds.map((sg, i) => ({ prop: `securityGroupIds[${i}]`, problem: securityGroupIdProblem(sg) })));
    const rules: Record<string, DataAwsVpcSecurityGroupRule> = {};
    const groups = JSON.stringify(props.securityGroupIds);
    for (const sg of props.securityGroupIds) {
      const ids = new DataAwsVpcSecurityGroupRules(this, `${sg}-rules`, { filter: [{ name: "group-id", values: [sg] }] });
      const each = TerraformIterator.fromList(ids.ids);
      const rule = new DataAwsVpcSecurityGroupRule(this, `${sg}-rule`, { forEach: each, securityGroupRuleId: each.value });
      rules[sg] = rule;
      const all = (egress: boolean) => `anytrue([for r in values(${rule.fqn}) : r.is_egress == ${egress} && r.ip_protocol == "-1" && contains(${groups}, r.referenced_security_group_id)])`;
      TerraformStack.of(this).addOverride(`check.efa_self_traffic_${sg.replace(/-/g, "_")}`, {
        assert: [
          {
            condition: `\${${all(false)} && ${all(true)}}`,
            error_message:
              `Security group ${sg} of the EFA nodes does not allow all traffic from and to the nodes' own security group${props.securityGroupIds.length > 1 ? "s" : ""}, inbound and outbound: EFA traffic between the nodes is refused, so multi-node training hangs or falls back to TCP. ` +
              `Add an inbound and an outbound rule for all traffic with source and destination ${sg} (EC2 User Guide, "Prepare an EFA-enabled security group"); the module does not change your security groups.`,
          },
        ],
      });
    }
    this.rules = rules;
  }
}
