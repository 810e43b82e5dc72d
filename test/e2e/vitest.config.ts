import { defineConfig } from "vitest/config";

/**
 * End-to-end journeys in Debian's Chromium against the real server (started once by the global
 * setup on a fresh data dir). One file at a time: two cores run the browser and the server.
 */
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/e2e/**/*.e2e.ts"],
    globalSetup: ["test/e2e/setup/start-server.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["verbose"],
  },
});
