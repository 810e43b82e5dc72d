import { inArray } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tasks as tasksTable } from "../../src/server/db/schema/index.js";
import { priorities, sortFields, type Task } from "../../src/shared/task.schemas.js";
import { signUp } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { idsOf, type TasksApi, tasksApi } from "./helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const orders = ["asc", "desc"] as const;

// Titles that tie once lower-cased, including letters whose lower case differs between
// JavaScript and PostgreSQL (İ, final Σ): a cursor must carry the database's sort key.
const titles = [
  "Apple",
  "apple",
  "APPLE",
  "İstanbul",
  "istanbul",
  "Istanbul",
  "ΣΑΣ",
  "σας",
  "Zebra",
  "ẞtraße",
  "_x",
  "%",
];
const dueDates = [null, "2026-01-01T00:00:00.000Z", "2026-06-01T00:00:00.000Z", null];

/**
 * A user with `count` tasks that tie on every sort key: repeated titles, priorities and due
 * dates, and (set in the database, which the API cannot do on purpose) shared createdAt and
 * updatedAt values.
 */
async function userWithTies(count: number): Promise<TasksApi> {
  const api = tasksApi(t, await signUp(t));
  const created: Task[] = [];
  for (let i = 0; i < count; i++) {
    created.push(
      await api.createTask({
        title: titles[i % titles.length],
        priority: priorities[i % priorities.length],
        dueAt: dueDates[i % dueDates.length],
        completed: i % 3 === 0,
      }),
    );
  }
  const same = new Date("2026-02-02T02:02:02.022Z");
  await t.database.handle.db
    .update(tasksTable)
    .set({ createdAt: same, updatedAt: same })
    .where(inArray(tasksTable.id, idsOf(created.filter((_, i) => i % 2 === 0))));
  return api;
}

/** Every task the query lists, from one page of 100. */
async function onePage(api: TasksApi, query: Record<string, string>): Promise<Task[]> {
  const page = await api.listPage({ ...query, limit: "100" });
  expect(page.nextCursor).toBeNull();
  return page.tasks;
}

describe("walking all pages", () => {
  let api: TasksApi;
  beforeAll(async () => {
    api = await userWithTies(16);
  });

  for (const sort of sortFields) {
    for (const order of orders) {
      it(`returns every task exactly once, in order, sorted by ${sort} ${order}`, async () => {
        const expected = await onePage(api, { sort, order });
        expect(expected).toHaveLength(16);
        // One task per page: every task boundary is crossed through a cursor.
        const walked = await api.listAll({ sort, order, limit: "1" });
        expect(idsOf(walked)).toEqual(idsOf(expected));
      });
    }
  }

  it("returns the same tasks as one page for any filter, sort, order and page size", async () => {
    const query = fc.record(
      {
        sort: fc.constantFrom(...sortFields),
        order: fc.constantFrom(...orders),
        limit: fc.integer({ min: 2, max: 7 }).map(String),
        status: fc.constantFrom("all", "pending", "completed"),
        priority: fc.subarray([...priorities], { minLength: 1 }).map((list) => list.join(",")),
        q: fc.constantFrom("apple", "İ", "s", "%", "_"),
      },
      { requiredKeys: ["sort", "order", "limit"] },
    );
    await fc.assert(
      fc.asyncProperty(query, async ({ limit, ...filters }) => {
        const expected = await onePage(api, filters);
        const walked = await api.listAll({ ...filters, limit });
        expect(idsOf(walked)).toEqual(idsOf(expected));
      }),
      { numRuns: 100 },
    );
  });
});

describe("walking all pages while tasks are being added", () => {
  for (const sort of sortFields) {
    it(`returns every task that existed at the start exactly once, sorted by ${sort}`, async () => {
      const api = await userWithTies(8);
      for (const order of orders) {
        const before = idsOf(await onePage(api, { sort, order }));
        let added = 0;
        const walked = await api.listAll({ sort, order, limit: "2" }, async () => {
          // New tasks land before, inside and after the part already walked.
          await api.createTask({
            title: titles[(added * 5) % titles.length],
            priority: priorities[added % priorities.length],
            dueAt: dueDates[(added + 1) % dueDates.length],
          });
          added++;
        });
        const ids = idsOf(walked);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.filter((id) => before.includes(id))).toEqual(before);
        expect(added).toBeGreaterThan(2);
      }
    });
  }
});
