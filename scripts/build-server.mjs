/**
 * Builds the server for `npm start`: src/server/main.ts and everything it imports, bundled by
 * esbuild into one ES module, dist/server/main.mjs. Starting it takes about 0.7 s against 1.5 s
 * through tsx, which compiles every module at each start, and it holds about 90 MiB less
 * (docs/benchmarks.md).
 *
 * Left out of the bundle, loaded from node_modules at run time: PGlite (its WebAssembly and data
 * files sit beside its modules, and its worker thread loads it too), the argon2 binding (native),
 * pg's optional native binding and Swagger UI's static files (served from their package).
 *
 *   node scripts/build-server.mjs
 */
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;

await build({
  absWorkingDir: root,
  entryPoints: ["src/server/main.ts"],
  outfile: "dist/server/main.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20.19",
  external: ["@electric-sql/pglite", "@node-rs/argon2", "pg-native", "swagger-ui-dist"],
  // Some bundled CommonJS dependencies call require(); an ES module has none of its own.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  // Readable stack traces with `node --enable-source-maps dist/server/main.mjs`.
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
});
