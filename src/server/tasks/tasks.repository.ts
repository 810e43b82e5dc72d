import { randomUUID } from "node:crypto";
import { and, arrayContains, asc, desc, eq, fillPlaceholders, gt, inArray, lt, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgUpdateSetSource } from "drizzle-orm/pg-core";
import type { ListQuery, Priority, Task, TaskCounts, TaskInput, TaskPatch } from "../../shared/task.schemas.js";
import { priorities } from "../../shared/task.schemas.js";
import { type BuiltStatement, type Database, selectRows } from "../db/client.js";
import { tasks, users } from "../db/schema/index.js";
import { type Cursor, decodeCursor, encodeCursor } from "./task-cursor.js";

/**
 * A time as the API writes it (ISO 8601 in UTC, milliseconds), formatted by the database: rows
 * then need no Date parsing and formatting per field on their way to JSON (docs/benchmarks.md).
 * Truncating to milliseconds, as to_char's MS does, is what a JavaScript Date does too.
 */
function isoTime<T extends string | null>(column: PgColumn) {
  return sql<T>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** What every statement returns for a task: its fields as the API shows them, and its version. */
const taskColumns = {
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
  version: tasks.version,
};

interface TaskRow {
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
  version: number;
}

/** What `If-Match` asked for: any current version (`*`), or one of these versions. */
export type Precondition = { any: true } | { versions: number[] };

/** Why a conditional write wrote nothing. */
export type WriteOutcome = { task: StoredTask } | { missing: true } | { stale: true };

export interface StoredTask {
  task: Task;
  version: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const rank = (p: Priority) => priorities.indexOf(p);

function toTask(row: TaskRow): StoredTask {
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
    },
  };
}

// The title sort key is the database's lower(), never JavaScript's toLowerCase(): the two differ
// (İ, final Σ), and a cursor holding the wrong key skips or repeats tasks.
const titleKey = sql<string>`lower(${tasks.title})`;

const sortKeys = {
  createdAt: tasks.createdAt,
  updatedAt: tasks.updatedAt,
  dueAt: tasks.dueAt,
  priority: tasks.priority,
  title: titleKey,
} as const;

/** A listed row, with the title's sort key as the database computed it. */
type ListedRow = TaskRow & { titleKey: string };

/**
 * What a list selects for each task, in this order: each row is built by the database as one JSON
 * array, and the page comes back as one JSON text (json_agg). Reading 50 rows of 12 fields cost
 * PGlite more than running the query (its reader copies every field); one text field is cheap to
 * read, to move between threads and to parse (docs/benchmarks.md).
 */
const listedColumns = { ...taskColumns, titleKey };
const listedKeys = Object.keys(listedColumns);
const listedRow = sql`json_build_array(${sql.join(Object.values(listedColumns), sql`, `)})`;

function toListedRow(values: unknown[]): ListedRow {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < listedKeys.length; i++) row[listedKeys[i] as string] = values[i];
  return row as unknown as ListedRow;
}

function sortValueOf(row: ListedRow, sort: ListQuery["sort"]): Cursor["value"] {
  switch (sort) {
    case "createdAt":
      return row.createdAt;
    case "updatedAt":
      return row.updatedAt;
    case "dueAt":
      return row.dueAt;
    case "priority":
      return row.priority;
    case "title":
      return row.titleKey;
  }
}

/** The cursor value as a typed SQL parameter (a placeholder) for the row comparison. */
function sortParam(sort: ListQuery["sort"]): SQL {
  const value = sql.placeholder("cursorValue");
  if (sort === "priority") return sql`${value}::smallint`;
  if (sort === "title") return sql`${value}::text`;
  return sql`${value}::timestamptz`;
}

/** Tasks after the cursor in (sort key, id) order; tasks without a due date come last. */
function afterCursor(cursor: Cursor): SQL {
  const key = sortKeys[cursor.sort];
  const beyond = cursor.order === "asc" ? sql`>` : sql`<`;
  const id = sql.placeholder("cursorId");
  if (cursor.value === null) {
    // Already among the tasks without a due date: only ids further along remain.
    return sql`(${tasks.dueAt} is null and ${tasks.id} ${beyond} ${id})`;
  }
  const next = sql`((${key}, ${tasks.id}) ${beyond} (${sortParam(cursor.sort)}, ${id}))`;
  return cursor.sort === "dueAt" ? sql`(${next} or ${tasks.dueAt} is null)` : next;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The list's filters, with placeholders for every value: the statement's text depends only on
 * which filters are present (its shape), and `listValues` fills them in, in the same order.
 */
function filtersOf(query: ListQuery): SQL[] {
  const where: SQL[] = [];
  if (query.status !== "all") where.push(eq(tasks.completed, sql.placeholder("completed")));
  if (query.q) {
    const pattern = sql.placeholder("pattern");
    where.push(sql`(${tasks.title} ilike ${pattern} escape '\\' or ${tasks.description} ilike ${pattern} escape '\\')`);
  }
  if (query.priority) {
    where.push(
      inArray(
        tasks.priority,
        query.priority.map((_, i) => sql.placeholder(`priority${i}`)),
      ),
    );
  }
  if (query.tag) where.push(arrayContains(tasks.tags, sql.placeholder("tags")));
  if (query.dueBefore) where.push(lt(tasks.dueAt, sql.placeholder("dueBefore")));
  if (query.dueAfter) where.push(gt(tasks.dueAt, sql.placeholder("dueAfter")));
  return where;
}

/** The values of one list request, by placeholder name (see filtersOf and afterCursor). */
function listValues(userId: string, query: ListQuery, cursor: Cursor | undefined): Record<string, unknown> {
  const values: Record<string, unknown> = { userId, limit: query.limit + 1 };
  if (query.status !== "all") values.completed = query.status === "completed";
  if (query.q) values.pattern = `%${escapeLike(query.q)}%`;
  query.priority?.forEach((p, i) => {
    values[`priority${i}`] = rank(p);
  });
  if (query.tag) values.tags = [query.tag];
  if (query.dueBefore) values.dueBefore = query.dueBefore;
  if (query.dueAfter) values.dueAfter = query.dueAfter;
  if (cursor) {
    values.cursorValue = cursor.value;
    values.cursorId = cursor.id;
  }
  return values;
}

/** What decides the list statement's text: which filters, the order, and the kind of cursor. */
function shapeOf(query: ListQuery, cursor: Cursor | undefined): string {
  const cursorKind = cursor === undefined ? "-" : cursor.value === null ? "null" : "value";
  return [
    query.sort,
    query.order,
    query.status === "all" ? "" : "s",
    query.q ? "q" : "",
    query.priority?.length ?? 0,
    query.tag ? "t" : "",
    query.dueBefore ? "b" : "",
    query.dueAfter ? "a" : "",
    cursorKind,
  ].join("|");
}

function orderOf(query: ListQuery): SQL[] {
  const dir = query.order === "asc" ? asc : desc;
  if (query.sort === "dueAt") {
    // Spelled exactly as the indexes are (id never is null: `nulls last` only matches the
    // descending index), so that PostgreSQL reads them in order instead of sorting.
    return query.order === "asc"
      ? [sql`${tasks.dueAt} asc nulls last`, sql`${tasks.id} asc`]
      : [sql`${tasks.dueAt} desc nulls last`, sql`${tasks.id} desc nulls last`];
  }
  return [dir(sortKeys[query.sort]), dir(tasks.id)];
}

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

/** Why a create wrote nothing, or the task it wrote. */
export type CreateOutcome = { task: StoredTask } | { quotaExceeded: { limit: number } } | { ownerGone: true };

export interface TaskRepositoryOptions {
  /** How many tasks one user may hold (MAX_TASKS_PER_USER). */
  maxTasksPerUser: number;
}

/**
 * The only module that reads or writes tasks. Every query it runs is scoped to the one user it
 * was opened for: `forUser(userId)` is the sole way in, so a handler cannot forget the owner.
 */
export class TaskRepository {
  private readonly creating: CreateStatements;
  private readonly listStatements: ListStatements;

  constructor(
    private readonly db: Database,
    options: TaskRepositoryOptions,
  ) {
    this.creating = {
      insert: prepareInsert(db),
      ownerLookup: prepareOwnerLookup(db),
      maxTasks: options.maxTasksPerUser,
    };
    this.listStatements = new ListStatements(db);
  }

  forUser(userId: string): UserTasks {
    return new UserTasks(this.db, userId, this.creating, this.listStatements);
  }
}

/**
 * The list statement of each shape (see shapeOf), built by Drizzle once with placeholders for
 * every value, the owner's id among them. Building it per request was a fifth of the event
 * loop's work for a list (docs/benchmarks.md). There are at most a few thousand shapes.
 */
class ListStatements {
  private readonly byShape = new Map<string, { sql: string; params: unknown[] }>();

  constructor(private readonly db: Database) {}

  /** The statement for one user's request, values filled in. */
  forRequest(userId: string, query: ListQuery): { sql: string; params: unknown[] } {
    const cursor = query.cursor ? decodeCursor(query.cursor, query.sort, query.order) : undefined;
    const shape = shapeOf(query, cursor);
    let statement = this.byShape.get(shape);
    if (!statement) {
      statement = this.build(query, cursor).toSQL();
      this.byShape.set(shape, statement);
    }
    return { sql: statement.sql, params: fillPlaceholders(statement.params, listValues(userId, query, cursor)) };
  }

  private build(query: ListQuery, cursor: Cursor | undefined) {
    const where = [eq(tasks.userId, sql.placeholder("userId")), ...filtersOf(query)];
    if (cursor) where.push(afterCursor(cursor));
    const page = this.db
      .select({ row: listedRow.as("row") })
      .from(tasks)
      .where(and(...where))
      .orderBy(...orderOf(query))
      .limit(sql.placeholder("limit"))
      .as("page");
    // An aggregate over an ordered subquery takes its rows in that order (a plain Limit under an
    // Aggregate; neither database parallelises it). The pagination tests check every order.
    return this.db.select({ rows: sql<string>`coalesce(json_agg(${page.row}), '[]')::text` }).from(page);
  }
}

export class UserTasks {
  /** The ownership condition, part of every statement below. */
  private readonly owned: SQL;

  constructor(
    private readonly db: Database,
    readonly userId: string,
    private readonly creating: CreateStatements,
    private readonly listStatements: ListStatements,
  ) {
    this.owned = eq(tasks.userId, userId);
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
    const statement = this.listStatements.forRequest(this.userId, query);
    return { toSQL: () => statement };
  }

  async list(query: ListQuery): Promise<{ tasks: StoredTask[]; nextCursor: string | null }> {
    const [[text]] = (await selectRows(this.db, this.listQuery(query))) as [[string]];
    const rows = (JSON.parse(text) as unknown[][]).map(toListedRow);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const nextCursor =
      rows.length > query.limit && last
        ? encodeCursor({ sort: query.sort, order: query.order, value: sortValueOf(last, query.sort), id: last.id })
        : null;
    return { tasks: page.map(toTask), nextCursor };
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
    const { insert, ownerLookup, maxTasks } = this.creating;
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
    if (row) return { task: toTask(row) };
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
    return deleted.length > 0;
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
    if (row) return { task: toTask(row) };
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
