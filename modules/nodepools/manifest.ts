import { Manifest, type ManifestConfig } from "@cdktf/provider-kubernetes/lib/manifest/index.js";
import type { Construct } from "constructs";
import { validateModel, type CrdObject, type FieldSource } from "../validation/model.js";

/** A validated object as a `kubernetes_manifest` resource. */
export function manifestOf(
  scope: Construct,
  id: string,
  model: CrdObject,
  label: string,
  sourceOf: FieldSource | undefined,
  options: Omit<ManifestConfig, "manifest"> = {},
  /** What the CRD check reads, when the model holds tokens a pattern cannot judge. @default model */
  checked: CrdObject = model,
): Manifest {
  validateModel(checked, label, sourceOf);
  return new Manifest(scope, id, { ...options, manifest: model as unknown as Record<string, unknown> });
}
