/**
 * Temporary folders for tests, all inside one folder per test process that is removed when the
 * process exits, so a test run leaves the system temp dir as it found it.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let root: string | undefined;

/** A new empty folder named `<prefix>XXXXXX`, removed (with everything in it) when the process exits. */
export function tempDir(prefix: string): string {
  if (!root) {
    const dir = mkdtempSync(join(tmpdir(), "kgpu-test-"));
    root = dir;
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, prefix));
}
