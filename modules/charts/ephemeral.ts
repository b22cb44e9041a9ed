import { ref, TerraformElement, TerraformStack, Token, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";

/** The oldest Terraform that runs the stacks: 1.10 introduced ephemeral resources. */
export const MIN_TERRAFORM_VERSION = "1.10";

/** Sets `terraform.required_version` so an older Terraform stops with a clear message. */
export function requireTerraform(stack: TerraformStack): void {
  stack.addOverride("terraform.required_version", `>= ${MIN_TERRAFORM_VERSION}`);
}

export interface EphemeralEksClusterAuthProps {
  /** Name of the EKS cluster. */
  readonly name: string;
  /** The AWS provider that opens it. @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * `ephemeral "aws_eks_cluster_auth"` (Terraform >= 1.10): a Kubernetes token for the cluster that
 * Terraform opens again in every run phase (plan, apply) and never writes to the plan or the
 * state. The prebuilt `@cdktf/provider-aws` has no class for ephemeral resources, so this
 * construct writes the block itself.
 *
 * Unlike `data.aws_eks_cluster_auth`, whose token is fixed when the plan is made, an approved
 * plan applied later still gets a fresh token. The token itself lives about 15 minutes (the
 * aws provider's resource documentation), counted from when the phase opens it.
 * @see https://developer.hashicorp.com/terraform/language/resources/ephemeral
 */
export class EphemeralEksClusterAuth extends TerraformElement {
  /** The token, as a Terraform reference. Usable only where ephemeral values are (provider configuration). */
  public readonly token: string;
  private readonly clusterName: string;
  private readonly provider?: TerraformProvider;

  constructor(scope: Construct, id: string, props: EphemeralEksClusterAuthProps) {
    super(scope, id, "ephemeral.aws_eks_cluster_auth");
    this.clusterName = props.name;
    this.provider = props.provider;
    requireTerraform(this.cdktfStack);
    this.token = Token.asString(ref(`ephemeral.aws_eks_cluster_auth.${this.friendlyUniqueId}.token`, this.cdktfStack));
  }

  public override toTerraform(): Record<string, unknown> {
    const provider = this.provider ? { provider: this.provider.fqn } : {};
    return { ephemeral: { aws_eks_cluster_auth: { [this.friendlyUniqueId]: { name: this.clusterName, ...provider, ...this.rawOverrides } } } };
  }
}
