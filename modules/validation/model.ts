/**
 * A built Karpenter object against its CRD, with each failing field traced back to the prop or
 * config key it came from.
 */
import { formatFieldPath, type FieldPath } from "../core/field-path.js";
import { CRD_VERSION, crdProblems, type CrdKind } from "./crd.js";
import { nodeOverlayRuntimeProblems, nodePoolRuntimeProblems, type RuntimeNodeOverlay, type RuntimeNodePool } from "./karpenter-runtime.js";

/** A Karpenter object of a kind whose CRD the module keeps (NodePool, EC2NodeClass). */
export interface CrdObject {
  readonly apiVersion: string;
  readonly kind: CrdKind;
  readonly metadata: { readonly name: string };
}

/** Where the user set a field of an object (a prop path), or undefined when the module sets it. */
export type FieldSource = (field: FieldPath) => FieldPath | undefined;

/** One problem an object has against its CRD, with where it came from. */
export interface ModelProblem {
  /** The field of the object, as a path. */
  readonly path: FieldPath;
  /** The field of the object, e.g. `spec.template.spec.taints[0].key`. */
  readonly field: string;
  /** The prop it came from, e.g. `taints[0].key`; undefined when the module sets the field. */
  readonly source?: string;
  /** The schema's complaint or the CEL rule's message. */
  readonly message: string;
}

/** An object that the API server would reject: names the object and every failing field. */
export class CrdValidationError extends Error {
  constructor(
    public readonly label: string,
    public readonly problems: readonly ModelProblem[],
    kind: CrdKind = "EC2NodeClass",
  ) {
    const lines = problems.map((p) => `  - ${p.field}${p.source ? ` (${p.source})` : ""}: ${p.message}`);
    const what = kind !== "EC2NodeClass" ? `Karpenter ${CRD_VERSION}'s validation (its CRD, then the controller's runtime checks)` : `the Karpenter ${CRD_VERSION} CRD`;
    super(`${label} does not pass ${what}:\n${[...new Set(lines)].join("\n")}`);
    this.name = "CrdValidationError";
  }
}

/**
 * The problems an object has against the CRD of its kind (schema, then CEL rules) and, for a
 * NodePool, against the controller's runtime validation (karpenter-runtime.ts) on fields the CRD
 * found no fault with; each with its prop.
 */
export function modelProblems(model: CrdObject, sourceOf?: FieldSource): ModelProblem[] {
  const crd = crdProblems(model.kind, model);
  // A field the CRD already refused (or a part of it) is not reported again.
  const flagged = crd.map((p) => p.path);
  const refused = (path: FieldPath) => flagged.some((f) => f.length <= path.length && f.every((part, i) => part === path[i]));
  // A runtime check needs the types the schema guarantees: only run on an object the schema accepts.
  const runtimeOf = (m: CrdObject) =>
    m.kind === "NodePool" ? nodePoolRuntimeProblems(m as unknown as RuntimeNodePool) : m.kind === "NodeOverlay" ? nodeOverlayRuntimeProblems(m as unknown as RuntimeNodeOverlay) : [];
  const runtime = crd.some((p) => p.blocking) ? [] : runtimeOf(model).filter((p) => !refused(p.path));
  return [...crd, ...runtime].map((p) => {
    const source = sourceOf?.(p.path);
    return { path: p.path, field: formatFieldPath(p.path), ...(source ? { source: formatFieldPath(source) } : {}), message: p.message };
  });
}

/**
 * Validates an object against the CRD of its kind, as the API server would on create, and throws
 * one error that names the object (e.g. `NodePool gpu-workloads`) and every failing field, with
 * the prop each came from.
 */
export function validateModel(model: CrdObject, label: string, sourceOf?: FieldSource): void {
  const problems = modelProblems(model, sourceOf);
  if (problems.length) throw new CrdValidationError(label, problems, model.kind);
}
