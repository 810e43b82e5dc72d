/**
 * The database ceiling: the raw driver running the SQL that the server sends for the list and
 * create scenarios, in a tight loop, with no HTTP, auth, mapping or JSON around it, and called
 * the way the server calls the driver: the list as the repository's selectRows does (rows as
 * arrays), the insert as Drizzle's prepared statement does (rows as arrays, times left as text).
 * PGlite: one caller (it has one connection). PostgreSQL: a pool of 10 with 16 callers, each
 * statement prepared once per connection, as the server does.
 *
 * Run as its own process: `node --import tsx bench/ceilings/raw-driver.ts <pglite-dir|postgres-url> <seconds> [list|insert|both]`.
 * Prints one JSON line: { list, insert } (statements per second and CPU ms per statement; only the
 * ones asked for), and the SQL measured.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { Logger as DrizzleLogger } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import type { Database } from "../../src/server/db/client.js";
import { createPglite } from "../../src/server/db/pglite-settings.mjs";
import * as schema from "../../src/server/db/schema/index.js";
import { TaskRepository } from "../../src/server/tasks/tasks.repository.js";
import { listQuerySchema, taskInputSchema } from "../../src/shared/task.schemas.js";
import { createTaskBody, measuredUser, writerUser } from "../fixture.js";
import { runFor } from "./run-for.js";

interface Statement {
  name: string;
  text: string;
  params: unknown[];
}

interface Driver {
  /** How many callers the loop uses. */
  callers: number;
  /** Rows as arrays, values parsed by the driver's defaults (what selectRows asks for). */
  rows(statement: Statement): Promise<unknown>;
  /** Rows as arrays, date/time types left as text (what Drizzle's prepared queries ask for). */
  drizzleRows(statement: Statement): Promise<unknown>;
  close(): Promise<void>;
}

/** Records what the repository sends through Drizzle. */
class StatementRecorder implements DrizzleLogger {
  last: { text: string; params: unknown[] } | undefined;
  logQuery(text: string, params: unknown[]): void {
    this.last = { text, params };
  }
}

// Date/time types (and their arrays) that Drizzle asks both drivers to leave as text.
const TIME_TYPE_OIDS = [1114, 1184, 1082, 1186, 1115, 1185, 1187, 1182, 1231];
const asText = (value: string) => value;
const pgTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    TIME_TYPE_OIDS.includes(oid) ? asText : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

async function openDriver(target: string, recorder: StatementRecorder): Promise<{ driver: Driver; db: Database }> {
  if (/^postgres(ql)?:/.test(target)) {
    const pool = new pg.Pool({ connectionString: target, max: 10 });
    const db = drizzlePg(pool, { schema, logger: recorder }) as unknown as Database;
    const driver: Driver = {
      callers: 16,
      rows: ({ name, text, params }) => pool.query({ name, text, values: params, rowMode: "array" }),
      drizzleRows: ({ name, text, params }) =>
        pool.query({ name, text, values: params, rowMode: "array", types: pgTypes }),
      close: () => pool.end(),
    };
    return { driver, db };
  }
  // The server's own PGlite settings, so that both sides run the same database; here in this
  // thread, as a raw driver (the server runs it in a worker thread, src/server/db/pglite-proxy.ts).
  const client = createPglite({ dataDir: join(target, "pglite") });
  await client.waitReady;
  const db = drizzlePglite(client, { schema, logger: recorder }) as unknown as Database;
  const driver: Driver = {
    callers: 1,
    rows: ({ text, params }) => client.query(text, params, { rowMode: "array" }),
    // The server's PGlite reads date/time types as text for every query (pglite-settings.mjs).
    drizzleRows: ({ text, params }) => client.query(text, params, { rowMode: "array" }),
    close: () => client.close(),
  };
  return { driver, db };
}

async function main(): Promise<void> {
  const [target = "", secondsArg = "5", which = "both"] = process.argv.slice(2);
  const seconds = Number(secondsArg);
  const recorder = new StatementRecorder();
  const { driver, db } = await openDriver(target, recorder);
  try {
    // No quota here: the ceiling inserts as many rows as it can in its seconds.
    const repository = new TaskRepository(db, { maxTasksPerUser: 2_000_000_000 });
    const built = repository.forUser(measuredUser.id).listQuery(listQuerySchema.parse({})).toSQL();
    const list: Statement = { name: "bench_list", text: built.sql, params: built.params };
    const created = await repository.forUser(writerUser.id).create(taskInputSchema.parse(createTaskBody));
    const sent = recorder.last;
    if (!sent || !("task" in created)) throw new Error("the repository inserted no task");
    // Each insert needs a fresh primary key; everything else stays the same row.
    const idIndex = sent.params.indexOf(created.task.task.id);
    const freshInsert = (): Statement => ({
      name: "bench_insert",
      text: sent.text,
      params: sent.params.map((p, i) => (i === idIndex ? randomUUID() : p)),
    });

    const listRate = which === "insert" ? undefined : await runFor(seconds, driver.callers, () => driver.rows(list));
    const insertRate =
      which === "list" ? undefined : await runFor(seconds, driver.callers, () => driver.drizzleRows(freshInsert()));
    process.stdout.write(
      `${JSON.stringify({ list: listRate, insert: insertRate, sql: { list: list.text, insert: sent.text } })}\n`,
    );
  } finally {
    await driver.close();
  }
}

await main();
