import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Not part of `npm test` (it needs Debian's Python packages): `npm run test:fastapi`, and .ci/run.
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["examples/fastapi-resource-server/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
