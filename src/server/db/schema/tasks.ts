import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, pgTable, primaryKey, smallint, text, timestamp } from "drizzle-orm/pg-core";
import { users } from "./auth.js";

/**
 * One user's tasks. Every index leads with user_id: each list query of the API is one user's
 * slice, and keyset pagination walks (user_id, sort key, id).
 */
export const tasks = pgTable(
  "tasks",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    completed: boolean("completed").notNull().default(false),
    // 0 none, 1 low, 2 medium, 3 high: sorting by rank is sorting by priority.
    priority: smallint("priority").notNull().default(0),
    dueAt: timestamp("due_at", { withTimezone: true, mode: "date" }),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
    completedAt: timestamp("completed_at", { withTimezone: true, mode: "date" }),
    // Bumped by every write; the ETag is derived from it.
    version: integer("version").notNull().default(1),
    // The recurrence (docs/decisions/016): an RRULE of the contract's subset, normalized, and
    // whether the next date follows the schedule ("due") or the completion ("completion").
    recurrenceRule: text("recurrence_rule"),
    recurrenceFrom: text("recurrence_from"),
    // The series' DTSTART: the dueAt the rule was set with (or last re-anchored to).
    seriesStart: timestamp("series_start", { withTimezone: true, mode: "date" }),
    // This task's place in its series, 1 for the first: COUNT ends the series after it.
    occurrence: integer("occurrence").notNull().default(1),
    // The next occurrence, once created by completing this one: completing again creates none.
    nextId: text("next_id"),
    // ISO 8601 durations before dueAt, normalized (at most 5); their fire times are in task_reminders.
    reminders: text("reminders").array().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [
    index("tasks_user_created_idx").on(t.userId, t.createdAt, t.id),
    index("tasks_user_updated_idx").on(t.userId, t.updatedAt, t.id),
    // Tasks without a due date sort last in both orders, so each order has its own index.
    index("tasks_user_due_asc_idx").on(t.userId, t.dueAt.asc().nullsLast(), t.id.asc()),
    index("tasks_user_due_desc_idx").on(t.userId, t.dueAt.desc().nullsLast(), t.id.desc()),
    index("tasks_user_priority_idx").on(t.userId, t.priority, t.id),
    index("tasks_user_title_idx").on(t.userId, sql`lower(${t.title})`, t.id),
    index("tasks_user_completed_idx").on(t.userId, t.completed, t.createdAt, t.id),
    index("tasks_tags_idx").using("gin", t.tags),
  ],
);

/**
 * The change log behind the live updates (GET /api/{userId}/events, docs/decisions/015): one row
 * per task write, numbered per user (users.change_seq) by a trigger on tasks in the writing
 * statement itself, so the log and the data never disagree. It holds ids, never content: a stream
 * reads the task's current state. Pruned by housekeeping after a day.
 */
export const taskChanges = pgTable(
  "task_changes",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    seq: bigint("seq", { mode: "number" }).notNull(),
    // created, updated, deleted (written by the trigger on tasks) or reminder (by the scheduler).
    kind: text("kind").notNull(),
    taskId: text("task_id").notNull(),
    // What a non-task event carries (a reminder: {"before","fireAt"} as JSON); null for task writes.
    detail: text("detail"),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.seq] }), index("task_changes_at_idx").on(t.at)],
);

/**
 * When each reminder of a task fires: dueAt − before, computed in the owner's time zone whenever
 * the task's dueAt, reminders or completion change. The scheduler claims due rows with
 * FOR UPDATE SKIP LOCKED and marks them fired in the transaction that queues the email and the
 * live event, so each fires once whatever the number of processes, and a crash loses none.
 */
export const taskReminders = pgTable(
  "task_reminders",
  {
    taskId: text("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // The reminder as the task holds it (an ISO 8601 duration, normalized).
    before: text("before").notNull(),
    fireAt: timestamp("fire_at", { withTimezone: true, mode: "date" }).notNull(),
    // Set in the transaction that delivered it; null while pending.
    firedAt: timestamp("fired_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    primaryKey({ columns: [t.taskId, t.before] }),
    index("task_reminders_due_idx").on(t.fireAt).where(sql`${t.firedAt} is null`),
  ],
);
