import { and, eq, lt, type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Database } from "../db/client.js";
import { tasks, users } from "../db/schema/index.js";
import { taskColumns } from "./task-row.js";

/** The values of one new task, as the insert's placeholders take them. */
export type NewTaskValues = {
  id: string;
  userId: string;
  maxTasks: number;
  title: string;
  description: string;
  completed: boolean;
  priority: number;
  /** ISO text or null: Drizzle's encoder for a time would call toISOString() on null. */
  dueAt: string | null;
  tags: string[];
  now: Date;
  completedAt: string | null;
};

/** What a task of a series adds (the series insert only). */
export type NewSeriesValues = {
  recurrenceRule: string | null;
  recurrenceFrom: string | null;
  seriesStart: string | null;
  occurrence: number;
  reminders: string[];
};

/**
 * A parameter of the insert's select, named and cast as its column (a select's output has no
 * target column to take a type from), and encoded as the column encodes it unless told not to.
 */
function valueFor(column: PgColumn, placeholder: string, encode = true): SQL.Aliased {
  const value = encode ? sql.param(sql.placeholder(placeholder), column) : sql.placeholder(placeholder);
  return sql`${value}::${sql.raw(column.getSQLType())}`.as(column.name);
}

/** A constant of the insert's select, named and cast as its column. */
function constantFor(column: PgColumn, value: SQL): SQL.Aliased {
  return sql`${value}::${sql.raw(column.getSQLType())}`.as(column.name);
}

/**
 * The insert of a task, one statement of a fixed shape.
 *
 * The quota is part of it: the task's row is selected from its owner's row, locked, and only
 * while the owner holds fewer than `maxTasks` (users.task_count, kept by a trigger on tasks). Two
 * creates of one user queue on that lock; in READ COMMITTED, the one that waited re-checks the
 * count of the row the other committed, so a burst cannot overshoot the quota. The lock is
 * `no key update`, the one the trigger's UPDATE takes anyway: it does not block the key-share
 * locks that inserts referencing the user (sessions, other tables) take.
 *
 * Two shapes: a plain task's (the common create, whose series columns are constants) and a
 * series task's, whose recurrence, series start, occurrence and reminders are parameters too.
 */
export function buildInsert(db: Database, shape: "plain" | "series") {
  const owner = and(eq(users.id, sql.placeholder("userId")), lt(users.taskCount, sql.placeholder("maxTasks")));
  const series = shape === "series";
  return db
    .insert(tasks)
    .select((qb) =>
      qb
        // Every column, in the table's order; a select has no DEFAULT, so version says its 1.
        .select({
          id: valueFor(tasks.id, "id"),
          userId: users.id,
          title: valueFor(tasks.title, "title"),
          description: valueFor(tasks.description, "description"),
          completed: valueFor(tasks.completed, "completed"),
          priority: valueFor(tasks.priority, "priority"),
          dueAt: valueFor(tasks.dueAt, "dueAt", false),
          tags: valueFor(tasks.tags, "tags"),
          createdAt: valueFor(tasks.createdAt, "now"),
          updatedAt: valueFor(tasks.updatedAt, "now"),
          completedAt: valueFor(tasks.completedAt, "completedAt", false),
          version: sql<number>`1`.as(tasks.version.name),
          recurrenceRule: series
            ? valueFor(tasks.recurrenceRule, "recurrenceRule")
            : constantFor(tasks.recurrenceRule, sql`null`),
          recurrenceFrom: series
            ? valueFor(tasks.recurrenceFrom, "recurrenceFrom")
            : constantFor(tasks.recurrenceFrom, sql`null`),
          seriesStart: series
            ? valueFor(tasks.seriesStart, "seriesStart", false)
            : constantFor(tasks.seriesStart, sql`null`),
          occurrence: series ? valueFor(tasks.occurrence, "occurrence") : constantFor(tasks.occurrence, sql`1`),
          nextId: constantFor(tasks.nextId, sql`null`),
          reminders: series ? valueFor(tasks.reminders, "reminders") : constantFor(tasks.reminders, sql`'{}'`),
        })
        .from(users)
        .where(owner)
        .for("no key update"),
    )
    .returning(taskColumns);
}

/** The plain insert, prepared once (per connection on PostgreSQL) for the common create. */
export function preparePlainInsert(db: Database) {
  return buildInsert(db, "plain").prepare("tasks_insert");
}

/**
 * Runs the series insert on a transaction. Built per call: it is the rare path, and a prepared
 * statement belongs to the connection it was prepared on, which a transaction picks per call.
 */
export function insertSeriesTask(tx: Database, values: NewTaskValues & NewSeriesValues) {
  return buildInsert(tx, "series").prepare("tasks_insert_series").execute(values);
}
