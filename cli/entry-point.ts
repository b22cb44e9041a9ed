import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * True when the module at `moduleUrl` (its `import.meta.url`) is the program node started, not
 * an import: also through a symlink (the npm bin) and from a path with spaces, which a comparison
 * of `file://${argv[1]}` with the URL gets wrong (and a script then silently does nothing).
 */
export function isEntryPoint(moduleUrl: string): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
