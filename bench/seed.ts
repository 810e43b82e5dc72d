import { sql } from "drizzle-orm";
import { hashPassword } from "../src/server/auth/password-hash.js";
import type { Database } from "../src/server/db/client.js";
import { openDatabase } from "../src/server/db/client.js";
import { BENCH_PASSWORD, MEASURED_TASKS, measuredUser, SEEDED_USERS, TASKS_PER_USER } from "./fixture.js";

export interface SeedTarget {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
}

/**
 * Migrates a fresh database and fills it straight through SQL (through the API this would take
 * minutes of argon2id): the seeded users, each with a credential account and 100 tasks, and the
 * measured user with 50. The handle is closed before returning, so that PGlite's data dir is free
 * for the server process.
 */
export async function seed(target: SeedTarget): Promise<{ users: number; tasks: number }> {
  const database = await openDatabase(target);
  try {
    await database.migrate();
    // Every account shares one real argon2id hash, so every seeded user can sign in.
    const hash = await hashPassword(BENCH_PASSWORD);
    const db = database.db;
    await insertUsers(db, hash);
    await insertTasks(db);
    await db.execute(sql`analyze`);
    const counted = (await db.execute(sql`select count(*)::int as n from tasks`)) as unknown as {
      rows: { n: number }[];
    };
    const [row] = counted.rows;
    return { users: SEEDED_USERS + 1, tasks: row?.n ?? 0 };
  } finally {
    await database.close();
  }
}

async function insertUsers(db: Database, hash: string): Promise<void> {
  // The same ids and emails as seededUser(n) in fixture.ts.
  await db.execute(sql`
    insert into users (id, name, email, email_verified)
    select rpad('bench0user0' || lpad(n::text, 5, '0'), 32, '0'), 'user' || lpad(n::text, 5, '0'),
           'user' || lpad(n::text, 5, '0') || '@bench.test', false
    from generate_series(1, ${SEEDED_USERS}::int) as n`);
  await db.execute(sql`
    insert into users (id, name, email, email_verified)
    values (${measuredUser.id}, 'measured', ${measuredUser.email}, false)`);
  // Better Auth's credential account: provider "credential", account id = user id.
  await db.execute(sql`
    insert into accounts (id, account_id, provider_id, user_id, password)
    select 'acct' || substr(id, 5), id, 'credential', id, ${hash} from users`);
}

// Realistic rows: a title, sometimes a description, a due date on half, a tag or two, a quarter
// completed. Times have millisecond precision, as the application writes them.
async function insertTasks(db: Database): Promise<void> {
  const taskRows = (userFilter: ReturnType<typeof sql>, perUser: number) => sql`
    insert into tasks (id, user_id, title, description, completed, priority, due_at, tags,
                       created_at, updated_at, completed_at)
    select gen_random_uuid()::text, u.id,
           (array['Buy milk', 'Write the report', 'Call the bank', 'Plan the trip', 'Fix the bike'])[1 + n % 5] || ' #' || n,
           case when n % 3 = 0 then 'Check the details before the deadline, then tell the team.' else '' end,
           n % 4 = 0,
           n % 4,
           case when n % 2 = 0 then t.now + n * interval '1 day' end,
           case n % 3 when 0 then '{work}'::text[] when 1 then '{home,errands}'::text[] else '{}'::text[] end,
           t.now - n * interval '1 minute',
           t.now - n * interval '1 minute',
           case when n % 4 = 0 then t.now - n * interval '30 seconds' end
    from users u
    cross join generate_series(1, ${perUser}::int) as n
    cross join (select date_trunc('milliseconds', now()) as now) as t
    where ${userFilter}`;
  await db.execute(taskRows(sql`u.id <> ${measuredUser.id}`, TASKS_PER_USER));
  await db.execute(taskRows(sql`u.id = ${measuredUser.id}`, MEASURED_TASKS));
}
