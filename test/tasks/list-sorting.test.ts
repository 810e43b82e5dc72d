import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { priorities, type SortField, sortFields, type Task } from "../../src/shared/task.schemas.js";
import { signUp } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectInvalidFields, expectProblem, idsOf, MISSING_ID, type TasksApi, tasksApi } from "./helpers.js";

let t: TestApp;
let tasks: TasksApi;
let all: Task[];
beforeAll(async () => {
  t = await createTestApp();
  tasks = tasksApi(t, await signUp(t));
  // Ties on every sort key: equal priorities, titles equal but for case, shared due dates.
  const bodies = [
    { title: "banana", priority: "high", dueAt: "2026-03-01T00:00:00Z" },
    { title: "Apple", priority: "low" },
    { title: "apple", priority: "high", dueAt: "2026-01-01T00:00:00Z" },
    { title: "Cherry", priority: "none", dueAt: "2026-03-01T00:00:00Z" },
    { title: "banana", priority: "medium" },
    { title: "APPLE", priority: "low", dueAt: "2026-03-01T00:00:00Z" },
    { title: "date", priority: "none" },
    { title: "elder", priority: "medium", dueAt: "2025-12-31T23:59:59.999Z" },
  ];
  for (const body of bodies) await tasks.createTask(body);
  // Two more created at once, so that createdAt may well tie too.
  await Promise.all([tasks.createTask({ title: "fig" }), tasks.createTask({ title: "fig" })]);
  all = (await tasks.listPage({ limit: "100" })).tasks;
});
afterAll(() => t.close());

const rank = (task: Task) => priorities.indexOf(task.priority);

/** The order the contract describes: by the sort key, ties by id, tasks without dueAt last. */
function expectedOrder(list: Task[], sort: SortField, order: "asc" | "desc"): Task[] {
  const key = (task: Task): number | string | null =>
    sort === "priority"
      ? rank(task)
      : sort === "title"
        ? task.title.toLowerCase()
        : sort === "dueAt"
          ? task.dueAt && Date.parse(task.dueAt)
          : Date.parse(task[sort]);
  const sign = order === "asc" ? 1 : -1;
  return [...list].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === null || kb === null) {
      if (ka !== kb) return ka === null ? 1 : -1;
    } else if (ka !== kb) {
      return ka < kb ? -sign : sign;
    }
    return a.id < b.id ? -sign : sign;
  });
}

describe("sorting", () => {
  it("is by createdAt, newest first, by default", async () => {
    expect(idsOf(all)).toEqual(idsOf(expectedOrder(all, "createdAt", "desc")));
    expect(all.at(-1)?.title).toBe("banana");
  });

  for (const sort of sortFields) {
    for (const order of ["asc", "desc"] as const) {
      it(`by ${sort} ${order} follows the key, then the id in the same direction`, async () => {
        const listed = (await tasks.listPage({ sort, order, limit: "100" })).tasks;
        expect(idsOf(listed)).toEqual(idsOf(expectedOrder(all, sort, order)));
      });
    }
  }

  it("puts tasks without a due date last in both orders", async () => {
    for (const order of ["asc", "desc"]) {
      const listed = (await tasks.listPage({ sort: "dueAt", order })).tasks;
      const firstUndated = listed.findIndex((task) => task.dueAt === null);
      expect(firstUndated).toBeGreaterThan(0);
      expect(listed.slice(firstUndated).every((task) => task.dueAt === null)).toBe(true);
    }
  });

  it("orders priority high > medium > low > none", async () => {
    const desc = (await tasks.listPage({ sort: "priority" })).tasks.map((task) => task.priority);
    expect([...new Set(desc)]).toEqual(["high", "medium", "low", "none"]);
    const asc = (await tasks.listPage({ sort: "priority", order: "asc" })).tasks.map((task) => task.priority);
    expect([...new Set(asc)]).toEqual(["none", "low", "medium", "high"]);
  });

  it("sorts titles ignoring case", async () => {
    const titles = (await tasks.listPage({ sort: "title", order: "asc" })).tasks.map((task) => task.title);
    expect(titles.map((title) => title.toLowerCase())).toEqual([
      "apple",
      "apple",
      "apple",
      "banana",
      "banana",
      "cherry",
      "date",
      "elder",
      "fig",
      "fig",
    ]);
  });

  it("by updatedAt moves a task that was just changed to the front", async () => {
    const own = tasksApi(t, await signUp(t));
    const first = await own.createTask({ title: "first" });
    await own.createTask({ title: "second" });
    await own.patch(first.id, { description: "touched" });
    const titles = (await own.listPage({ sort: "updatedAt" })).tasks.map((task) => task.title);
    expect(titles).toEqual(["first", "second"]);
  });
});

describe("limit", () => {
  it("is 50 by default", async () => {
    const own = tasksApi(t, await signUp(t));
    for (let i = 0; i < 51; i++) await own.createTask({ title: `task ${i}` });
    const page = await own.listPage();
    expect(page.tasks).toHaveLength(50);
    expect(page.nextCursor).toEqual(expect.any(String));
    const rest = await own.listPage({ cursor: page.nextCursor ?? "" });
    expect(rest.tasks).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
  });

  it.each(["1", "7", "100"])("takes %s and answers at most that many tasks", async (limit) => {
    const page = await tasks.listPage({ limit });
    expect(page.tasks).toEqual(all.slice(0, Number(limit)));
    expect(page.nextCursor === null).toBe(Number(limit) >= all.length);
  });

  it("answers a null nextCursor when the last page is exactly full", async () => {
    const page = await tasks.listPage({ limit: String(all.length) });
    expect(page.tasks).toHaveLength(all.length);
    expect(page.nextCursor).toBeNull();
  });

  it.each(["0", "101", "abc", "1.5", "-1", "", " 5", "1e2", "0x10"])("refuses %j", async (limit) => {
    expect(await expectInvalidFields(await tasks.list({ limit }))).toEqual(["limit"]);
  });
});

describe("query parameters", () => {
  it.each([
    ["status", "done"],
    ["sort", "priority2"],
    ["sort", "id"],
    ["order", "up"],
    ["order", "DESC"],
  ])("refuses %s=%s, naming it", async (name, value) => {
    expect(await expectInvalidFields(await tasks.list({ [name]: value }))).toEqual([name]);
  });

  it.each(["page", "userId", "Status", "offset"])("refuses the unknown parameter %s", async (name) => {
    expect(await expectInvalidFields(await tasks.list({ [name]: "1" }))).toEqual([name]);
  });

  it.each([
    "status=all&status=all",
    "limit=5&limit=6",
    "sort=title&sort=title",
    "q=a&q=b",
    "tag=x&tag=x",
    "priority=high&priority=low",
  ])("refuses a parameter given twice (%s)", async (query) => {
    const name = query.split("=")[0] ?? "";
    expect(await expectInvalidFields(await tasks.list(query))).toEqual([name]);
  });

  it("names every bad parameter", async () => {
    const res = await tasks.list({ status: "x", sort: "y", limit: "0", extra: "1" });
    const problem = await expectProblem(res, 400, "validation_failed");
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(["extra", "limit", "sort", "status"]);
  });
});

/** A hand-made cursor, in the shape the server encodes its own (an implementation detail). */
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("the cursor", () => {
  it("is refused with another sort or order than the one it was made for", async () => {
    const { nextCursor } = await tasks.listPage({ sort: "title", order: "asc", limit: "2" });
    const cursor = nextCursor ?? "";
    expect(cursor).not.toBe("");
    expect((await tasks.list({ sort: "title", order: "asc", limit: "2", cursor })).status).toBe(200);
    expect(await expectInvalidFields(await tasks.list({ sort: "title", order: "desc", cursor }))).toEqual(["cursor"]);
    expect(await expectInvalidFields(await tasks.list({ sort: "priority", order: "asc", cursor }))).toEqual(["cursor"]);
    expect(await expectInvalidFields(await tasks.list({ cursor }))).toEqual(["cursor"]);
  });

  it.each([
    ["garbage", "not a cursor"],
    ["base64 of a non-array", cursorOf({ a: 1 })],
    ["a wrong-length array", cursorOf(["createdAt", "desc"])],
    ["a cursor with a non-date value", cursorOf(["createdAt", "desc", "soon", MISSING_ID])],
    ["a cursor with a priority out of range", cursorOf(["priority", "desc", 7, MISSING_ID])],
    ["a cursor over 1000 characters", "A".repeat(1001)],
    [
      "a cursor with a date that is not on the calendar",
      cursorOf(["createdAt", "desc", "2026-02-30T00:00:00.000Z", MISSING_ID]),
    ],
    ["a cursor with year 0", cursorOf(["createdAt", "desc", "0000-01-01T00:00:00.000Z", MISSING_ID])],
    ["a cursor with a NUL in its id", cursorOf(["createdAt", "desc", "2026-01-01T00:00:00.000Z", "a\u0000b"])],
    ["a cursor with a NUL in its title", cursorOf(["title", "desc", "a\u0000b", MISSING_ID])],
  ])("is refused when it is %s", async (_, cursor) => {
    const fields = await expectInvalidFields(await tasks.list({ cursor }));
    expect(fields).toEqual(["cursor"]);
  });
});
