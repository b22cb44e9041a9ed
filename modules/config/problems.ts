/** How problems of a configuration are reported: one line each, naming the config key. */

/** The most problems a ConfigError's message lists; `problems` holds them all. */
export const MAX_LISTED_PROBLEMS = 50;

/** Every problem found in a configuration, one line per problem, each naming its field. */
export class ConfigError extends Error {
  constructor(
    public readonly source: string,
    public readonly problems: readonly string[],
  ) {
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  - ${p}`);
    if (problems.length > MAX_LISTED_PROBLEMS) listed.push(`  ... and ${problems.length - MAX_LISTED_PROBLEMS} more problems`);
    super(`Invalid karpenter-gpu configuration (${source}):\n${listed.join("\n")}`);
    this.name = "ConfigError";
  }
}

/** `["nodePools", 1, "limits", "cpu"]` → `nodePools[1].limits.cpu`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === "number" ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), "");
}
