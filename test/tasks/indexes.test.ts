import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectRows } from "../../src/server/db/client.js";
import { TaskRepository, type UserTasks } from "../../src/server/tasks/tasks.repository.js";
import { listQuerySchema, sortFields } from "../../src/shared/task.schemas.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

/**
 * The list queries must be served by the indexes, never by reading the whole table. On
 * PostgreSQL (TEST_DATABASE_URL) one user owns 10,000 of 200,000 tasks; on PGlite, whose bulk
 * inserts are much slower, 250 of 5,000. `PRINT_PLANS=1` prints every plan with EXPLAIN
 * ANALYZE (see docs/tasks-indexes.md).
 */
let t: TestApp;
let mine: UserTasks;
const size = { rows: 5_000, otherUsers: 50 };
/** Every 20th task is bulk-0's: 5% of the table, spread over the same time span as the rest. */
const OWN_SHARE = 20;

beforeAll(async () => {
  t = await createTestApp();
  if (t.database.handle.driver === "postgres") Object.assign(size, { rows: 200_000, otherUsers: 1_000 });
  const db = t.database.handle.db;
  await db.execute(sql`
    insert into users (id, name, email)
    select 'bulk-' || u, 'Bulk user ' || u, 'bulk-' || u || '@example.com'
    from generate_series(0, ${size.otherUsers}) u`);
  const started = performance.now();
  // The seed skips the trigger on tasks (change log and task_count, one UPDATE of the owner's row
  // per task: about a minute for 200,000 rows on PostgreSQL); the plans read only tasks.
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    // h is a hash of the row number, so that no field follows from which user owns the task.
    await tx.execute(sql`
    insert into tasks (id, user_id, title, description, completed, completed_at, priority, due_at, tags, created_at, updated_at)
    select
      gen_random_uuid()::text,
      case when g % ${OWN_SHARE} = 0 then 'bulk-0' else 'bulk-' || (1 + g % ${size.otherUsers}) end,
      initcap(substr(md5(g::text), 1, 3 + h % 20)),
      case when h % 7 = 0 then 'notes ' || md5(h::text) else '' end,
      h % 3 = 0,
      case when h % 3 = 0 then timestamptz '2026-01-01' + g * interval '1 minute' end,
      (h / 3) % 4,
      case when (h / 12) % 5 <> 0 then timestamptz '2026-01-01' + (h % 2000) * interval '1 hour' end,
      case (h / 60) % 11 when 0 then array['work'] when 1 then array['work', 'home'] when 2 then array['garden'] else '{}'::text[] end,
      timestamptz '2025-01-01' + g * interval '17 seconds',
      timestamptz '2025-01-01' + g * interval '17 seconds' + (h % 97) * interval '1 day'
    from generate_series(1, ${size.rows}) g, lateral (select abs(hashint4(g)) as h) hashed`);
  });
  await db.execute(sql`analyze tasks`);
  if (process.env.PRINT_PLANS) {
    console.log(`${size.rows} tasks inserted and analyzed in ${Math.round(performance.now() - started)} ms`);
  }
  mine = new TaskRepository(db, { maxTasksPerUser: t.config.maxTasksPerUser }).forUser("bulk-0");
}, 180_000);
afterAll(() => t.close());

/** The plan PostgreSQL picks for the statement the repository runs for this query string. */
async function planOf(query: Record<string, string>): Promise<string> {
  const statement = mine.listQuery(listQuerySchema.parse(query)).toSQL();
  const explain = process.env.PRINT_PLANS ? "explain (analyze, buffers) " : "explain ";
  const rows = await selectRows(t.database.handle.db, {
    toSQL: () => ({ sql: explain + statement.sql, params: statement.params }),
  });
  const plan = rows.map((row) => String(row[0])).join("\n");
  if (process.env.PRINT_PLANS) console.log(`\n### ${JSON.stringify(query)}\n\n${plan}`);
  return plan;
}

function expectIndexOnly(plan: string): void {
  expect(plan).toMatch(
    /(Index Scan|Index Only Scan)( Backward)? using tasks_\w+ on tasks|Bitmap Index Scan on tasks_\w+/,
  );
  expect(plan).not.toMatch(/Seq Scan on tasks/);
}

describe("the list queries, on a table where one user owns a small share of the tasks", () => {
  it("all have that user's tasks", async () => {
    expect((await mine.list(listQuerySchema.parse({ limit: "100" }))).tasks).toHaveLength(100);
  });

  it.each([
    ["the default list", {}],
    ["pending tasks", { status: "pending" }],
    ["completed tasks", { status: "completed" }],
    ["one priority", { priority: "high" }],
    ["two priorities", { priority: "high,medium" }],
    ["a tag", { tag: "work" }],
    ["a rare tag", { tag: "garden" }],
    ["due before", { dueBefore: "2026-01-03T00:00:00Z" }],
    ["due after", { dueAfter: "2026-03-20T00:00:00Z" }],
    ["a text search", { q: "abc" }],
    ["several filters", { status: "pending", priority: "high", tag: "work", sort: "dueAt", order: "asc" }],
  ])("use an index for %s", async (_, query) => {
    expectIndexOnly(await planOf(query));
  });

  for (const sort of sortFields) {
    for (const order of ["asc", "desc"]) {
      it(`read the index in order, sorted by ${sort} ${order}, on the first page and the next`, async () => {
        const first = await planOf({ sort, order });
        expectIndexOnly(first);
        // The index's own order serves the sort: no sorting step that reads the user's tasks.
        expect(first).not.toMatch(/Sort/);
        const page = await mine.list(listQuerySchema.parse({ sort, order }));
        expect(page.nextCursor).not.toBeNull();
        const next = await planOf({ sort, order, cursor: page.nextCursor ?? "" });
        expectIndexOnly(next);
        expect(next).not.toMatch(/Sort/);
      });
    }
  }
});
