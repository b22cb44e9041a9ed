/**
 * Reading a configuration as the user wrote it, before the schema: checks that span keys read the
 * raw file so they run even when other keys are wrong.
 */

/** A problem found by a check that reads the raw configuration: where, and what. */
export interface KeyProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
export const recordAt = (v: unknown, key: string): Record<string, unknown> => (isRecord(v) && isRecord(v[key]) ? v[key] : {});
export const listAt = (v: unknown, key: string): unknown[] => (isRecord(v) && Array.isArray(v[key]) ? v[key] : []);
export const stringAt = (v: unknown, key: string): string | undefined => (isRecord(v) && typeof v[key] === "string" ? v[key] : undefined);
