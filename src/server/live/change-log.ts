import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Task } from "../../shared/task.schemas.js";
import type { Database } from "../db/client.js";
import { taskChanges, tasks, users } from "../db/schema/index.js";
import { taskColumns, toTask } from "../tasks/task-row.js";

/** What a `reminder` change records (task_changes.detail): which reminder fired, and when it was due to. */
export interface ReminderDetail {
  before: string;
  fireAt: string;
}

/**
 * One change, with the task as it is now: null when it no longer exists. A task write is
 * created, updated or deleted; a reminder that fired (src/server/reminders) is `reminder`, with
 * its detail.
 */
export interface LoggedChange {
  seq: number;
  taskId: string;
  kind: "created" | "updated" | "deleted" | "reminder";
  task: Task | null;
  /** The reminder's detail; undefined for task writes. */
  reminder?: ReminderDetail | undefined;
}

/** The user's latest seq and the changes after the one asked for. */
export interface ChangesAfter {
  head: number;
  changes: LoggedChange[];
}

/**
 * Reads one user's change log (task_changes, written by the trigger on tasks), always scoped to
 * that user. Every read is one statement: the owner's row (its change_seq, the head of the log),
 * the next changes after a seq, and the current state of each changed task.
 */
export class ChangeLog {
  constructor(private readonly db: Database) {}

  /** The user's latest seq (0 before any change); undefined when the user no longer exists. */
  async head(userId: string): Promise<number | undefined> {
    const [row] = await this.db.select({ head: users.changeSeq }).from(users).where(eq(users.id, userId));
    return row ? Number(row.head) : undefined;
  }

  /**
   * The changes after `afterSeq`, oldest first, at most `limit`, with the head; undefined when
   * the user no longer exists. A change whose task is gone comes with `task: null`.
   */
  async after(userId: string, afterSeq: number, limit: number): Promise<ChangesAfter | undefined> {
    const next = this.db
      .select({ seq: taskChanges.seq, kind: taskChanges.kind, taskId: taskChanges.taskId, detail: taskChanges.detail })
      .from(taskChanges)
      .where(and(eq(taskChanges.userId, users.id), gt(taskChanges.seq, afterSeq)))
      .orderBy(asc(taskChanges.seq))
      .limit(limit)
      .as("next");
    const rows = await this.db
      .select({
        head: users.changeSeq,
        seq: next.seq,
        kind: next.kind,
        taskId: next.taskId,
        detail: next.detail,
        task: taskColumns,
      })
      .from(users)
      .leftJoinLateral(next, sql`true`)
      .leftJoin(tasks, and(eq(tasks.id, next.taskId), eq(tasks.userId, users.id)))
      .where(eq(users.id, userId))
      .orderBy(asc(next.seq));
    const [first] = rows;
    if (!first) return undefined;
    const changes: LoggedChange[] = [];
    for (const row of rows) {
      if (row.seq === null || row.taskId === null) continue;
      changes.push({
        seq: Number(row.seq),
        taskId: row.taskId,
        kind: row.kind as LoggedChange["kind"],
        task: row.task?.id ? toTask(row.task).task : null,
        ...(row.kind === "reminder" ? { reminder: reminderDetail(row.detail) } : {}),
      });
    }
    return { head: Number(first.head), changes };
  }
}

/** The detail the scheduler logged; undefined if it is not one (then the event is not sent). */
function reminderDetail(detail: string | null): ReminderDetail | undefined {
  if (detail === null) return undefined;
  try {
    const parsed = JSON.parse(detail) as Partial<ReminderDetail>;
    if (typeof parsed.before === "string" && typeof parsed.fireAt === "string") {
      return { before: parsed.before, fireAt: parsed.fireAt };
    }
  } catch {
    // Not JSON: treated as no detail.
  }
  return undefined;
}
