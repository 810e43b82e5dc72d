import { sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { taskReminders, tasks, users } from "../db/schema/index.js";
import { queueEmail } from "../email/queue-email.js";

/** One reminder a transaction delivered. */
export interface FiredReminder {
  taskId: string;
  userId: string;
  before: string;
  /** ISO 8601, UTC, milliseconds. */
  fireAt: string;
  /** Whether an email was queued: only to a verified address. */
  emailed: boolean;
}

/** What one transaction did with the due rows it claimed. */
export interface FiringResult {
  fired: FiredReminder[];
  /** Rows of tasks completed (or left without a due time) before their reminder came due: consumed, nothing sent. */
  settled: number;
  /** Rows marked fired in all: fired plus settled. */
  consumed: number;
}

interface ClaimedRow {
  task_id: string;
  user_id: string;
  before: string;
  fire_at: string;
  completed: boolean;
  title: string;
  due_at: string | null;
  email: string;
  email_verified: boolean;
  name: string;
  time_zone: string;
}

const iso = (column: unknown) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Fires up to `batchSize` reminders that came due, in one transaction: marks their rows fired,
 * queues each email (verified addresses only) and logs each `reminder` event in its owner's
 * change log. Either all of it commits or none, so a crash loses no reminder and a retry repeats
 * none; rows another process holds are skipped, so processes share the due rows and each reminder
 * fires once.
 *
 * The transaction never waits for a lock, so it can be in no deadlock: it locks the due reminder
 * rows and their owners' rows (which log_user_event updates) with SKIP LOCKED. A reminder whose
 * owner is busy (a task write holding the row) stays pending for the next run. Rows of completed
 * tasks are consumed without a word, so that the partial index of pending rows holds only what
 * may still fire.
 */
export async function fireDueReminders(db: Database, batchSize: number): Promise<FiringResult> {
  return db.transaction(async (tx) => {
    // MATERIALIZED: the locking select runs once and locks exactly the rows it returns; inlined
    // as `in (select … limit n)` the planner may rescan it and lock more than a batch. A row whose
    // reminder or owner is locked is skipped before the limit counts it, so a busy owner's
    // reminders never hold back the others'.
    const result = await tx.execute(sql`
      with due as materialized (
        select r.task_id, r."before", r.user_id from ${taskReminders} as r
        join ${users} as owner on owner.id = r.user_id
        where r.fired_at is null and r.fire_at <= now()
        order by r.fire_at, r.task_id, r."before"
        limit ${batchSize}
        for update of r skip locked
        for no key update of owner skip locked
      )
      update ${taskReminders} as r
      set fired_at = now()
      from due
      join ${tasks} as t on t.id = due.task_id
      join ${users} as u on u.id = due.user_id
      where r.task_id = due.task_id and r."before" = due."before"
      returning r.task_id, r.user_id, r."before", ${iso(sql`r.fire_at`)} as fire_at, t.completed, t.title,
        ${iso(sql`t.due_at`)} as due_at, u.email, u.email_verified, u.name, u.time_zone`);
    const rows = (result as unknown as { rows: ClaimedRow[] }).rows;
    // Oldest first, so that one user's events arrive in the order their reminders came due.
    rows.sort((a, b) => a.fire_at.localeCompare(b.fire_at) || a.task_id.localeCompare(b.task_id));
    const fired: FiredReminder[] = [];
    let settled = 0;
    for (const row of rows) {
      if (row.completed || row.due_at === null) {
        settled++;
        continue;
      }
      const detail = JSON.stringify({ before: row.before, fireAt: row.fire_at });
      await tx.execute(sql`select log_user_event(${row.user_id}, 'reminder', ${row.task_id}, ${detail})`);
      // An unverified address may be anyone's (whoever signed up typed it): it gets no reminders.
      if (row.email_verified) {
        await queueEmail(tx, {
          kind: "task-reminder",
          to: row.email,
          name: row.name,
          userId: row.user_id,
          title: row.title,
          dueAt: row.due_at,
          timeZone: row.time_zone,
        });
      }
      fired.push({
        taskId: row.task_id,
        userId: row.user_id,
        before: row.before,
        fireAt: row.fire_at,
        emailed: row.email_verified,
      });
    }
    return { fired, settled, consumed: rows.length };
  });
}
