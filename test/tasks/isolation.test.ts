import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../../src/shared/task.schemas.js";
import { type SignedInUser, signUp } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectProblem, MISSING_ID, type TasksApi, tasksApi } from "./helpers.js";

let t: TestApp;
let alice: TasksApi;
let bob: TasksApi;
let alicesTask: Task;
let alicesDoneTask: Task;
let bobsTask: Task;
beforeAll(async () => {
  t = await createTestApp();
  alice = tasksApi(t, await signUp(t, { name: "Alice" }));
  bob = tasksApi(t, await signUp(t, { name: "Bob" }));
  alicesTask = await alice.createTask({ title: "Alice's secret", tags: ["private"], dueAt: "2026-09-01T00:00:00Z" });
  alicesDoneTask = await alice.createTask({ title: "Alice's done secret", completed: true });
  bobsTask = await bob.createTask({ title: "Bob's own" });
});
afterAll(() => t.close());

interface Route {
  name: string;
  method: string;
  path(userId: string, taskId: string): string;
  /** A body that would be valid for the owner. */
  body?: unknown;
}

/** Every task route of the contract. */
const routes: Route[] = [
  { name: "list", method: "GET", path: (user) => `/api/${user}/tasks` },
  { name: "create", method: "POST", path: (user) => `/api/${user}/tasks`, body: { title: "Planted" } },
  { name: "get", method: "GET", path: (user, id) => `/api/${user}/tasks/${id}` },
  { name: "replace", method: "PUT", path: (user, id) => `/api/${user}/tasks/${id}`, body: { title: "Overwritten" } },
  { name: "patch", method: "PATCH", path: (user, id) => `/api/${user}/tasks/${id}`, body: { completed: false } },
  { name: "delete", method: "DELETE", path: (user, id) => `/api/${user}/tasks/${id}` },
  { name: "complete", method: "PATCH", path: (user, id) => `/api/${user}/tasks/${id}/complete` },
];
const taskRoutes = routes.filter((route) => route.path("u", "ID").includes("ID"));

function call(
  route: Route,
  userId: string,
  taskId: string,
  headers: Record<string, string>,
  body = route.body,
): Promise<Response> {
  return t.request(route.path(userId, taskId), {
    method: route.method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

const tokenOf = (user: SignedInUser) => ({ authorization: `Bearer ${user.token}` });

/** Alice's whole list and each task's ETag, as exact text, to prove nothing changed. */
async function aliceSnapshot(): Promise<string> {
  const list = await (await alice.list({ limit: "100" })).text();
  const etags = await Promise.all(
    [alicesTask.id, alicesDoneTask.id].map(async (id) => (await alice.get(id)).headers.get("etag")),
  );
  return JSON.stringify({ list, etags });
}

describe("another user's token on a user's path", () => {
  it.each(routes.map((route) => [route.name, route]))(
    "%s answers 403 forbidden, reads nothing and changes nothing",
    async (_, route) => {
      const before = await aliceSnapshot();
      for (const taskId of [alicesTask.id, alicesDoneTask.id, MISSING_ID, "not-a-task-id"]) {
        const res = await call(route, alice.user.id, taskId, tokenOf(bob.user));
        const text = await res.clone().text();
        await expectProblem(res, 403, "forbidden");
        expect(text).not.toContain("Alice's");
        expect(res.headers.get("etag")).toBeNull();
      }
      expect(await aliceSnapshot()).toBe(before);
    },
  );

  it.each(routes.filter((route) => route.body !== undefined).map((route) => [route.name, route]))(
    "%s answers 403 before reading the body, even a malformed one",
    async (_, route) => {
      const res = await call(route, alice.user.id, alicesTask.id, tokenOf(bob.user), "{not json");
      await expectProblem(res, 403, "forbidden");
    },
  );

  it("answers 403 with conditional headers too, and the task keeps its ETag", async () => {
    const etag = (await alice.get(alicesTask.id)).headers.get("etag") ?? "";
    for (const route of taskRoutes) {
      const headers = { ...tokenOf(bob.user), "if-match": etag, "if-none-match": etag };
      await expectProblem(await call(route, alice.user.id, alicesTask.id, headers), 403, "forbidden");
    }
    expect((await alice.get(alicesTask.id)).headers.get("etag")).toBe(etag);
  });
});

describe("a user's own path with another user's task id", () => {
  /** The exact answer to a task id: status, content type and body bytes. */
  async function answer(route: Route, taskId: string) {
    const res = await call(route, bob.user.id, taskId, tokenOf(bob.user));
    return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
  }

  it.each(taskRoutes.map((route) => [route.name, route]))(
    "%s answers exactly as for an id that does not exist or is malformed",
    async (_, route) => {
      const before = await aliceSnapshot();
      const foreign = await answer(route, alicesTask.id);
      expect(foreign.status).toBe(404);
      expect(JSON.parse(foreign.body)).toMatchObject({ status: 404, code: "not_found" });
      expect(foreign.body).not.toContain("Alice's");
      for (const other of [MISSING_ID, "not-a-uuid", "1", alicesTask.id.toUpperCase(), `${alicesTask.id}x`]) {
        expect(await answer(route, other)).toEqual(foreign);
      }
      expect(await aliceSnapshot()).toBe(before);
    },
  );

  it("gives the same 404 with If-Match, so a stale-looking ETag reveals nothing", async () => {
    const etag = (await alice.get(alicesTask.id)).headers.get("etag") ?? "";
    for (const route of taskRoutes.filter((r) => r.method !== "GET" && r.method !== "DELETE")) {
      const headers = { ...tokenOf(bob.user), "if-match": etag };
      const foreign = await call(route, bob.user.id, alicesTask.id, headers);
      const missing = await call(route, bob.user.id, MISSING_ID, headers);
      expect(foreign.status).toBe(404);
      expect(await foreign.text()).toBe(await missing.text());
    }
  });

  it("never lists another user's tasks, whatever the filter", async () => {
    const queries: Record<string, string>[] = [
      {},
      { q: "Alice" },
      { tag: "private" },
      { status: "completed" },
      { dueAfter: "2000-01-01T00:00:00Z" },
    ];
    for (const query of queries) {
      const ids = (await bob.listPage(query)).tasks.map((task) => task.id);
      expect(ids).not.toContain(alicesTask.id);
      expect(ids).not.toContain(alicesDoneTask.id);
    }
    expect((await bob.listPage()).tasks.map((task) => task.id)).toEqual([bobsTask.id]);
  });

  it("answers each user from their own rows when both ask the same kind of question in turn", async () => {
    // The list statement is built once per kind of query and shared by all users (its values,
    // the owner's id among them, are filled in per request): nothing of one request may leak
    // into the next.
    const queries: Record<string, string>[] = [
      {},
      { q: "Alice" },
      { status: "completed" },
      { tag: "private" },
      { sort: "title" },
    ];
    for (const query of queries) {
      const aliceFirst = await alice.listPage(query);
      const bobs = await bob.listPage(query);
      const aliceAgain = await alice.listPage(query);
      expect(aliceAgain).toEqual(aliceFirst);
      expect(aliceFirst.tasks.map((task) => task.id)).not.toContain(bobsTask.id);
      const bobIds = bobs.tasks.map((task) => task.id);
      expect(bobIds).not.toContain(alicesTask.id);
      expect(bobIds).not.toContain(alicesDoneTask.id);
    }
  });

  it("creates in the caller's own list only", async () => {
    const before = await aliceSnapshot();
    const planted = await bob.createTask({ title: "Bob's second" });
    expect((await bob.listPage()).tasks.map((task) => task.id)).toContain(planted.id);
    expect(await aliceSnapshot()).toBe(before);
  });
});

describe("no valid access token", () => {
  it.each(routes.map((route) => [route.name, route]))(
    "%s answers 401 without a token, and changes nothing",
    async (_, route) => {
      const before = await aliceSnapshot();
      const res = await call(route, alice.user.id, alicesTask.id, {});
      await expectProblem(res, 401, "unauthorized");
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await aliceSnapshot()).toBe(before);
    },
  );

  it.each(routes.map((route) => [route.name, route]))("%s answers 401 to a forged token", async (_, route) => {
    const [header = "", payload = ""] = alice.user.token.split(".");
    const forged = `${header}.${payload}.${"A".repeat(86)}`;
    const res = await call(route, alice.user.id, alicesTask.id, { authorization: `Bearer ${forged}` });
    await expectProblem(res, 401, "unauthorized");
  });
});

describe("the owner", () => {
  it("gets through on every route with their own token, so the refusals above are about ownership", async () => {
    const own = await alice.createTask({ title: "Alice's scratch" });
    const expected: Record<string, number> = {
      list: 200,
      create: 201,
      get: 200,
      replace: 200,
      patch: 200,
      complete: 200,
      delete: 204,
    };
    const order = ["list", "create", "get", "replace", "patch", "complete", "delete"];
    for (const name of order) {
      const route = routes.find((r) => r.name === name) as Route;
      const res = await call(route, alice.user.id, own.id, tokenOf(alice.user));
      expect({ name, status: res.status }).toEqual({ name, status: expected[name] });
    }
  });
});
