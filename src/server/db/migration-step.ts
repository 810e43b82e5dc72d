import type { Config } from "../config.js";
import { ConfigError } from "../config.js";
import { type DatabaseHandle, openDatabase } from "./client.js";
import { countPendingMigrations } from "./migrate.js";

/**
 * Applies the committed migrations to the configured database. On PostgreSQL they go through
 * DATABASE_DIRECT_URL when it is set: the migration lock is a session advisory lock and the DDL
 * runs in one long transaction, neither of which survives a pooler in transaction mode (PgBouncer,
 * Neon's pooled endpoint). `database` is the server's own handle, used when no direct URL is set.
 *
 * @example
 *   await applyMigrations(config, database); // what `npm run migrate` and a default start do
 */
export async function applyMigrations(config: Config, database: DatabaseHandle): Promise<void> {
  if (database.driver !== "postgres" || !config.databaseDirectUrl) {
    await database.migrate();
    return;
  }
  // One connection: migratePostgres holds it for the lock and the DDL alike.
  const direct = await openDatabase({ databaseUrl: config.databaseDirectUrl, poolSize: 1 });
  try {
    await direct.migrate();
  } finally {
    await direct.close();
  }
}

/**
 * With MIGRATE_ON_START=false the server does not migrate, but it must not start on a schema its
 * code does not match either (every request would answer 500): refuse with one line saying what
 * to run.
 */
export async function requireMigrated(database: DatabaseHandle): Promise<void> {
  const { pending, total } = await countPendingMigrations(database.db);
  if (pending === 0) return;
  const state = pending === total ? "not migrated" : `${pending} of ${total} migrations behind`;
  throw new ConfigError(
    `The database is ${state} and MIGRATE_ON_START=false: run \`npm run migrate\` with the same environment first`,
  );
}
