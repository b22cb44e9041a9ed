/**
 * IAM policy statements a user adds to a role (the controller's `additionalPolicyStatements`):
 * their shape and the rules IAM applies when the policy is put, checked at synth so a typo in an
 * action or condition operator is an error naming the statement, not a failed apply.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */
import { Token } from "cdktf";
import { quoted } from "./rules.js";

/** One statement as a user writes it. Principals are not allowed: this is an identity policy. */
export interface IamStatementInput {
  /** Whether the statement allows or denies its actions. @default "Allow" */
  readonly effect?: "Allow" | "Deny";
  /** Actions such as `ec2:DescribeImages` or `ssm:Get*`, or `*`. */
  readonly actions: readonly string[];
  /** Resource ARNs (wildcards and policy variables allowed), or `*`. */
  readonly resources: readonly string[];
  /** Conditions, IAM's way: operator (`test`), condition key (`variable`) and values. */
  readonly conditions?: readonly { readonly test: string; readonly variable: string; readonly values: readonly string[] }[];
}

/**
 * IAM's quota on all inline policies of one role together, in characters (whitespace not
 * counted). @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export const MAX_INLINE_ROLE_POLICY_CHARS = 10_240;

const ACTION = /^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/;
const RESOURCE = /^(\*|arn:[^\s]+)$/;
const CONDITION_KEY = /^[A-Za-z0-9-]+:[^\s]+$/;
/** The condition operators IAM knows, without the `ForAllValues:`/`ForAnyValue:` prefixes and `IfExists` suffix. */
const OPERATORS = [
  "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
  "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
  "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
  "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
];

function operatorProblem(test: string): string | undefined {
  const base = test.replace(/^(ForAllValues|ForAnyValue):/, "").replace(/IfExists$/, "");
  if (OPERATORS.includes(base) && !(base === "Null" && test.endsWith("IfExists"))) return undefined;
  return `must be an IAM condition operator such as StringEquals, StringLike, ArnLike, Bool or Null, optionally with a ForAllValues:/ForAnyValue: prefix or an IfExists suffix (got ${quoted(test)})`;
}

/** Every problem of the statements, each at its path (`[1, "actions", 0]`). */
export function iamStatementProblems(statements: readonly IamStatementInput[]): { path: (string | number)[]; problem: string }[] {
  const out: { path: (string | number)[]; problem: string }[] = [];
  const check = (path: (string | number)[], value: string, ok: boolean, allowed: string) => {
    if (!ok && !Token.isUnresolved(value)) out.push({ path, problem: `${allowed} (got ${quoted(value)})` });
  };
  statements.forEach((s, i) => {
    if (s.effect !== undefined && s.effect !== "Allow" && s.effect !== "Deny") out.push({ path: [i, "effect"], problem: `must be Allow or Deny (got ${quoted(String(s.effect))})` });
    if (s.actions.length === 0) out.push({ path: [i, "actions"], problem: "must list at least one action" });
    s.actions.forEach((a, j) => check([i, "actions", j], a, ACTION.test(a), 'must be an IAM action "<service>:<Action>" (wildcards * and ? allowed) or "*"'));
    if (s.resources.length === 0) out.push({ path: [i, "resources"], problem: "must list at least one resource" });
    s.resources.forEach((r, j) => check([i, "resources", j], r, RESOURCE.test(r), 'must be a resource ARN ("arn:…", wildcards allowed) or "*"'));
    (s.conditions ?? []).forEach((c, j) => {
      const problem = operatorProblem(c.test);
      if (problem && !Token.isUnresolved(c.test)) out.push({ path: [i, "conditions", j, "test"], problem });
      check([i, "conditions", j, "variable"], c.variable, CONDITION_KEY.test(c.variable), 'must be a condition key such as "aws:RequestedRegion" or "ec2:ResourceTag/team"');
      if (c.values.length === 0) out.push({ path: [i, "conditions", j, "values"], problem: "must list at least one value" });
    });
  });
  const size = policyCharacters(statements);
  if (size > MAX_INLINE_ROLE_POLICY_CHARS) {
    out.push({ path: [], problem: `make a policy of about ${size} characters; IAM allows ${MAX_INLINE_ROLE_POLICY_CHARS} in a role's inline policies. Move some into a managed policy and list it in additionalPolicyArns` });
  }
  return out;
}

/** The size IAM counts for the statements' policy document: its JSON without whitespace. */
function policyCharacters(statements: readonly IamStatementInput[]): number {
  const doc = {
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      Effect: s.effect ?? "Allow",
      Action: s.actions,
      Resource: s.resources,
      ...(s.conditions?.length ? { Condition: Object.fromEntries(s.conditions.map((c) => [c.test, { [c.variable]: c.values }])) } : {}),
    })),
  };
  return JSON.stringify(doc).length;
}
