import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Web unit and component tests (src/web/**/*.test.ts[x]) choose a DOM per file with
    // `// @vitest-environment happy-dom`; everything else runs in Node.
    include: ["src/**/*.test.ts", "src/**/*.test.tsx", "test/**/*.test.ts"],
    exclude: ["test/e2e/**", "node_modules/**"],
    globalSetup: ["test/setup/global-setup.ts"],
    // Two cores: two workers, each test file on its own cloned database.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
