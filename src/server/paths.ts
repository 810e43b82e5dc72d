import { fileURLToPath } from "node:url";

// This module is two folders below the project root both as source (src/server/paths.ts) and
// bundled into the built server (dist/server/main.mjs), so one relative URL finds the root from
// either. Files the server reads at run time are named from the root here, not from the module
// that reads them, since bundling moves modules but not the files.
const projectRoot = new URL("../../", import.meta.url);

/** An absolute path to a file or folder of the project, given relative to its root. */
export function fromProjectRoot(relative: string): string {
  return fileURLToPath(new URL(relative, projectRoot));
}
