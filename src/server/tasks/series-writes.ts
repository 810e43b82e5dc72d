import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Recurrence, RecurrenceFrom } from "../../shared/recurrence.js";
import type { Database } from "../db/client.js";
import { tasks, users } from "../db/schema/index.js";
import { nextOccurrence } from "../recurrence/next-occurrence.js";
import { syncReminderRows } from "./reminder-rows.js";
import { plainSet, type TaskChange, versionSet } from "./task-change.js";
import { insertSeriesTask, type NewSeriesValues, type NewTaskValues } from "./task-insert.js";
import { type TaskRow, taskColumns } from "./task-row.js";
import type { Precondition } from "./tasks.repository.js";

/**
 * The writes of tasks that repeat or remind, each in one transaction: the write itself, the next
 * occurrence of a series it completes, and the reminder rows it moves. Tasks without either never
 * come here (tasks.repository.ts keeps their writes to one statement).
 */

/** What a scheduled write did, or why it wrote nothing. */
export type ScheduledWrite =
  | { row: TaskRow }
  | { missing: true }
  | { stale: true }
  /** The completion would continue the series, and the next occurrence does not fit the quota. */
  | { seriesQuotaExceeded: true }
  /** The task would repeat without a due date; the field whose value did it. */
  | { needsDue: "recurrence" | "dueAt" };

/** Thrown inside the transaction to roll the completion back with the insert that did not fit. */
class SeriesQuotaReached extends Error {}

/** The task as it is, read under its row lock, and its owner's zone. */
const lockedColumns = {
  completed: tasks.completed,
  dueAt: tasks.dueAt,
  completedAt: tasks.completedAt,
  recurrenceRule: tasks.recurrenceRule,
  recurrenceFrom: tasks.recurrenceFrom,
  seriesStart: tasks.seriesStart,
  occurrence: tasks.occurrence,
  nextId: tasks.nextId,
  reminders: tasks.reminders,
  version: tasks.version,
  timeZone: users.timeZone,
};
interface LockedTask {
  completed: boolean;
  dueAt: Date | null;
  completedAt: Date | null;
  recurrenceRule: string | null;
  recurrenceFrom: string | null;
  seriesStart: Date | null;
  occurrence: number;
  nextId: string | null;
  reminders: string[];
  version: number;
  timeZone: string;
}

/** The schedule columns a write leaves the task with. */
interface Schedule {
  dueAt: Date | null;
  completed: boolean;
  completedAt: Date | null;
  recurrenceRule: string | null;
  recurrenceFrom: RecurrenceFrom | null;
  seriesStart: Date | null;
  occurrence: number;
  reminders: string[];
}

function recurrenceOf(task: LockedTask): Recurrence | null {
  if (task.recurrenceRule === null) return null;
  return { rule: task.recurrenceRule, from: task.recurrenceFrom === "completion" ? "completion" : "due" };
}

function scheduleAfter(current: LockedTask, change: TaskChange, now: Date): Schedule {
  const dueAt = change.dueAt !== undefined ? change.dueAt : current.dueAt;
  const completed = change.completed === "toggle" ? !current.completed : (change.completed ?? current.completed);
  const recurrence = change.recurrence !== undefined ? change.recurrence : recurrenceOf(current);
  const ruleChanged = (recurrence?.rule ?? null) !== current.recurrenceRule;
  const dueMoved = dueAt?.getTime() !== current.dueAt?.getTime();
  const reanchor = ruleChanged || dueMoved || current.seriesStart === null;
  return {
    dueAt,
    completed,
    completedAt: completed ? (current.completedAt ?? now) : null,
    recurrenceRule: recurrence?.rule ?? null,
    recurrenceFrom: recurrence?.from ?? null,
    // The series re-anchors where the user put it: a new rule, or a moved due time, starts it over
    // at this dueAt; a new rule also counts its occurrences (COUNT) from 1 again.
    seriesStart: recurrence === null ? null : reanchor ? dueAt : current.seriesStart,
    occurrence: ruleChanged ? 1 : current.occurrence,
    reminders: change.reminders ?? current.reminders,
  };
}

/** The next occurrence's due time when this write completes a series that goes on, else null. */
function continuation(current: LockedTask, after: Schedule): Date | null {
  const completes = after.completed && !current.completed;
  // next_id is set once: reopening and completing again continues nothing a second time.
  if (!completes || current.nextId !== null || after.recurrenceRule === null) return null;
  if (after.dueAt === null || after.seriesStart === null || after.completedAt === null) return null;
  return nextOccurrence({
    rule: after.recurrenceRule,
    from: after.recurrenceFrom ?? "due",
    timeZone: current.timeZone,
    seriesStart: after.seriesStart,
    dueAt: after.dueAt,
    completedAt: after.completedAt,
    occurrence: after.occurrence,
  });
}

export interface ScheduledWriteRequest {
  userId: string;
  id: string;
  precondition: Precondition | undefined;
  change: TaskChange;
  now: Date;
  maxTasks: number;
}

/**
 * A PUT, PATCH or complete of a task that repeats or reminds (or is about to), in one transaction.
 *
 * The task's row is locked first (SELECT … FOR UPDATE), so concurrent writes of one task run one
 * after the other and each sees the state the previous one committed: of twenty concurrent
 * completions, only the first finds the task pending with no next_id, and only it creates the
 * next occurrence. This holds on PostgreSQL with any number of processes (the row lock) and on
 * PGlite (one connection, transactions in turn).
 */
export async function writeScheduled(db: Database, request: ScheduledWriteRequest): Promise<ScheduledWrite> {
  const { userId, id, precondition, change, now } = request;
  try {
    return await db.transaction(async (tx) => {
      const [current] = await tx
        .select(lockedColumns)
        .from(tasks)
        .innerJoin(users, eq(users.id, tasks.userId))
        .where(and(eq(tasks.userId, userId), eq(tasks.id, id)))
        .for("update", { of: tasks });
      if (!current) return { missing: true };
      if (precondition && "versions" in precondition && !precondition.versions.includes(current.version)) {
        return { stale: true };
      }
      const after = scheduleAfter(current, change, now);
      if (after.recurrenceRule !== null && after.dueAt === null) {
        return { needsDue: change.recurrence ? "recurrence" : "dueAt" };
      }
      const nextDue = continuation(current, after);
      const [row] = await tx
        .update(tasks)
        .set({
          ...plainSet(change, now),
          ...after,
          nextId: nextDue ? randomUUID() : current.nextId,
          ...versionSet(now),
        })
        .where(and(eq(tasks.userId, userId), eq(tasks.id, id)))
        .returning(taskColumns);
      if (!row) return { missing: true };
      const remind = current.reminders.length > 0 || after.reminders.length > 0;
      // Reminder times are computed in the zone read now, not the one read with the task: the
      // UPDATE's trigger holds the owner's row from here to commit, so a time-zone change either
      // committed before this read or waits and then moves these rows (reminder-zone.ts).
      const timeZone = remind ? await ownerTimeZone(tx, userId) : current.timeZone;
      if (nextDue && row.nextId) await insertNext(tx, row, after, nextDue, request, timeZone);
      if (remind) await syncReminderRows(tx, { id, userId, ...after }, timeZone, now);
      return { row };
    });
  } catch (error) {
    if (error instanceof SeriesQuotaReached) return { seriesQuotaExceeded: true };
    throw error;
  }
}

/**
 * The next occurrence: the completed task's content and series, due at `dueAt`, pending. It
 * counts against the quota like any create; when it does not fit, the whole write rolls back.
 */
async function insertNext(
  tx: Database,
  completed: TaskRow,
  after: Schedule,
  dueAt: Date,
  request: ScheduledWriteRequest,
  timeZone: string,
): Promise<void> {
  const id = completed.nextId ?? randomUUID();
  const [next] = await insertSeriesTask(tx, {
    id,
    userId: request.userId,
    maxTasks: request.maxTasks,
    title: completed.title,
    description: completed.description,
    completed: false,
    priority: completed.priority,
    dueAt: dueAt.toISOString(),
    tags: completed.tags,
    now: request.now,
    completedAt: null,
    recurrenceRule: after.recurrenceRule,
    recurrenceFrom: after.recurrenceFrom,
    seriesStart: after.seriesStart?.toISOString() ?? null,
    occurrence: after.occurrence + 1,
    reminders: after.reminders,
  });
  if (!next) throw new SeriesQuotaReached();
  if (after.reminders.length > 0) {
    const source = { id, userId: request.userId, dueAt, completed: false, reminders: after.reminders };
    await syncReminderRows(tx, source, timeZone, request.now);
  }
}

/**
 * A create of a task that repeats or reminds: the insert (quota included, as for any create) and
 * its reminder rows, in one transaction. Undefined when the insert wrote nothing.
 */
export async function createScheduled(
  db: Database,
  values: NewTaskValues & NewSeriesValues,
  dueAt: Date | null,
): Promise<TaskRow | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await insertSeriesTask(tx, values);
    if (!row || values.reminders.length === 0) return row;
    // The insert holds the owner's row lock: the zone cannot change before this commits.
    const timeZone = await ownerTimeZone(tx, values.userId);
    const source = {
      id: values.id,
      userId: values.userId,
      dueAt,
      completed: values.completed,
      reminders: values.reminders,
    };
    await syncReminderRows(tx, source, timeZone, values.now);
    return row;
  });
}

/** The owner's time zone, read in the caller's transaction. */
async function ownerTimeZone(tx: Database, userId: string): Promise<string> {
  const [owner] = await tx.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, userId));
  return owner?.timeZone ?? "UTC";
}
