import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task, TaskList } from "../../src/shared/task.schemas.js";
import { bearer, jsonRequest, STRONG_PASSWORD, uniqueEmail } from "../helpers/auth-client.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { createServerStore, type ServerStore } from "../helpers/server-store.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { userIn } from "./series-helpers.js";

const weekly = {
  title: "Weekly review",
  dueAt: "2026-03-02T14:00:00.000Z",
  recurrence: { rule: "FREQ=WEEKLY;BYDAY=MO,WE" },
  reminders: [{ before: "PT15M" }],
};

/** What a burst of completions answered: every status, and every nextId of the 200s. */
async function summarize(answers: Response[]) {
  const statuses = answers.map((res) => res.status);
  const bodies = (await Promise.all(answers.filter((res) => res.status === 200).map((res) => res.json()))) as Task[];
  return { statuses, nextIds: new Set(bodies.map((body) => body.nextId)) };
}

describe("concurrent completions of one recurring task", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("create exactly one next occurrence, and every answer names it", async () => {
    const tasks = await userIn(t, "America/New_York");
    for (let round = 0; round < 3; round++) {
      const task = await tasks.createTask({ ...weekly, title: `Review ${round}` });
      const answers = await Promise.all(Array.from({ length: 20 }, () => tasks.complete(task.id, { completed: true })));
      const { statuses, nextIds } = await summarize(answers);
      expect(statuses).toEqual(Array(20).fill(200));
      expect(nextIds.size).toBe(1);
      const [nextId] = nextIds;
      expect(nextId).toEqual(expect.any(String));
      const series = (await tasks.listAll()).filter((listed) => listed.title === `Review ${round}`);
      expect(series.map((listed) => listed.id).sort()).toEqual([task.id, nextId].sort());
    }
  });

  it("create exactly one next occurrence when toggles, PATCHes and PUTs race", async () => {
    const tasks = await userIn(t, "America/New_York");
    const task = await tasks.createTask(weekly);
    const answers = await Promise.all(
      Array.from({ length: 21 }, (_, i) => {
        if (i % 3 === 0) return tasks.patch(task.id, { completed: true });
        if (i % 3 === 1) return tasks.complete(task.id, { completed: true });
        return tasks.replace(task.id, { ...weekly, completed: true });
      }),
    );
    const { statuses, nextIds } = await summarize(answers);
    expect(statuses).toEqual(Array(21).fill(200));
    expect(nextIds.size).toBe(1);
    expect(await tasks.listAll()).toHaveLength(2);
  });
});

// PGlite serves one process: two processes need PostgreSQL (TEST_DATABASE_URL).
if (process.env.TEST_DATABASE_URL) {
  describe("concurrent completions split over two server processes on one PostgreSQL database", () => {
    let store: ServerStore;
    let servers: ServerProcess[] = [];

    beforeAll(async () => {
      store = await createServerStore();
      servers = await Promise.all([startServerProcess(store.env, 45_000), startServerProcess(store.env, 45_000)]);
    }, 60_000);

    afterAll(async () => {
      await Promise.all(servers.map((server) => server.stop()));
      await store?.remove();
    });

    const call = (server: ServerProcess, path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);

    it("create exactly one next occurrence", async () => {
      const [a, b] = servers as [ServerProcess, ServerProcess];
      const signup = await call(
        a,
        "/api/auth/signup",
        jsonRequest("POST", { email: uniqueEmail("series"), password: STRONG_PASSWORD }),
      );
      expect(signup.status).toBe(201);
      const { user, token } = (await signup.json()) as { user: { id: string }; token: string };
      const tasksPath = `/api/${user.id}/tasks`;
      for (let round = 0; round < 3; round++) {
        const created = await call(
          a,
          tasksPath,
          jsonRequest("POST", { ...weekly, title: `Round ${round}` }, bearer(token)),
        );
        expect(created.status).toBe(201);
        const task = (await created.json()) as Task;
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            call(
              i % 2 === 0 ? a : b,
              `${tasksPath}/${task.id}/complete`,
              jsonRequest("PATCH", { completed: true }, bearer(token)),
            ),
          ),
        );
        const { statuses, nextIds } = await summarize(answers);
        expect(statuses).toEqual(Array(20).fill(200));
        expect(nextIds.size).toBe(1);
        for (const server of [a, b]) {
          const list = await call(server, `${tasksPath}?limit=100`, { headers: bearer(token) });
          const titled = ((await list.json()) as TaskList).tasks.filter((listed) => listed.title === `Round ${round}`);
          expect(titled).toHaveLength(2);
        }
      }
    });
  });
}
