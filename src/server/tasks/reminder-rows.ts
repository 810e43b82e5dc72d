import { and, eq, notInArray, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { taskReminders } from "../db/schema/index.js";
import { reminderFireTime } from "../recurrence/reminder-times.js";

/** What decides a task's reminder rows. */
export interface ReminderSource {
  id: string;
  userId: string;
  dueAt: Date | null;
  completed: boolean;
  /** The normalized durations the task holds. */
  reminders: string[];
}

/**
 * Brings a task's rows of task_reminders (the scheduler's input) in line with the task, in the
 * caller's transaction: none for a completed task or one without dueAt; otherwise one per
 * reminder, firing at reminderFireTime(dueAt, before) in the owner's zone.
 *
 * A row whose fire time is unchanged is left as it is, fired or not, so an edit that does not
 * move a reminder never repeats it. A row that moves is re-armed, except when its new time has
 * already passed: it is stored as fired, since nobody wants a notification for a moment that
 * went by while they were editing the task (docs/api.md, "Recurring tasks and reminders").
 */
export async function syncReminderRows(tx: Database, task: ReminderSource, timeZone: string, now: Date) {
  const wanted = task.completed || task.dueAt === null ? [] : task.reminders;
  const ofTask = eq(taskReminders.taskId, task.id);
  await tx
    .delete(taskReminders)
    .where(wanted.length > 0 ? and(ofTask, notInArray(taskReminders.before, wanted)) : ofTask);
  const dueAt = task.dueAt;
  if (wanted.length === 0 || dueAt === null) return;
  const rows = wanted.map((before) => {
    const fireAt = reminderFireTime(dueAt, before, timeZone);
    return { taskId: task.id, userId: task.userId, before, fireAt, firedAt: fireAt <= now ? now : null };
  });
  await tx
    .insert(taskReminders)
    .values(rows)
    .onConflictDoUpdate({
      target: [taskReminders.taskId, taskReminders.before],
      set: { fireAt: sql`excluded.fire_at`, firedAt: sql`excluded.fired_at` },
      setWhere: sql`${taskReminders.fireAt} is distinct from excluded.fire_at`,
    });
}
