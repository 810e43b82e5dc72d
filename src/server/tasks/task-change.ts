import { sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import type { Recurrence } from "../../shared/recurrence.js";
import type { Priority, TaskInput, TaskPatch } from "../../shared/task.schemas.js";
import { tasks } from "../db/schema/index.js";
import { rank } from "./task-row.js";

/** What a PUT, PATCH or complete changes in a task; an absent (undefined) field is left as it is. */
export interface TaskChange {
  title?: string;
  description?: string;
  priority?: Priority;
  tags?: string[];
  dueAt?: Date | null;
  /** true or false sets completion; "toggle" flips it (the complete route without a body). */
  completed?: boolean | "toggle";
  recurrence?: Recurrence | null;
  /** The reminders' durations, replacing the task's. */
  reminders?: string[];
}

/** PUT: every field replaced; omitted ones were defaulted by the schema. */
export function replacement(input: TaskInput): TaskChange {
  return { ...input, reminders: input.reminders.map((r) => r.before) };
}

/** PATCH: only the given fields (an undefined one is absent). */
export function patchChange(patch: TaskPatch): TaskChange {
  const { reminders, ...fields } = patch;
  return { ...fields, reminders: reminders?.map((r) => r.before) };
}

/**
 * Whether the change may need more than its UPDATE: it touches the due time, the completion, the
 * recurrence or the reminders, any of which can continue a series or move reminder rows.
 */
export function touchesSchedule(change: TaskChange): boolean {
  return (
    change.dueAt !== undefined ||
    change.completed !== undefined ||
    change.recurrence !== undefined ||
    change.reminders !== undefined
  );
}

/** Whether the change itself makes the task recurring or gives it reminders. */
export function bringsSchedule(change: TaskChange): boolean {
  return Boolean(change.recurrence) || (change.reminders?.length ?? 0) > 0;
}

/**
 * The UPDATE's SET for the fields a task without recurrence or reminders can change, all in SQL,
 * so that the write stays one statement (completion toggled and completedAt kept by the database).
 * The series columns are left out: the caller's condition guarantees they hold their defaults.
 */
export function plainSet(change: TaskChange, now: Date): PgUpdateSetSource<typeof tasks> {
  const set: PgUpdateSetSource<typeof tasks> = {};
  if (change.title !== undefined) set.title = change.title;
  if (change.description !== undefined) set.description = change.description;
  if (change.priority !== undefined) set.priority = rank(change.priority);
  if (change.dueAt !== undefined) set.dueAt = change.dueAt;
  if (change.tags !== undefined) set.tags = change.tags;
  if (change.completed === "toggle") {
    set.completed = sql`not ${tasks.completed}`;
    set.completedAt = sql`case when ${tasks.completed} then null else ${now.toISOString()}::timestamptz end`;
  } else if (change.completed !== undefined) {
    // completedAt is set when a task becomes completed, kept while it stays so, cleared on reopen.
    set.completed = change.completed;
    set.completedAt = change.completed ? sql`coalesce(${tasks.completedAt}, ${now.toISOString()}::timestamptz)` : null;
  }
  return set;
}

/** Every write moves updatedAt forward and bumps the version (the ETag). */
export function versionSet(now: Date): PgUpdateSetSource<typeof tasks> {
  return {
    // Always forward, even for two writes in one millisecond or a clock that stepped back.
    updatedAt: sql`greatest(${now.toISOString()}::timestamptz, ${tasks.updatedAt} + interval '1 millisecond')`,
    version: sql`${tasks.version} + 1`,
  };
}
