import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { ListQuery, TaskCounts, TaskInput, TaskPatch } from "../../shared/task.schemas.js";
import type { BuiltStatement, Database } from "../db/client.js";
import { tasks, users } from "../db/schema/index.js";
import { createScheduled, type ScheduledWrite, writeScheduled } from "./series-writes.js";
import {
  bringsSchedule,
  patchChange,
  plainSet,
  replacement,
  type TaskChange,
  touchesSchedule,
  versionSet,
} from "./task-change.js";
import { type NewTaskValues, preparePlainInsert } from "./task-insert.js";
import { ListStatements, type TaskPage } from "./task-list.js";
import { rank, type StoredTask, type TaskRow, taskColumns, toTask, UUID } from "./task-row.js";

export type { StoredTask } from "./task-row.js";

/** What `If-Match` asked for: any current version (`*`), or one of these versions. */
export type Precondition = { any: true } | { versions: number[] };

/** The task a write wrote, or why it wrote nothing. */
export type WriteOutcome =
  | { task: StoredTask }
  | { missing: true }
  | { stale: true }
  /** Completing it would continue its series, and the next occurrence does not fit the quota. */
  | { seriesQuotaExceeded: { limit: number } }
  /** The task would repeat without a due date; the field whose value did it. */
  | { needsDue: "recurrence" | "dueAt" };

/** The owner's row, read only when a create inserted nothing, to say why. */
function prepareOwnerLookup(db: Database) {
  return db
    .select({ taskCount: users.taskCount })
    .from(users)
    .where(eq(users.id, sql.placeholder("userId")))
    .prepare("tasks_insert_owner");
}

/** The statements of a create, and the quota they enforce. */
interface CreateStatements {
  insert: ReturnType<typeof preparePlainInsert>;
  ownerLookup: ReturnType<typeof prepareOwnerLookup>;
  maxTasks: number;
}

/** What every UserTasks shares: the prepared statements and the change hook. */
interface Shared {
  creating: CreateStatements;
  listStatements: ListStatements;
  onChange: (userId: string) => void;
}

/** Why a create wrote nothing, or the task it wrote. */
export type CreateOutcome = { task: StoredTask } | { quotaExceeded: { limit: number } } | { ownerGone: true };

export interface TaskRepositoryOptions {
  /** How many tasks one user may hold (MAX_TASKS_PER_USER). */
  maxTasksPerUser: number;
  /**
   * Called with the owner's id after each write that changed a task has committed: the in-process
   * delivery of the live updates on PGlite (src/server/live). PostgreSQL needs none: the write's
   * trigger NOTIFYs every process at commit.
   */
  onChange?: ((userId: string) => void) | undefined;
}

/**
 * The only module that reads or writes tasks. Every query it runs is scoped to the one user it
 * was opened for: `forUser(userId)` is the sole way in, so a handler cannot forget the owner.
 */
export class TaskRepository {
  private readonly shared: Shared;

  constructor(
    private readonly db: Database,
    options: TaskRepositoryOptions,
  ) {
    this.shared = {
      creating: {
        insert: preparePlainInsert(db),
        ownerLookup: prepareOwnerLookup(db),
        maxTasks: options.maxTasksPerUser,
      },
      listStatements: new ListStatements(db),
      onChange: options.onChange ?? (() => {}),
    };
  }

  forUser(userId: string): UserTasks {
    return new UserTasks(this.db, userId, this.shared);
  }
}

export class UserTasks {
  /** The ownership condition, part of every statement below. */
  private readonly owned: SQL;

  constructor(
    private readonly db: Database,
    readonly userId: string,
    private readonly shared: Shared,
  ) {
    this.owned = eq(tasks.userId, userId);
  }

  /** Tells the change hook that a write of this user's committed, and passes its result on. */
  private changed<T>(result: T): T {
    this.shared.onChange(this.userId);
    return result;
  }

  private byId(id: string): SQL | undefined {
    return and(this.owned, eq(tasks.id, id));
  }

  /**
   * The one statement `list` runs, values filled in: one page and one row more (to know whether a
   * next page exists), scoped to this user. Public so that tests can EXPLAIN exactly what the API
   * executes.
   */
  listQuery(query: ListQuery): BuiltStatement {
    return this.shared.listStatements.statement(this.userId, query);
  }

  list(query: ListQuery): Promise<TaskPage> {
    return this.shared.listStatements.page(this.userId, query);
  }

  /** Every task of this user, oldest first: the account export (MAX_TASKS_PER_USER bounds it). */
  async all(): Promise<StoredTask[]> {
    const rows = await this.db
      .select(taskColumns)
      .from(tasks)
      .where(this.owned)
      .orderBy(asc(tasks.createdAt), asc(tasks.id));
    return rows.map(toTask);
  }

  /** How many tasks this user has, by status: one count over the (user, completed) index. */
  async counts(): Promise<TaskCounts> {
    const [row] = await this.db
      .select({
        all: sql<number>`count(*)::int`,
        completed: sql<number>`(count(*) filter (where ${tasks.completed}))::int`,
      })
      .from(tasks)
      .where(this.owned);
    const all = row?.all ?? 0;
    const completed = row?.completed ?? 0;
    return { all, pending: all - completed, completed };
  }

  async get(id: string): Promise<StoredTask | undefined> {
    if (!UUID.test(id)) return undefined;
    const [row] = await this.db.select(taskColumns).from(tasks).where(this.byId(id)).limit(1);
    return row ? toTask(row) : undefined;
  }

  /**
   * Inserts the task unless this user already holds the quota's worth, in one statement (see
   * task-insert.ts); a task that repeats or reminds also gets its reminder rows, in the same
   * transaction. Only when it inserts nothing is the owner looked up, to tell a full quota from
   * an account deleted after its access token was issued.
   */
  async create(input: TaskInput): Promise<CreateOutcome> {
    const now = new Date();
    const { insert, ownerLookup, maxTasks } = this.shared.creating;
    const values: NewTaskValues = {
      id: randomUUID(),
      userId: this.userId,
      maxTasks,
      title: input.title,
      description: input.description,
      completed: input.completed,
      priority: rank(input.priority),
      dueAt: input.dueAt?.toISOString() ?? null,
      tags: input.tags,
      now,
      completedAt: input.completed ? now.toISOString() : null,
    };
    const reminders = input.reminders.map((r) => r.before);
    const row =
      input.recurrence || reminders.length > 0
        ? await createScheduled(
            this.db,
            {
              ...values,
              recurrenceRule: input.recurrence?.rule ?? null,
              recurrenceFrom: input.recurrence?.from ?? null,
              // A series starts at its first task's due time (its DTSTART).
              seriesStart: input.recurrence ? values.dueAt : null,
              occurrence: 1,
              reminders,
            },
            input.dueAt,
          )
        : (await insert.execute(values))[0];
    if (row) return this.changed({ task: toTask(row) });
    const [owner] = await ownerLookup.execute({ userId: this.userId });
    return owner ? { quotaExceeded: { limit: maxTasks } } : { ownerGone: true };
  }

  /** PUT: every field replaced; omitted ones were defaulted by the schema. */
  replace(id: string, input: TaskInput, precondition?: Precondition): Promise<WriteOutcome> {
    return this.write(id, precondition, replacement(input));
  }

  /** PATCH: only the given fields change. */
  patch(id: string, patch: TaskPatch, precondition?: Precondition): Promise<WriteOutcome> {
    return this.write(id, precondition, patchChange(patch));
  }

  /** Sets completion, or toggles it when `completed` is undefined. */
  complete(id: string, completed: boolean | undefined, precondition?: Precondition): Promise<WriteOutcome> {
    return this.write(id, precondition, { completed: completed ?? "toggle" });
  }

  /** Deletes the task; false when there was no such task of this user. */
  async delete(id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const deleted = await this.db.delete(tasks).where(this.byId(id)).returning({ id: tasks.id });
    return deleted.length > 0 && this.changed(true);
  }

  /**
   * A write of a task that neither repeats nor reminds is one UPDATE, as it always was: it is
   * most writes, and a transaction costs PostgreSQL two more round trips and PGlite its one
   * connection for as long as it lasts (docs/benchmarks.md). Which path a write takes:
   * - it changes none of dueAt, completion, recurrence or reminders: one UPDATE, whatever the
   *   task, since nothing follows from it;
   * - it does, but brings neither a recurrence nor reminders: one UPDATE that also requires the
   *   stored task to have none, so nothing can follow from it either. When it writes nothing
   *   (the task repeats or reminds, or is missing, or the ETag is stale), the transaction below
   *   takes over and tells those apart;
   * - otherwise, or in that case: one transaction (series-writes.ts), which locks the task, writes
   *   it, creates the next occurrence of a series it completes and moves its reminder rows.
   */
  private async write(id: string, precondition: Precondition | undefined, change: TaskChange): Promise<WriteOutcome> {
    if (!UUID.test(id)) return { missing: true };
    const now = new Date();
    const scheduled = touchesSchedule(change);
    if (!scheduled || !bringsSchedule(change)) {
      const row = await this.updateInOneStatement(id, precondition, change, now, scheduled);
      if (row) return this.changed({ task: toTask(row) });
      if (!scheduled) {
        if (precondition && "versions" in precondition && (await this.get(id))) return { stale: true };
        return { missing: true };
      }
    }
    const { maxTasks } = this.shared.creating;
    const outcome = await writeScheduled(this.db, { userId: this.userId, id, precondition, change, now, maxTasks });
    return this.outcomeOf(outcome, maxTasks);
  }

  /**
   * The one UPDATE, checking the precondition in its WHERE clause so that two writers holding the
   * same ETag cannot both win; with `onlyPlain`, it also requires a task without recurrence or
   * reminders.
   */
  private async updateInOneStatement(
    id: string,
    precondition: Precondition | undefined,
    change: TaskChange,
    now: Date,
    onlyPlain: boolean,
  ): Promise<TaskRow | undefined> {
    const where = [this.owned, eq(tasks.id, id)];
    if (precondition && "versions" in precondition) {
      where.push(precondition.versions.length > 0 ? inArray(tasks.version, precondition.versions) : sql`false`);
    }
    if (onlyPlain) where.push(sql`${tasks.recurrenceRule} is null and ${tasks.reminders} = '{}'`);
    const [row] = await this.db
      .update(tasks)
      .set({ ...plainSet(change, now), ...versionSet(now) })
      .where(and(...where))
      .returning(taskColumns);
    return row;
  }

  private outcomeOf(outcome: ScheduledWrite, maxTasks: number): WriteOutcome {
    if ("row" in outcome) return this.changed({ task: toTask(outcome.row) });
    if ("seriesQuotaExceeded" in outcome) return { seriesQuotaExceeded: { limit: maxTasks } };
    return outcome;
  }
}
