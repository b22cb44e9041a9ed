import { TerraformResource } from "cdktf";
import type { Construct } from "constructs";

/**
 * A `terraform_data` resource that stores one value (`input`): a resource that lists it in
 * `lifecycle.replaceTriggeredBy` is replaced, not updated, when the value changes. For changes
 * the API refuses as updates (a NodePool switching between static and dynamic).
 *
 * Not cdktf's `DataResource`, for the reason PlanCheck gives (it runs `terraform version` at synth).
 */
export class ReplaceTrigger extends TerraformResource {
  /** @param input The value stored; when it changes, the resources that list this trigger in `replaceTriggeredBy` are replaced. */
  constructor(
    scope: Construct,
    id: string,
    private readonly input: string,
  ) {
    super(scope, id, { terraformResourceType: "terraform_data", terraformGeneratorMetadata: { providerName: "terraform" } });
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { input: this.input };
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return { input: { value: this.input, isBlock: false, type: "simple", storageClassType: "string" } };
  }
}
