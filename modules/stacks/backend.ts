import { posix } from "node:path";
import { CloudBackend, LocalBackend, NamedCloudWorkspace, type TerraformStack } from "cdktf";

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
 * Puts a stack's state in its own named Terraform Cloud workspace. Without settings, nothing is
 * set (see `useLocalState`).
 */
export function useTerraformCloud(stack: TerraformStack, settings: TerraformCloudSettings | undefined): CloudBackend | undefined {
  if (!settings) return undefined;
  return new CloudBackend(stack, {
    organization: settings.organization,
    hostname: settings.hostname,
    workspaces: new NamedCloudWorkspace(workspaceName(settings, stack.node.id), settings.project),
  });
}

/**
 * The local state file of a stack, as Terraform sees it from the stack's folder
 * (`<outdir>/stacks/<stack>/`): `terraform.<stack>.tfstate` beside the output folder, i.e. in the
 * project folder with the default `cdktf.out`.
 */
export function localStatePath(stackName: string): string {
  return posix.join("..", "..", "..", `terraform.${stackName}.tfstate`);
}

/**
 * Keeps a stack's state in a local file whose path is relative: `terraform.<stack>.tfstate`
 * beside the output folder. cdktf's default local backend writes the absolute path of the folder
 * synth ran in, so two checkouts of the same app would synthesize different files. The file
 * survives re-synths (cdktf deletes the folders of stacks that are gone, and the output folder is
 * often deleted by hand); `*.tfstate` belongs in `.gitignore`.
 */
export function useLocalState(stack: TerraformStack): LocalBackend {
  return new LocalBackend(stack, { path: localStatePath(stack.node.id) });
}
