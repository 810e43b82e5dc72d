import { sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Priority, Task } from "../../shared/task.schemas.js";
import { priorities } from "../../shared/task.schemas.js";
import { tasks } from "../db/schema/index.js";

/**
 * A time as the API writes it (ISO 8601 in UTC, milliseconds), formatted by the database: rows
 * then need no Date parsing and formatting per field on their way to JSON (docs/benchmarks.md).
 * Truncating to milliseconds, as to_char's MS does, is what a JavaScript Date does too.
 */
export function isoTime<T extends string | null>(column: PgColumn) {
  return sql<T>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** What every statement returns for a task: its fields as the API shows them, and its version. */
export const taskColumns = {
  id: tasks.id,
  title: tasks.title,
  description: tasks.description,
  completed: tasks.completed,
  priority: tasks.priority,
  dueAt: isoTime<string | null>(tasks.dueAt),
  tags: tasks.tags,
  createdAt: isoTime<string>(tasks.createdAt),
  updatedAt: isoTime<string>(tasks.updatedAt),
  completedAt: isoTime<string | null>(tasks.completedAt),
  recurrenceRule: tasks.recurrenceRule,
  recurrenceFrom: tasks.recurrenceFrom,
  reminders: tasks.reminders,
  nextId: tasks.nextId,
  version: tasks.version,
};

export interface TaskRow {
  id: string;
  title: string;
  description: string;
  completed: boolean;
  priority: number;
  dueAt: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  recurrenceRule: string | null;
  recurrenceFrom: string | null;
  reminders: string[];
  nextId: string | null;
  version: number;
}

export interface StoredTask {
  task: Task;
  version: number;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const rank = (p: Priority) => priorities.indexOf(p);

export function toTask(row: TaskRow): StoredTask {
  return {
    version: row.version,
    task: {
      id: row.id,
      title: row.title,
      description: row.description,
      completed: row.completed,
      priority: priorities[row.priority] ?? "none",
      dueAt: row.dueAt,
      tags: row.tags,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      completedAt: row.completedAt,
      recurrence: row.recurrenceRule
        ? { rule: row.recurrenceRule, from: row.recurrenceFrom === "completion" ? "completion" : "due" }
        : null,
      reminders: row.reminders.map((before) => ({ before })),
      nextId: row.nextId,
    },
  };
}
