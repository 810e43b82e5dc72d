/**
 * The cold-start ceiling: a bare Node process that opens the server's database and answers one
 * query, with nothing of the server around it. Plain JavaScript run by plain node (no tsx), as the
 * built server is; PGlite with the server's own settings.
 *
 *   node bench/ceilings/cold-open.mjs <pglite-data-dir|postgres-url>
 *
 * Prints one JSON line, { tasks }, as soon as the query has answered: the orchestrator times the
 * process from spawn to that line (bench/ceilings.ts, measureColdOpen).
 */
import { join } from "node:path";
import pg from "pg";
import { createPglite } from "../../src/server/db/pglite-settings.mjs";

const target = process.argv[2] ?? "";
const QUERY = "select count(*)::int as tasks from tasks";

if (/^postgres(ql)?:/.test(target)) {
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  const { rows } = await client.query(QUERY);
  process.stdout.write(`${JSON.stringify(rows[0])}\n`);
  await client.end();
} else {
  const db = createPglite({ dataDir: join(target, "pglite") });
  await db.waitReady;
  const { rows } = await db.query(QUERY);
  process.stdout.write(`${JSON.stringify(rows[0])}\n`);
  await db.close();
}
