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
    // created, updated or deleted.
    kind: text("kind").notNull(),
    taskId: text("task_id").notNull(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.seq] }), index("task_changes_at_idx").on(t.at)],
);
