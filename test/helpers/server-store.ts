import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { openDatabase } from "../../src/server/db/client.js";
import { TEST_SECRET } from "./test-app.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";

/** Where a real server process keeps its data, and the environment that points it there. */
export interface ServerStore {
  driver: "pglite" | "postgres";
  /** DATA_DIR (always set) and, on PostgreSQL, DATABASE_URL; plus a fixed AUTH_SECRET. */
  env: Record<string, string>;
  /** The PostgreSQL test database, to inspect rows directly; undefined on PGlite. */
  database: TestDatabase | undefined;
  remove(): Promise<void>;
}

/**
 * Storage for server processes started with `startServerProcess`: on PostgreSQL runs
 * (TEST_DATABASE_URL set) a fresh database of its own; otherwise a PGlite DATA_DIR restored from
 * the run's migrated seed, which skips PGlite's initdb (about 5 s) in every test that needs one.
 */
export async function createServerStore(): Promise<ServerStore> {
  const dataDir = mkdtempSync(join(tmpdir(), "taskvault-store-"));
  const env = { DATA_DIR: dataDir, AUTH_SECRET: TEST_SECRET, PUBLIC_URL: "http://localhost:3000" };
  if (process.env.TEST_DATABASE_URL) {
    const database = await createTestDatabase();
    return {
      driver: "postgres",
      env: { ...env, DATABASE_URL: database.url as string },
      database,
      async remove() {
        await database.destroy();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const seed = new Blob([readFileSync(inject("pgliteSeedPath"))]);
  const restored = await openDatabase({ dataDir, pgliteSeed: seed });
  await restored.close();
  return {
    driver: "pglite",
    env,
    database: undefined,
    async remove() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
