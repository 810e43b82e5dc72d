/**
 * Builds the web app when dist/web is missing or older than its sources, so that `npm start` on
 * a fresh clone serves a working app. When the build is fresh it only compares file times, in
 * plain Node (no TypeScript loader), so `npm start` stays quick.
 *
 *   node scripts/build-web-if-stale.mjs          # build if needed
 *   node scripts/build-web-if-stale.mjs --check  # exit 1 if a build is needed, build nothing
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const builtIndex = join(root, "dist/web/index.html");
const sources = ["src/web", "src/shared", "vite.config.ts", "package-lock.json"].map((p) => join(root, p));

/**
 * The newest modification time under `path` (a file or a folder, recursively).
 * @param {string} path
 * @returns {number}
 */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function webBuildIsStale() {
  if (!existsSync(builtIndex)) return true;
  const builtAt = statSync(builtIndex).mtimeMs;
  return sources.some((source) => newestMtime(source) > builtAt);
}

if (!webBuildIsStale()) process.exit(0);
if (process.argv.includes("--check")) {
  console.error("The web app build is missing or stale: run npm run build.");
  process.exit(1);
}
console.log("Building the web app (dist/web is missing or older than src/web)…");
const vite = join(root, "node_modules/vite/bin/vite.js");
if (!existsSync(vite)) {
  // A production install without dev dependencies: start anyway, with the build there is (or a
  // page that says how to build), rather than not at all.
  console.warn(
    "Vite is not installed (dev dependencies), so the web app was not rebuilt: run npm install, then npm run build.",
  );
  process.exit(0);
}
const result = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn"], { cwd: root, stdio: "inherit" });
process.exit(result.status ?? 1);
