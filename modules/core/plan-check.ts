import { TerraformResource, type ITerraformDependable, type TerraformResourceLifecycle } from "cdktf";
import type { Construct } from "constructs";

export interface PlanCheckConfig {
  /** The preconditions (and postconditions) Terraform evaluates when it plans this resource. */
  readonly lifecycle: TerraformResourceLifecycle;
  /** Resources the check depends on (Terraform's `depends_on`). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A `terraform_data` resource that only carries lifecycle conditions: a check that fails the
 * plan with its message. It stores nothing.
 *
 * Why not cdktf's `DataResource`: that class adds a synth-time validation that runs
 * `terraform version` in a shell, once per instance. It made `npm run synth` fail on a machine
 * without Terraform (which synthesis does not need) and cost about 130 ms per run here
 * (`npm run bench`). The stacks already require Terraform >= 1.10 through `required_version`
 * (`terraform_data` needs 1.4), checked by the Terraform that plans them, local or remote.
 */
export class PlanCheck extends TerraformResource {
  constructor(scope: Construct, id: string, config: PlanCheckConfig) {
    super(scope, id, {
      terraformResourceType: "terraform_data",
      terraformGeneratorMetadata: { providerName: "terraform" },
      lifecycle: config.lifecycle,
      dependsOn: config.dependsOn,
    });
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return {};
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return {};
  }
}
