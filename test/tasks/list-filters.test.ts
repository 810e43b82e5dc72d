import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../../src/shared/task.schemas.js";
import { signUp } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectInvalidFields, type Query, type TasksApi, tasksApi } from "./helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** A new user, so that each test lists only the tasks it created. */
async function newUser(): Promise<TasksApi> {
  return tasksApi(t, await signUp(t));
}

/** Creates the tasks one after the other (so their createdAt order is the array's order). */
async function createAll(tasks: TasksApi, bodies: Record<string, unknown>[]): Promise<Task[]> {
  const created: Task[] = [];
  for (const body of bodies) created.push(await tasks.createTask(body));
  return created;
}

/** The titles of the tasks a query lists, sorted so that only membership matters. */
async function titlesMatching(tasks: TasksApi, query: Query): Promise<string[]> {
  return (await tasks.listPage(query)).tasks.map((task) => task.title).sort();
}

describe("the list", () => {
  it("answers 200 with the user's tasks and a null nextCursor when they fit on one page", async () => {
    const tasks = await newUser();
    const [first, second] = await createAll(tasks, [{ title: "one" }, { title: "two" }]);
    const res = await tasks.list();
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ tasks: [second, first], nextCursor: null });
  });

  it("is empty for a user without tasks", async () => {
    const tasks = await newUser();
    expect(await tasks.listPage()).toEqual({ tasks: [], nextCursor: null });
  });
});

describe("the status filter", () => {
  it("lists pending, completed or all tasks (all by default)", async () => {
    const tasks = await newUser();
    await createAll(tasks, [{ title: "open" }, { title: "done", completed: true }]);
    expect(await titlesMatching(tasks, { status: "pending" })).toEqual(["open"]);
    expect(await titlesMatching(tasks, { status: "completed" })).toEqual(["done"]);
    expect(await titlesMatching(tasks, { status: "all" })).toEqual(["done", "open"]);
    expect(await titlesMatching(tasks, "")).toEqual(["done", "open"]);
  });

  it("follows completion as it changes", async () => {
    const tasks = await newUser();
    const [task] = await createAll(tasks, [{ title: "flip" }]);
    await tasks.complete(task?.id ?? "");
    expect(await titlesMatching(tasks, { status: "completed" })).toEqual(["flip"]);
    expect(await titlesMatching(tasks, { status: "pending" })).toEqual([]);
  });
});

describe("the q filter", () => {
  it("matches title or description, ignoring case", async () => {
    const tasks = await newUser();
    await createAll(tasks, [
      { title: "Buy MILK" },
      { title: "Groceries", description: "milk and bread" },
      { title: "Walk the dog" },
    ]);
    expect(await titlesMatching(tasks, { q: "milk" })).toEqual(["Buy MILK", "Groceries"]);
    expect(await titlesMatching(tasks, { q: "MiLk" })).toEqual(["Buy MILK", "Groceries"]);
    expect(await titlesMatching(tasks, { q: "cat" })).toEqual([]);
  });

  it.each([
    ["%", "100% done", "100 percent done"],
    ["_", "snake_case", "snakecase"],
    ["\\", "back\\slash", "backslash"],
    ["'", "it's", "its"],
    ['"', 'say "hi"', "say hi"],
    ["a%b_c\\d", "a%b_c\\d", "aXXbYcd"],
  ])("matches %s literally, never as a pattern", async (q, literal, lookalike) => {
    const tasks = await newUser();
    await createAll(tasks, [{ title: literal }, { title: lookalike }]);
    expect(await titlesMatching(tasks, { q })).toEqual([literal]);
  });

  it("takes up to 200 characters", async () => {
    const tasks = await newUser();
    expect((await tasks.list({ q: "é".repeat(200) })).status).toBe(200);
    expect(await expectInvalidFields(await tasks.list({ q: "é".repeat(201) }))).toEqual(["q"]);
  });

  it("refuses a NUL character with 400", async () => {
    const tasks = await newUser();
    expect(await expectInvalidFields(await tasks.list("q=a%00b"))).toEqual(["q"]);
  });
});

describe("the priority filter", () => {
  it("takes one priority or a comma-separated list", async () => {
    const tasks = await newUser();
    await createAll(
      tasks,
      ["none", "low", "medium", "high"].map((priority) => ({ title: priority, priority })),
    );
    expect(await titlesMatching(tasks, { priority: "high" })).toEqual(["high"]);
    expect(await titlesMatching(tasks, { priority: "low,high" })).toEqual(["high", "low"]);
    expect(await titlesMatching(tasks, { priority: "none,low,medium,high" })).toEqual([
      "high",
      "low",
      "medium",
      "none",
    ]);
  });

  it.each(["urgent", "high,", "high;low", ""])("refuses %j", async (priority) => {
    const tasks = await newUser();
    expect(await expectInvalidFields(await tasks.list({ priority }))).toEqual(["priority"]);
  });
});

describe("the tag filter", () => {
  it("lists only tasks carrying that whole tag, whatever its case", async () => {
    const tasks = await newUser();
    await createAll(tasks, [
      { title: "a", tags: ["home", "garden"] },
      { title: "b", tags: ["Home"] },
      { title: "c", tags: ["homework"] },
      { title: "d" },
    ]);
    expect(await titlesMatching(tasks, { tag: "home" })).toEqual(["a", "b"]);
    expect(await titlesMatching(tasks, { tag: "HOME" })).toEqual(["a", "b"]);
    expect(await titlesMatching(tasks, { tag: "garden" })).toEqual(["a"]);
    expect(await titlesMatching(tasks, { tag: "hom" })).toEqual([]);
  });

  it("refuses an empty tag", async () => {
    const tasks = await newUser();
    expect(await expectInvalidFields(await tasks.list({ tag: "" }))).toEqual(["tag"]);
  });
});

describe("the due-date filters", () => {
  async function withDueDates(): Promise<TasksApi> {
    const tasks = await newUser();
    await createAll(tasks, [
      { title: "jan", dueAt: "2026-01-15T00:00:00Z" },
      { title: "feb", dueAt: "2026-02-15T00:00:00Z" },
      { title: "mar", dueAt: "2026-03-15T00:00:00Z" },
      { title: "undated" },
    ]);
    return tasks;
  }

  it("dueBefore lists tasks due strictly before it, never undated ones", async () => {
    const tasks = await withDueDates();
    expect(await titlesMatching(tasks, { dueBefore: "2026-02-15T00:00:00Z" })).toEqual(["jan"]);
    expect(await titlesMatching(tasks, { dueBefore: "2026-02-15T00:00:00.001Z" })).toEqual(["feb", "jan"]);
  });

  it("dueAfter lists tasks due strictly after it, never undated ones", async () => {
    const tasks = await withDueDates();
    expect(await titlesMatching(tasks, { dueAfter: "2026-02-15T00:00:00Z" })).toEqual(["mar"]);
    expect(await titlesMatching(tasks, { dueAfter: "2000-01-01T00:00:00Z" })).toEqual(["feb", "jan", "mar"]);
  });

  it("combine into a window, and take any offset", async () => {
    const tasks = await withDueDates();
    const window = { dueAfter: "2026-01-15T02:00:00+02:00", dueBefore: "2026-03-15T00:00:00Z" };
    expect(await titlesMatching(tasks, window)).toEqual(["feb"]);
  });

  it.each(["2030-02-30T00:00:00Z", "2026-01-01T00:00:00", "yesterday", "0000-01-01T00:00:00Z"])(
    "refuse %j",
    async (value) => {
      const tasks = await newUser();
      expect(await expectInvalidFields(await tasks.list({ dueBefore: value }))).toEqual(["dueBefore"]);
      expect(await expectInvalidFields(await tasks.list({ dueAfter: value }))).toEqual(["dueAfter"]);
    },
  );
});

describe("several filters", () => {
  it("all apply at once", async () => {
    const tasks = await newUser();
    await createAll(tasks, [
      { title: "match", priority: "high", tags: ["work"], dueAt: "2026-05-01T00:00:00Z" },
      { title: "match but done", priority: "high", tags: ["work"], dueAt: "2026-05-01T00:00:00Z", completed: true },
      { title: "match but low", priority: "low", tags: ["work"], dueAt: "2026-05-01T00:00:00Z" },
      { title: "match but home", priority: "high", tags: ["home"], dueAt: "2026-05-01T00:00:00Z" },
      { title: "match but late", priority: "high", tags: ["work"], dueAt: "2026-07-01T00:00:00Z" },
      { title: "other", priority: "high", tags: ["work"], dueAt: "2026-05-01T00:00:00Z" },
    ]);
    const query = {
      status: "pending",
      q: "MATCH",
      priority: "high,medium",
      tag: "work",
      dueBefore: "2026-06-01T00:00:00Z",
    };
    expect(await titlesMatching(tasks, query)).toEqual(["match"]);
  });
});
