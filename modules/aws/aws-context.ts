import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity/index.js";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition/index.js";
import { TerraformStack } from "cdktf";
import { Construct, type IConstruct } from "constructs";

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
