/**
 * Fails when the web app's JavaScript, gzipped, passes its budget (150 KiB by default, or the
 * first argument in KiB). Counts every .js file of the build: the app's code and its libraries.
 *
 *   npm run build && npm run check:bundle
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const budgetKiB = Number(process.argv[2] ?? 150);
const assets = join(new URL("..", import.meta.url).pathname, "dist/web/assets");

let files: string[];
try {
  files = readdirSync(assets).filter((f) => f.endsWith(".js"));
} catch {
  console.error("No build in dist/web: run npm run build first.");
  process.exit(1);
}

let total = 0;
for (const file of files.sort()) {
  const size = gzipSync(readFileSync(join(assets, file)), { level: 9 }).length;
  total += size;
  console.log(`${(size / 1024).toFixed(1).padStart(7)} KiB  ${file}`);
}
const verdict = total <= budgetKiB * 1024 ? "within" : "OVER";
console.log(
  `${(total / 1024).toFixed(1).padStart(7)} KiB  total JavaScript, gzipped: ${verdict} the ${budgetKiB} KiB budget`,
);
if (verdict === "OVER") process.exit(1);
