/**
 * Builds what `npm start` runs when it is missing or older than its sources: the web app
 * (dist/web, Vite) and the server (dist/server/main.mjs, esbuild), so that `npm start` on a fresh
 * clone, or after a pull, serves the current code. When both are fresh it only compares file times,
 * in plain Node (no TypeScript loader), so `npm start` stays quick.
 *
 *   node scripts/build-if-stale.mjs          # build what is stale
 *   node scripts/build-if-stale.mjs --check  # exit 1 if a build is needed, build nothing
 *   node scripts/build-if-stale.mjs web      # only the web app (the E2E tests' server is the source)
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

const targets = {
  web: {
    output: "dist/web/index.html",
    sources: ["src/web", "src/shared", "vite.config.ts", "package-lock.json"],
    tool: "node_modules/vite/bin/vite.js",
    needs: "node_modules/vite",
    args: ["build", "--logLevel", "warn"],
    what: "the web app",
  },
  server: {
    output: "dist/server/main.mjs",
    sources: ["src/server", "src/shared", "scripts/build-server.mjs", "package-lock.json"],
    tool: "scripts/build-server.mjs",
    needs: "node_modules/esbuild",
    args: [],
    what: "the server",
  },
};

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

/** @param {{ output: string, sources: string[] }} target */
function isStale(target) {
  const output = join(root, target.output);
  if (!existsSync(output)) return true;
  const builtAt = statSync(output).mtimeMs;
  return target.sources.some((source) => newestMtime(join(root, source)) > builtAt);
}

const only = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const stale = Object.entries(targets).filter(
  ([name, target]) => (only.length === 0 || only.includes(name)) && isStale(target),
);
if (stale.length === 0) process.exit(0);
if (process.argv.includes("--check")) {
  console.error(`The build of ${stale.map(([, t]) => t.what).join(" and ")} is missing or stale: run npm run build.`);
  process.exit(1);
}
for (const [, target] of stale) {
  console.log(`Building ${target.what} (${target.output} is missing or older than its sources)…`);
  if (!existsSync(join(root, target.needs))) {
    // Vite is a dev dependency: a production install starts with the web build there is (or a page
    // that says how to build) rather than not at all.
    console.warn(
      `The build tools are not installed, so ${target.what} was not rebuilt: run npm install, then npm run build.`,
    );
    continue;
  }
  const result = spawnSync(process.execPath, [join(root, target.tool), ...target.args], {
    cwd: root,
    stdio: "inherit",
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
