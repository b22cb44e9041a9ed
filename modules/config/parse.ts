/** From a configuration object to a validated configuration, or one error listing every problem. */
import { efaClassProblems } from "../validation/efa.js";
import { nodeClassCrdProblems } from "./crd.js";
import { crossKeyProblems } from "./cross-key.js";
import { documentProblems, readConfigDocument } from "./document.js";
import { nodeClass, nodePool } from "./pool-schema.js";
import { describeIssue } from "./issues.js";
import { ConfigError, formatPath } from "./problems.js";
import { isRecord, listAt, stringAt, type KeyProblem } from "./raw.js";
import { configSchema, type KarpenterGpuConfig } from "./schema.js";

/**
 * Validates a parsed configuration object and applies defaults; throws ConfigError listing
 * every problem: those of each key, and those that span keys, in one run.
 */
export function parseConfig(input: unknown, source = "config"): KarpenterGpuConfig {
  const shape = documentProblems(input);
  if (shape.length) throw new ConfigError(source, shape.map((p) => `${formatPath(p.path) || "(top level)"}: ${p.message}`));
  const result = configSchema.safeParse(input, { reportInput: true });
  const problems = [
    ...(result.success ? [] : result.error.issues.flatMap((issue) => describeIssue(issue))),
    ...crossKeyProblems(input).map((p) => `${formatPath(p.path)}: ${p.message}`),
    ...nodeClassesAgainstCrd(input).map((p) => `${formatPath(p.path)}: ${p.message}`),
  ];
  if (result.success && problems.length === 0) return result.data;
  throw new ConfigError(source, [...new Set(problems)]);
}

/**
 * Each EC2NodeClass, built and checked against the pinned CRD as soon as the keys it is built
 * from (the class, `clusterName`, `nodeRole`, the global `tags`) are valid on their own: in the
 * same run as the file's other problems.
 */
function nodeClassesAgainstCrd(raw: unknown): KeyProblem[] {
  const shape = configSchema.shape;
  const clusterName = shape.clusterName.safeParse(isRecord(raw) ? raw.clusterName : undefined);
  const nodeRole = shape.nodeRole.safeParse(isRecord(raw) ? raw.nodeRole : undefined);
  const tags = shape.tags.safeParse(isRecord(raw) ? raw.tags : undefined);
  if (!clusterName.success || !nodeRole.success || !tags.success) return [];
  return listAt(raw, "nodeClasses").flatMap((rawClass, i) => {
    const nc = nodeClass.safeParse(rawClass);
    if (!nc.success) return [];
    // An EFA class is built for the layout of its pools' types: it needs them valid (and their
    // layout agreeing, which crossKeyProblems reports).
    const users = listAt(raw, "nodePools").filter((p) => stringAt(p, "nodeClass") === nc.data.name).map((p) => nodePool.safeParse(p));
    if (nc.data.efa && (users.length === 0 || users.some((u) => !u.success) || efaClassProblems(nc.data.name, users.map((u, index) => ({ index, pool: u.data! }))).length)) return [];
    const nodeClasses = [] as KarpenterGpuConfig["nodeClasses"];
    nodeClasses[i] = nc.data;
    const nodePools = users.flatMap((u) => (u.success ? [u.data] : []));
    // A wrong region or discovery section is reported by the schema; the class is then checked with the tag terms.
    const region = shape.region.safeParse(isRecord(raw) ? raw.region : undefined);
    const discovery = shape.discovery.safeParse(isRecord(raw) ? raw.discovery : undefined);
    const partial = { clusterName: clusterName.data, region: region.data ?? "", discovery: discovery.data, nodeRole: nodeRole.data, tags: tags.data, nodeClasses, nodePools } as KarpenterGpuConfig;
    return nodeClassCrdProblems(partial, i).map((p) => ({ path: [...p.path], message: p.message }));
  });
}

/** Reads a JSON or YAML configuration file (at most MAX_CONFIG_BYTES) and validates it. */
export function loadConfigFile(path: string): KarpenterGpuConfig {
  return parseConfig(readConfigDocument(path), path);
}
