import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { inject } from "vitest";
import { adminQuery, withDatabase } from "../../scripts/lib/postgres-admin.js";
import { type DatabaseHandle, openDatabase } from "../../src/server/db/client.js";

export interface TestDatabase {
  handle: DatabaseHandle;
  /** The PostgreSQL URL of this test's own database; undefined on PGlite. */
  url: string | undefined;
  /** Closes the connection and drops the database. */
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated database of its own: a PGlite clone of the run's seed, or, when
 * TEST_DATABASE_URL is set, a PostgreSQL database created from the run's template.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  const template = inject("pgTemplate");
  if (adminUrl && template) {
    const name = `tv_test_${randomBytes(6).toString("hex")}`;
    await adminQuery(adminUrl, `create database ${name} template ${template}`);
    const url = withDatabase(adminUrl, name);
    const handle = await openDatabase({ databaseUrl: url, poolSize: 4 });
    return {
      handle,
      url,
      async destroy() {
        await handle.close();
        await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
      },
    };
  }
  const seed = new Blob([readFileSync(inject("pgliteSeedPath"))]);
  const handle = await openDatabase({ pgliteSeed: seed });
  return { handle, url: undefined, destroy: () => handle.close() };
}
