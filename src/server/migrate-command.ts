import type { Config } from "./config.js";
import { openDatabase } from "./db/client.js";
import { countPendingMigrations } from "./db/migrate.js";
import { applyMigrations } from "./db/migration-step.js";
import type { Logger } from "./logger.js";

/**
 * `npm run migrate`: applies the migrations as a deploy step, with the configuration the server
 * reads (environment and .env), then exits. Safe to run while servers are up or starting: the
 * migrations take turns under an advisory lock, and each one is applied once.
 */
export async function runMigrateCommand(config: Config, logger: Logger): Promise<void> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  try {
    const before = await countPendingMigrations(database.db);
    await applyMigrations(config, database);
    logger.info(
      { applied: before.pending, total: before.total },
      before.pending === 0 ? "the database was already migrated" : `applied ${before.pending} migration(s)`,
    );
  } finally {
    await database.close();
  }
}
