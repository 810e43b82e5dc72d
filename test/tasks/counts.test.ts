import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, signUp } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectProblem, tasksApi } from "./helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function countsOf(userId: string, token: string) {
  const res = await t.request(`/api/${userId}/tasks/counts`, { headers: bearer(token) });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get("cache-control")).toBe("no-store");
  return res.json();
}

describe("GET /api/{userId}/tasks/counts", () => {
  it("answers zeros for a user without tasks", async () => {
    const user = await signUp(t);
    expect(await countsOf(user.id, user.token)).toEqual({ all: 0, pending: 0, completed: 0 });
  });

  it("counts all, pending and completed tasks, following creates, completions and deletes", async () => {
    const tasks = tasksApi(t, await signUp(t));
    const created = await Promise.all([1, 2, 3, 4, 5].map((n) => tasks.createTask({ title: `Task ${n}` })));
    await tasks.createTask({ title: "Done already", completed: true });
    expect((await tasks.complete(created[0]?.id ?? "")).status).toBe(200);
    expect((await tasks.remove(created[1]?.id ?? "")).status).toBe(204);
    expect(await countsOf(tasks.user.id, tasks.user.token)).toEqual({ all: 5, pending: 3, completed: 2 });
  });

  it("counts only the caller's own tasks", async () => {
    const alice = tasksApi(t, await signUp(t));
    const bob = tasksApi(t, await signUp(t));
    await alice.createTask({ title: "Alice's" });
    await Promise.all([bob.createTask(), bob.createTask({ completed: true })]);
    expect(await countsOf(alice.user.id, alice.user.token)).toEqual({ all: 1, pending: 1, completed: 0 });
  });

  it("answers 405 with Allow: GET to other methods, and writes no task called counts", async () => {
    const tasks = tasksApi(t, await signUp(t));
    for (const method of ["PUT", "PATCH", "DELETE", "POST"]) {
      const res = await t.request(`/api/${tasks.user.id}/tasks/counts`, {
        method,
        headers: bearer(tasks.user.token, { "content-type": "application/json" }),
        body: JSON.stringify({ title: "counts" }),
      });
      expect(res.headers.get("allow"), method).toContain("GET");
      await expectProblem(res, 405, "not_found");
    }
    expect(await countsOf(tasks.user.id, tasks.user.token)).toEqual({ all: 0, pending: 0, completed: 0 });
  });

  it("answers 403 for another user's counts and 401 without a token", async () => {
    const alice = await signUp(t);
    const bob = await signUp(t);
    await expectProblem(
      await t.request(`/api/${alice.id}/tasks/counts`, { headers: bearer(bob.token) }),
      403,
      "forbidden",
    );
    await expectProblem(await t.request(`/api/${alice.id}/tasks/counts`), 401, "unauthorized");
  });
});
