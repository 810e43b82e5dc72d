import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task, TaskList } from "../../src/shared/task.schemas.js";
import { bearer, jsonRequest, STRONG_PASSWORD, signUp, uniqueEmail } from "../helpers/auth-client.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { createServerStore, type ServerStore } from "../helpers/server-store.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectProblem, type TasksApi, tasksApi } from "./helpers.js";

const QUOTA = 5;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ config: { maxTasksPerUser: QUOTA } });
});
afterAll(() => t.close());

/** A new user of the app who already holds `count` tasks. */
async function userWithTasks(count: number): Promise<TasksApi> {
  const tasks = tasksApi(t, await signUp(t));
  for (let i = 0; i < count; i++) await tasks.createTask({ title: `Task ${i}` });
  return tasks;
}

async function titlesOf(tasks: TasksApi): Promise<string[]> {
  return (await tasks.listAll()).map((task) => task.title).sort();
}

describe("MAX_TASKS_PER_USER", () => {
  it("answers 403 quota_exceeded, naming the limit, to a create beyond the quota, and writes nothing", async () => {
    const tasks = await userWithTasks(QUOTA);
    const problem = await expectProblem(await tasks.create({ title: "One too many" }), 403, "quota_exceeded");
    expect(problem.title).toBe("Quota Exceeded");
    expect(problem.detail).toContain(String(QUOTA));
    expect(await titlesOf(tasks)).toEqual(["Task 0", "Task 1", "Task 2", "Task 3", "Task 4"]);
  });

  it("lets a burst of 50 concurrent creates with room for one create exactly one", async () => {
    for (let round = 0; round < 3; round++) {
      const tasks = await userWithTasks(QUOTA - 1);
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => tasks.create({ title: `Burst ${round}.${i}` })),
      );
      const statuses = answers.map((res) => res.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 403)).toHaveLength(49);
      for (const res of answers.filter((r) => r.status === 403)) await expectProblem(res, 403, "quota_exceeded");
      const winner = (await answers.find((r) => r.status === 201)?.json()) as Task;
      const listed = await tasks.listAll();
      expect(listed).toHaveLength(QUOTA);
      expect(listed.map((task) => task.id)).toContain(winner.id);
    }
  });

  it("counts deletes: a deleted task makes room for exactly one more", async () => {
    const tasks = await userWithTasks(QUOTA);
    const [first, second] = await tasks.listAll();
    expect((await tasks.remove(first?.id ?? "")).status).toBe(204);
    expect((await tasks.remove(second?.id ?? "")).status).toBe(204);
    await tasks.createTask({ title: "Refill 1" });
    await tasks.createTask({ title: "Refill 2" });
    await expectProblem(await tasks.create({ title: "Refill 3" }), 403, "quota_exceeded");
    const listed = await tasks.listAll();
    expect(listed).toHaveLength(QUOTA);
    expect(listed.map((task) => task.title)).toEqual(expect.arrayContaining(["Refill 1", "Refill 2"]));
  });

  it("counts each account on its own: a full account leaves another one's room alone", async () => {
    const full = await userWithTasks(QUOTA);
    const other = await userWithTasks(0);
    await expectProblem(await full.create({ title: "No room" }), 403, "quota_exceeded");
    for (let i = 0; i < QUOTA; i++) await other.createTask({ title: `Other ${i}` });
    await expectProblem(await other.create({ title: "No room either" }), 403, "quota_exceeded");
  });

  it("leaves updates of a full account's tasks alone: only creates count", async () => {
    const tasks = await userWithTasks(QUOTA);
    const [task] = await tasks.listAll();
    const res = await tasks.patch(task?.id ?? "", { title: "Still editable" });
    expect(res.status).toBe(200);
    expect((await res.json()).title).toBe("Still editable");
  });

  it("answers 401, not 403 or 500, to a create by an account deleted after its token was issued", async () => {
    const tasks = await userWithTasks(0);
    await t.database.handle.db.execute(sql`delete from users where id = ${tasks.user.id}`);
    await expectProblem(await tasks.create({ title: "Orphan" }), 401, "unauthorized");
  });

  it("documents 403 quota_exceeded on the create operation", async () => {
    const doc = await (await t.request("/api/openapi.json")).json();
    const forbidden = doc.paths["/api/{userId}/tasks"].post.responses["403"];
    expect(forbidden.description).toContain("quota_exceeded");
  });
});

// PGlite serves one process: the two-process burst needs PostgreSQL (TEST_DATABASE_URL).
if (process.env.TEST_DATABASE_URL) {
  describe("MAX_TASKS_PER_USER with two server processes on one PostgreSQL database", () => {
    let store: ServerStore;
    let servers: ServerProcess[] = [];

    beforeAll(async () => {
      store = await createServerStore();
      const env = { ...store.env, MAX_TASKS_PER_USER: String(QUOTA) };
      servers = await Promise.all([startServerProcess(env, 45_000), startServerProcess(env, 45_000)]);
    }, 60_000);

    afterAll(async () => {
      await Promise.all(servers.map((server) => server.stop()));
      await store?.remove();
    });

    const call = (server: ServerProcess, path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);

    it("lets 50 creates spread over both processes, with room for one, create exactly one", async () => {
      const [a, b] = servers as [ServerProcess, ServerProcess];
      for (let round = 0; round < 3; round++) {
        const signup = await call(
          a,
          "/api/auth/signup",
          jsonRequest("POST", { email: uniqueEmail("quota"), password: STRONG_PASSWORD }),
        );
        expect(signup.status).toBe(201);
        const { user, token } = (await signup.json()) as { user: { id: string }; token: string };
        const create = (server: ServerProcess, title: string) =>
          call(server, `/api/${user.id}/tasks`, jsonRequest("POST", { title }, bearer(token)));
        for (let i = 0; i < QUOTA - 1; i++) expect((await create(a, `Task ${i}`)).status).toBe(201);

        const answers = await Promise.all(
          Array.from({ length: 50 }, (_, i) => create(i % 2 === 0 ? a : b, `Burst ${round}.${i}`)),
        );
        const statuses = answers.map((res) => res.status);
        expect(statuses.filter((s) => s === 201)).toHaveLength(1);
        expect(statuses.filter((s) => s === 403)).toHaveLength(49);
        for (const res of answers.filter((r) => r.status === 403)) await expectProblem(res, 403, "quota_exceeded");

        for (const server of [a, b]) {
          const list = await call(server, `/api/${user.id}/tasks?limit=100`, { headers: bearer(token) });
          expect(((await list.json()) as TaskList).tasks).toHaveLength(QUOTA);
        }
      }
    });
  });
}
