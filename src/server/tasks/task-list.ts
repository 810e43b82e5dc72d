import { and, arrayContains, asc, desc, eq, fillPlaceholders, gt, inArray, lt, type SQL, sql } from "drizzle-orm";
import type { ListQuery } from "../../shared/task.schemas.js";
import { type BuiltStatement, type Database, selectRows } from "../db/client.js";
import { tasks } from "../db/schema/index.js";
import { type Cursor, decodeCursor, encodeCursor } from "./task-cursor.js";
import { rank, type StoredTask, type TaskRow, taskColumns, toTask } from "./task-row.js";

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
 * The list statement of each shape (see shapeOf), built by Drizzle once with placeholders for
 * every value, the owner's id among them. Building it per request was a fifth of the event
 * loop's work for a list (docs/benchmarks.md). There are at most a few thousand shapes.
 */
export interface TaskPage {
  tasks: StoredTask[];
  nextCursor: string | null;
}

export class ListStatements {
  private readonly byShape = new Map<string, { sql: string; params: unknown[] }>();

  constructor(private readonly db: Database) {}

  /** One page of one user's tasks, and the cursor of the next page (null on the last). */
  async page(userId: string, query: ListQuery): Promise<TaskPage> {
    const [[text]] = (await selectRows(this.db, this.statement(userId, query))) as [[string]];
    const rows = (JSON.parse(text) as unknown[][]).map(toListedRow);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const nextCursor =
      rows.length > query.limit && last
        ? encodeCursor({ sort: query.sort, order: query.order, value: sortValueOf(last, query.sort), id: last.id })
        : null;
    return { tasks: page.map(toTask), nextCursor };
  }

  /** The statement for one user's request, values filled in (the userId placeholder among them). */
  statement(userId: string, query: ListQuery): BuiltStatement {
    const filled = this.forRequest(userId, query);
    return { toSQL: () => filled };
  }

  private forRequest(userId: string, query: ListQuery): { sql: string; params: unknown[] } {
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
