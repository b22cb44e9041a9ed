import type { ManifestConfig } from "@cdktf/provider-kubernetes/lib/manifest/index.js";
import type { Construct } from "constructs";
import { Manifest } from "./cjs-deps.js";

/** What the typed @kubernetes-models objects share: schema validation and plain JSON. */
export interface ValidatableModel {
  validate(): void;
  toJSON(): unknown;
}

interface AjvLikeError {
  readonly instancePath?: string;
  readonly message?: string;
  readonly params?: { readonly allowedValues?: readonly unknown[] };
}

/**
 * Validates a typed Kubernetes object against its upstream schema and throws one error that
 * names the object (e.g. `nodePools[0] (NodePool gpu-workloads)`) and every failing field.
 */
export function validateModel(model: ValidatableModel, label: string): void {
  try {
    model.validate();
  } catch (err) {
    const errors = (err as { errors?: AjvLikeError[] }).errors;
    if (!errors?.length) throw new Error(`${label}: ${(err as Error).message}`);
    const lines = errors
      // oneOf/anyOf wrappers repeat what their branches said.
      .filter((e) => !/must match (exactly one|a) schema in/.test(e.message ?? ""))
      .map((e) => {
        const field = (e.instancePath ?? "").split("/").filter(Boolean).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~")).join(".");
        const allowed = e.params?.allowedValues ? ` (${e.params.allowedValues.join(", ")})` : "";
        return `  - ${field || "(object)"}: ${e.message}${allowed}`;
      });
    throw new Error(`${label} does not pass the Karpenter v1 schema:\n${[...new Set(lines)].join("\n")}`);
  }
}

/** A validated typed object as a `kubernetes_manifest` resource. */
export function manifestOf(
  scope: Construct,
  id: string,
  model: ValidatableModel,
  label: string,
  options: Omit<ManifestConfig, "manifest"> = {},
): Manifest {
  validateModel(model, label);
  return new Manifest(scope, id, { ...options, manifest: model.toJSON() as Record<string, unknown> });
}
