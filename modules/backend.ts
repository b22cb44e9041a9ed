import type { TerraformStack } from "cdktf";
import { CloudBackend, NamedCloudWorkspace } from "./cjs-deps.js";

/** Where a stack keeps its state in Terraform Cloud / HCP Terraform (or Terraform Enterprise). */
export interface TerraformCloudSettings {
  /** Organization name. */
  readonly organization: string;
  /** Prefix of each workspace name: the workspace is `<workspacePrefix><stack name>`. */
  readonly workspacePrefix: string;
  /** Project the workspaces belong to. @default - the organization's default project */
  readonly project?: string;
  /** Terraform Cloud or Enterprise host. @default "app.terraform.io" */
  readonly hostname?: string;
}

/** The workspace a stack uses: `<workspacePrefix><stack name>`. */
export function workspaceName(settings: TerraformCloudSettings, stackName: string): string {
  return `${settings.workspacePrefix}${stackName}`;
}

/**
 * Puts a stack's state in its own named Terraform Cloud workspace. Without settings, the stack
 * keeps cdktf's default local backend (`terraform.<stack>.tfstate`).
 */
export function useTerraformCloud(stack: TerraformStack, settings: TerraformCloudSettings | undefined): CloudBackend | undefined {
  if (!settings) return undefined;
  return new CloudBackend(stack, {
    organization: settings.organization,
    hostname: settings.hostname,
    workspaces: new NamedCloudWorkspace(workspaceName(settings, stack.node.id), settings.project),
  });
}
