import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity/index.js";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition/index.js";
import { TerraformStack, type TerraformProvider } from "cdktf";
import { Construct, type IConstruct } from "constructs";

/**
 * Account-level facts every IAM ARN needs, read once per stack from `data.aws_partition` and
 * `data.aws_caller_identity`, so ARNs are right in aws, aws-cn and aws-us-gov alike.
 */
export class AwsContext extends Construct {
  /**
   * Finds the stack's AwsContext for `provider` (the default AWS provider when undefined),
   * creating it on first use: one per provider, as two providers may be two accounts or partitions.
   */
  public static of(scope: IConstruct, provider?: TerraformProvider): AwsContext {
    const stack = TerraformStack.of(scope);
    const id = provider ? `${AwsContext.ID}-${provider.node.id}` : AwsContext.ID;
    const existing = stack.node.tryFindChild(id);
    return existing instanceof AwsContext ? existing : new AwsContext(stack, id, provider);
  }

  private static readonly ID = "awsContext";

  /** `aws`, `aws-cn` or `aws-us-gov`. */
  public readonly partition: string;
  /** `amazonaws.com` or `amazonaws.com.cn`: the service-principal suffix. */
  public readonly dnsSuffix: string;
  /** The 12-digit account ID of the credentials Terraform runs with. */
  public readonly accountId: string;

  private constructor(scope: Construct, id: string, provider?: TerraformProvider) {
    super(scope, id);
    const partition = new DataAwsPartition(this, "partition", { provider });
    const caller = new DataAwsCallerIdentity(this, "caller", { provider });
    this.partition = partition.partition;
    this.dnsSuffix = partition.dnsSuffix;
    this.accountId = caller.accountId;
  }
}
