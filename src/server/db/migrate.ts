import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePgliteDb } from "drizzle-orm/pglite/migrator";
import type pg from "pg";
import { fromProjectRoot } from "../paths.js";
import type { Database } from "./client.js";

export const migrationsFolder = fromProjectRoot("src/server/db/migrations");

// Any constant works; it only has to be the same in every process of this app.
const MIGRATION_LOCK = 7_301_244_112;

export async function migratePglite(db: PgliteDatabase<Record<string, unknown>>): Promise<void> {
  await migratePgliteDb(db, { migrationsFolder });
}

/**
 * Brings a PostgreSQL schema up to date. A session advisory lock on one dedicated connection
 * makes concurrent start-ups of several processes take turns instead of racing on the same DDL.
 */
export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      await migratePg(drizzlePg(client), { migrationsFolder });
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

/**
 * How many of the committed migrations the database has not applied: drizzle applies, in order,
 * every migration newer than the newest it recorded, so the same comparison counts them here.
 */
export async function countPendingMigrations(db: Database): Promise<{ pending: number; total: number }> {
  const migrations = readMigrationFiles({ migrationsFolder });
  // Two statements: a query naming a table that does not exist fails before it runs.
  const table = await rowsOf<{ present: boolean }>(
    db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`),
  );
  const newest = table[0]?.present
    ? (
        await rowsOf<{ newest: string | null }>(
          db.execute(sql`select max(created_at)::text as newest from drizzle.__drizzle_migrations`),
        )
      )[0]?.newest
    : null;
  const applied = newest === null || newest === undefined ? -1 : Number(newest);
  return { pending: migrations.filter((m) => m.folderMillis > applied).length, total: migrations.length };
}

/** Both drivers answer `execute` with `{ rows }`; Drizzle types the result per driver. */
async function rowsOf<T>(result: Promise<unknown>): Promise<T[]> {
  return ((await result) as { rows: T[] }).rows;
}
