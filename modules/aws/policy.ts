import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatementCondition, type DataAwsIamPolicyDocumentStatementPrincipals } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js";
import type { Construct } from "constructs";

/** One IAM policy statement, as plain data so it can be inspected and tested before it becomes Terraform. */
export interface PolicyStatement {
  readonly sid?: string;
  readonly effect?: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly principals?: readonly DataAwsIamPolicyDocumentStatementPrincipals[];
  readonly conditions?: readonly DataAwsIamPolicyDocumentStatementCondition[];
}

/** Renders statements as a `data.aws_iam_policy_document`, so Terraform builds and normalises the JSON. */
export function policyDocument(scope: Construct, id: string, statements: readonly PolicyStatement[]): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: statements.map((s) => ({
      sid: s.sid,
      effect: s.effect ?? "Allow",
      actions: [...s.actions],
      resources: [...s.resources],
      principals: s.principals ? [...s.principals] : undefined,
      condition: s.conditions ? [...s.conditions] : undefined,
    })),
  });
}

/** A condition block, written the way IAM reads it: `{ test: "StringEquals", variable, values }`. */
export function condition(test: string, variable: string, ...values: string[]): DataAwsIamPolicyDocumentStatementCondition {
  return { test, variable, values };
}
