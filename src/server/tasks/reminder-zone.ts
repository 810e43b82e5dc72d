import { setImmediate as nextTurn } from "node:timers/promises";
import { and, eq, isNotNull, isNull, like, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { taskReminders, tasks } from "../db/schema/index.js";
import { reminderFireTime } from "../recurrence/reminder-times.js";

/** Fire times computed between two turns of the event loop (about 20 ms of work). */
const ROWS_PER_TURN = 1_000;

/**
 * After the owner's time zone changed to `timeZone`: moves their pending reminders whose duration
 * has a days part ("P1D": the day before at the same wall-clock time, which depends on the zone)
 * to the times the new zone gives them. A pure time part ("PT15M") is exact in every zone and is
 * not read. Rules as in syncReminderRows: a row whose time is unchanged is left alone, so an
 * already due one still fires; one whose new time has already passed is stored as fired.
 * Returns how many rows moved.
 *
 * Call it in the transaction that updated users.time_zone, after that update. The work is
 * bounded by the quota: at most MAX_TASKS_PER_USER × MAX_REMINDERS rows (50,000 by default),
 * one select, about 20 µs of Temporal arithmetic per row in slices that let other requests run,
 * and one update.
 *
 * Lock order. The caller holds the owner's row. Task writes lock the task, then the owner's row
 * (the change-log trigger), then reminder rows (syncReminderRows), so none of them can hold a
 * reminder row of this user while waiting for us. Two others can: a task DELETE, whose cascade
 * locks the task's reminder rows before the trigger waits for the owner's row (foreign-key
 * triggers fire before tasks_log_changes, by name), and the scheduler, which locks due rows and
 * skips those whose owner is held. Waiting for the delete's rows would be a deadlock, so held rows
 * are skipped: the delete's are about to go, and a row the scheduler left for us is already due
 * and fires on its next run, at the time it had. Tasks are read, not locked: locking one after
 * the owner's row would invert the task writes' order.
 */
export async function moveRemindersToZone(tx: Database, userId: string, timeZone: string, now: Date): Promise<number> {
  const pending = await tx
    .select({
      taskId: taskReminders.taskId,
      before: taskReminders.before,
      fireAt: taskReminders.fireAt,
      dueAt: tasks.dueAt,
    })
    .from(taskReminders)
    .innerJoin(tasks, eq(tasks.id, taskReminders.taskId))
    .where(
      and(
        eq(tasks.userId, userId),
        eq(taskReminders.userId, userId),
        isNull(taskReminders.firedAt),
        // Normalized durations (formatDuration) spell a days part as the only "D": P1D, P2DT3H.
        like(taskReminders.before, "P%D%"),
        eq(tasks.completed, false),
        isNotNull(tasks.dueAt),
      ),
    )
    .for("update", { of: taskReminders, skipLocked: true });

  const moved: { task_id: string; before: string; fire_at: string }[] = [];
  for (const [index, row] of pending.entries()) {
    if (index > 0 && index % ROWS_PER_TURN === 0) await nextTurn();
    if (row.dueAt === null) continue;
    const fireAt = reminderFireTime(row.dueAt, row.before, timeZone);
    if (fireAt.getTime() !== row.fireAt.getTime()) {
      moved.push({ task_id: row.taskId, before: row.before, fire_at: fireAt.toISOString() });
    }
  }
  if (moved.length === 0) return 0;

  const at = now.toISOString();
  // One statement for all of them: the moved rows travel as one JSON parameter.
  await tx.execute(sql`
    update ${taskReminders} as r
    set fire_at = m.fire_at,
      fired_at = case when m.fire_at <= ${at}::timestamptz then ${at}::timestamptz end
    from json_to_recordset(${JSON.stringify(moved)}::json) as m(task_id text, "before" text, fire_at timestamptz)
    where r.task_id = m.task_id and r."before" = m."before" and r.fired_at is null`);
  return moved.length;
}
