/**
 * The `provider` prop every construct takes: an aliased provider (a second region, account or
 * cluster in the same stack) for everything the construct creates of that provider's type.
 */
import { TerraformDataSource, TerraformResource, type TerraformProvider } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * Puts `provider` on every resource and data source under `scope` that belongs to that provider
 * (`aws`, `helm`, `kubernetes`) and has none yet. Called at the end of a construct's
 * constructor, so no block it creates can be left on the default provider by mistake; a child
 * given its own provider keeps it. Blocks of other providers (and Terraform's own
 * `terraform_data`) are left alone.
 */
export function assignProvider(scope: IConstruct, provider: TerraformProvider | undefined): void {
  if (!provider) return;
  const type = provider.terraformResourceType;
  for (const c of scope.node.findAll()) {
    if ((c instanceof TerraformResource || c instanceof TerraformDataSource) && c.terraformGeneratorMetadata?.providerName === type && c.provider === undefined) {
      c.provider = provider;
    }
  }
}
