import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, lt, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgUpdateSetSource } from "drizzle-orm/pg-core";
import type { ListQuery, TaskCounts, TaskInput, TaskPatch } from "../../shared/task.schemas.js";
import type { BuiltStatement, Database } from "../db/client.js";
import { tasks, users } from "../db/schema/index.js";
import { ListStatements, type TaskPage } from "./task-list.js";
import { rank, type StoredTask, taskColumns, toTask, UUID } from "./task-row.js";

export type { StoredTask } from "./task-row.js";

/** What `If-Match` asked for: any current version (`*`), or one of these versions. */
export type Precondition = { any: true } | { versions: number[] };

/** Why a conditional write wrote nothing. */
export type WriteOutcome = { task: StoredTask } | { missing: true } | { stale: true };

/**
 * A parameter of the insert's select, named and cast as its column (a select's output has no
 * target column to take a type from), and encoded as the column encodes it unless told not to.
 */
function valueFor(column: PgColumn, placeholder: string, encode = true): SQL.Aliased {
  const value = encode ? sql.param(sql.placeholder(placeholder), column) : sql.placeholder(placeholder);
  return sql`${value}::${sql.raw(column.getSQLType())}`.as(column.name);
}

/**
 * Creating a task is one statement of a fixed shape, so it is built once (and, on PostgreSQL,
 * prepared once per connection) rather than on every request (docs/benchmarks.md).
 *
 * The quota is part of it: the task's row is selected from its owner's row, locked, and only
 * while the owner holds fewer than `maxTasks` (users.task_count, kept by a trigger on tasks). Two
 * creates of one user queue on that lock; in READ COMMITTED, the one that waited re-checks the
 * count of the row the other committed, so a burst cannot overshoot the quota. The lock is
 * `no key update`, the one the trigger's UPDATE takes anyway: it does not block the key-share
 * locks that inserts referencing the user (sessions, other tables) take.
 */
function prepareInsert(db: Database) {
  const owner = and(eq(users.id, sql.placeholder("userId")), lt(users.taskCount, sql.placeholder("maxTasks")));
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
          // ISO text or null: Drizzle's encoder for a time would call toISOString() on null.
          dueAt: valueFor(tasks.dueAt, "dueAt", false),
          tags: valueFor(tasks.tags, "tags"),
          createdAt: valueFor(tasks.createdAt, "now"),
          updatedAt: valueFor(tasks.updatedAt, "now"),
          completedAt: valueFor(tasks.completedAt, "completedAt", false),
          version: sql<number>`1`.as(tasks.version.name),
        })
        .from(users)
        .where(owner)
        .for("no key update"),
    )
    .returning(taskColumns)
    .prepare("tasks_insert");
}

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
  insert: ReturnType<typeof prepareInsert>;
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
        insert: prepareInsert(db),
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
   * prepareInsert). Only when it inserts nothing is the owner looked up, to tell a full quota
   * from an account deleted after its access token was issued.
   */
  async create(input: TaskInput): Promise<CreateOutcome> {
    const now = new Date();
    const { insert, ownerLookup, maxTasks } = this.shared.creating;
    const [row] = await insert.execute({
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
    });
    if (row) return this.changed({ task: toTask(row) });
    const [owner] = await ownerLookup.execute({ userId: this.userId });
    return owner ? { quotaExceeded: { limit: maxTasks } } : { ownerGone: true };
  }

  /** PUT: every field replaced; omitted ones were defaulted by the schema. */
  replace(id: string, input: TaskInput, precondition?: Precondition): Promise<WriteOutcome> {
    return this.write(id, precondition, (now) => ({
      title: input.title,
      description: input.description,
      priority: rank(input.priority),
      dueAt: input.dueAt,
      tags: input.tags,
      ...completion(input.completed, now),
    }));
  }

  /** PATCH: only the given fields change. */
  patch(id: string, patch: TaskPatch, precondition?: Precondition): Promise<WriteOutcome> {
    return this.write(id, precondition, (now) => ({
      ...(patch.title !== undefined ? { title: patch.title } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.priority !== undefined ? { priority: rank(patch.priority) } : {}),
      ...(patch.dueAt !== undefined ? { dueAt: patch.dueAt } : {}),
      ...(patch.tags !== undefined ? { tags: patch.tags } : {}),
      ...(patch.completed !== undefined ? completion(patch.completed, now) : {}),
    }));
  }

  /** Sets completion, or toggles it when `completed` is undefined. */
  complete(id: string, completed: boolean | undefined, precondition?: Precondition): Promise<WriteOutcome> {
    return this.write(id, precondition, (now) =>
      completed === undefined
        ? {
            completed: sql`not ${tasks.completed}`,
            completedAt: sql`case when ${tasks.completed} then null else ${now.toISOString()}::timestamptz end`,
          }
        : completion(completed, now),
    );
  }

  /** Deletes the task; false when there was no such task of this user. */
  async delete(id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const deleted = await this.db.delete(tasks).where(this.byId(id)).returning({ id: tasks.id });
    return deleted.length > 0 && this.changed(true);
  }

  /**
   * One UPDATE that checks the precondition in its WHERE clause, so two writers holding the same
   * ETag cannot both win. Only when it writes nothing is the task looked up, to tell 404 from 412.
   */
  private async write(
    id: string,
    precondition: Precondition | undefined,
    changes: (now: Date) => PgUpdateSetSource<typeof tasks>,
  ): Promise<WriteOutcome> {
    if (!UUID.test(id)) return { missing: true };
    const now = new Date();
    const where = [this.owned, eq(tasks.id, id)];
    if (precondition && "versions" in precondition) {
      where.push(precondition.versions.length > 0 ? inArray(tasks.version, precondition.versions) : sql`false`);
    }
    const [row] = await this.db
      .update(tasks)
      .set({
        ...changes(now),
        // Always forward, even for two writes in one millisecond or a clock that stepped back.
        updatedAt: sql`greatest(${now.toISOString()}::timestamptz, ${tasks.updatedAt} + interval '1 millisecond')`,
        version: sql`${tasks.version} + 1`,
      })
      .where(and(...where))
      .returning(taskColumns);
    if (row) return this.changed({ task: toTask(row) });
    if (precondition && "versions" in precondition && (await this.get(id))) return { stale: true };
    return { missing: true };
  }
}

/** completedAt is set when a task becomes completed, kept while it stays so, cleared on reopen. */
function completion(completed: boolean, now: Date) {
  return {
    completed,
    completedAt: completed ? sql`coalesce(${tasks.completedAt}, ${now.toISOString()}::timestamptz)` : null,
  };
}
