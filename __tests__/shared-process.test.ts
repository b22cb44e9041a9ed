/**
 * The test files that run in one shared process under `npm test` (see scripts/test.ts): every
 * file under __tests__/<folder>/ but the few with a process of their own. They load cdktf, the
 * providers and the module once between them, then run one file after the other, as each would
 * alone.
 */
import { pathToFileURL } from "node:url";
import { sharedProcessFiles } from "../scripts/test.js";

for (const file of sharedProcessFiles()) await import(pathToFileURL(file).href);
