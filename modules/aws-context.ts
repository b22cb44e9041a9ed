import { createHash } from "node:crypto";
import { Construct, type IConstruct } from "constructs";
import { DataAwsCallerIdentity, DataAwsPartition, TerraformStack, Token } from "./cjs-deps.js";

/**
 * Account-level facts every IAM ARN needs, read once per stack from `data.aws_partition` and
 * `data.aws_caller_identity`, so ARNs are right in aws, aws-cn and aws-us-gov alike.
 */
export class AwsContext extends Construct {
  /** Finds the stack's AwsContext, creating it on first use. */
  public static of(scope: IConstruct): AwsContext {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(AwsContext.ID);
    return existing instanceof AwsContext ? existing : new AwsContext(stack, AwsContext.ID);
  }

  private static readonly ID = "awsContext";

  /** `aws`, `aws-cn` or `aws-us-gov`. */
  public readonly partition: string;
  /** `amazonaws.com` or `amazonaws.com.cn`: the service-principal suffix. */
  public readonly dnsSuffix: string;
  /** The 12-digit account ID of the credentials Terraform runs with. */
  public readonly accountId: string;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const partition = new DataAwsPartition(this, "partition");
    const caller = new DataAwsCallerIdentity(this, "caller");
    this.partition = partition.partition;
    this.dnsSuffix = partition.dnsSuffix;
    this.accountId = caller.accountId;
  }
}

/**
 * `${prefix}${clusterName}` when it fits in `maxLength`, else the cluster name cut short and
 * followed by a hash of the whole name, so names stay unique, stable and within AWS limits.
 * Used for names nobody types (policies, rules); user-facing names are validated instead.
 */
export function boundedName(prefix: string, clusterName: string, maxLength: number): string {
  const full = `${prefix}${clusterName}`;
  if (Token.isUnresolved(clusterName) || full.length <= maxLength) return full;
  const hash = createHash("sha256").update(clusterName).digest("hex").slice(0, 8);
  return `${prefix}${clusterName.slice(0, maxLength - prefix.length - hash.length - 1)}-${hash}`;
}
