import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import { ConfigError, ensureDataDir } from "../config.js";
import { migratePglite, migratePostgres } from "./migrate.js";
import { PGliteProxy } from "./pglite-proxy.js";
import * as schema from "./schema/index.js";

export type Schema = typeof schema;
/** The Drizzle database, whichever driver is under it. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseHandle {
  db: Database;
  driver: "pglite" | "postgres";
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Applies the committed migrations (idempotent). */
  migrate(): Promise<void>;
  /** Connections in use and queries waiting, for the metrics (PGlite: its one connection). */
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A PostgreSQL URL; when absent, the embedded PGlite database is used. */
  databaseUrl?: string | undefined;
  /** Where PGlite keeps its files; absent means in memory (tests). */
  dataDir?: string | undefined;
  /** A PGlite data-dir tarball to start from (tests clone one migrated database). */
  pgliteSeed?: Blob | undefined;
  /** Called if the embedded database's thread stops without close() (see PGliteProxy). */
  onDatabaseLost?: ((error: Error) => void) | undefined;
  poolSize?: number;
}

/** A statement built with Drizzle: anything with `toSQL()`, such as a select builder. */
export interface BuiltStatement {
  toSQL(): { sql: string; params: unknown[] };
}

// One prepared-statement name per distinct SQL text. The text depends only on a query's shape
// (values travel as parameters), so this stays as small as the number of shapes in use.
const statementNames = new Map<string, string>();

/**
 * Runs a statement built with Drizzle directly on the driver and returns its rows as arrays, in
 * the order of the select's fields, without Drizzle's per-field mapping. For the one hot read
 * that returns many rows (a page of tasks), that mapping cost a third as much as the query
 * itself (docs/benchmarks.md). On PostgreSQL each distinct statement is prepared once per
 * connection. Values come back as the driver parses them (text, numbers, booleans, arrays);
 * select times as text (to_char), since the drivers disagree on raw date/time values.
 */
export async function selectRows(db: Database, statement: BuiltStatement): Promise<unknown[][]> {
  const { sql: text, params } = statement.toSQL();
  const client = (db as unknown as { $client: PGliteProxy | pg.Pool }).$client;
  if (client instanceof PGliteProxy) {
    return (await client.query<unknown[]>(text, params, { rowMode: "array" })).rows;
  }
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `taskvault_${statementNames.size}`;
    statementNames.set(text, name);
  }
  return (await client.query<unknown[]>({ name, text, values: params, rowMode: "array" })).rows;
}

/** Opens the configured database. Migrations are run separately (see migrate.ts). */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  return openPglite(options.dataDir, options.pgliteSeed, options.onDatabaseLost);
}

async function openPostgres(url: string, max: number): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 30_000 });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on("error", () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Database;
  return {
    db,
    driver: "postgres",
    async ping() {
      await pool.query("select 1");
    },
    migrate: () => migratePostgres(pool),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await pool.end();
    },
  };
}

async function openPglite(
  dataDir: string | undefined,
  seed: Blob | undefined,
  onUnexpectedExit: ((error: Error) => void) | undefined,
): Promise<DatabaseHandle> {
  let lockFile: string | undefined;
  let dir: string | undefined;
  if (dataDir) {
    dir = join(dataDir, "pglite");
    ensureDataDir(dataDir);
    mkdirSync(dir, { recursive: true, mode: 0o700 }); // PGlite's own mkdir is not recursive.
    lockFile = join(dataDir, "pglite.pid");
    takeLock(lockFile);
  }
  try {
    const options = { ...(dir ? { dataDir: dir } : {}), ...(onUnexpectedExit ? { onUnexpectedExit } : {}) };
    const creating = dir !== undefined && !existsSync(join(dir, "PG_VERSION"));
    let client = await PGliteProxy.open({ ...options, ...(seed ? { loadDataDir: seed } : {}) });
    if (creating) {
      // Creating a data dir (initdb, or loading a dump) grows PGlite's WebAssembly memory to about
      // 800 MiB, and WebAssembly memory never shrinks: the thread that did it is ended and a new
      // one opens the data, at about 380 MiB (about 0.7 s, once per data dir).
      await client.close();
      client = await PGliteProxy.open(options);
    }
    // Drizzle's PGlite driver uses only query() and transaction(), which the proxy provides.
    const pgliteDb = drizzlePglite(client as unknown as PGlite, { schema });
    const db = pgliteDb as unknown as Database;
    return {
      db,
      driver: "pglite",
      async ping() {
        await client.query("select 1");
      },
      migrate: () => migratePglite(pgliteDb),
      poolStats() {
        // One connection in its own thread, answering one query at a time; the rest queue.
        const inFlight = client.inFlight;
        return { total: 1, idle: inFlight === 0 ? 1 : 0, waiting: Math.max(0, inFlight - 1) };
      },
      async close() {
        await client.close();
        if (lockFile) rmSync(lockFile, { force: true });
      },
    };
  } catch (error) {
    if (lockFile) rmSync(lockFile, { force: true });
    throw error;
  }
}

/** PGlite must never be opened by two processes at once: refuse to start a second one. */
function takeLock(lockFile: string): void {
  if (existsSync(lockFile)) {
    const pid = Number(readFileSync(lockFile, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new ConfigError(
        `DATA_DIR is in use by another Taskvault process (pid ${pid}); the embedded database serves one process. Use DATABASE_URL to run several.`,
      );
    }
  }
  writeFileSync(lockFile, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  // After a reboot or in a container the old pid may now be some other program: on Linux, only a
  // Node process counts as the owner.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("node");
  } catch {
    return true;
  }
}
