import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { taskChanges, users } from "../../src/server/db/schema/index.js";
import { signUp } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { tasksApi } from "./helpers.js";

// The change log behind the live updates: one row per task write, in the writing statement.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function logOf(userId: string) {
  return t.database.handle.db
    .select({ seq: taskChanges.seq, kind: taskChanges.kind, taskId: taskChanges.taskId })
    .from(taskChanges)
    .where(eq(taskChanges.userId, userId))
    .orderBy(asc(taskChanges.seq));
}

async function changeSeqOf(userId: string): Promise<number> {
  const [row] = await t.database.handle.db
    .select({ changeSeq: users.changeSeq })
    .from(users)
    .where(eq(users.id, userId));
  return row?.changeSeq ?? -1;
}

describe("the change log", () => {
  it("records every write path once, numbered 1, 2, 3… in order, and nothing for reads or refusals", async () => {
    const tasks = tasksApi(t, await signUp(t));
    const task = await tasks.createTask({ title: "Logged" });
    expect((await tasks.replace(task.id, { title: "Replaced" })).status).toBe(200);
    expect((await tasks.patch(task.id, { priority: "high" })).status).toBe(200);
    expect((await tasks.complete(task.id)).status).toBe(200);
    expect((await tasks.patch(task.id, { title: "x" }, { "if-match": '"1"' })).status).toBe(412);
    expect((await tasks.get(task.id)).status).toBe(200);
    expect((await tasks.remove(task.id)).status).toBe(204);
    expect((await tasks.remove(task.id)).status).toBe(404);

    expect(await logOf(tasks.user.id)).toEqual([
      { seq: 1, kind: "created", taskId: task.id },
      { seq: 2, kind: "updated", taskId: task.id },
      { seq: 3, kind: "updated", taskId: task.id },
      { seq: 4, kind: "updated", taskId: task.id },
      { seq: 5, kind: "deleted", taskId: task.id },
    ]);
    expect(await changeSeqOf(tasks.user.id)).toBe(5);
  });

  it("numbers a burst of concurrent writes without a gap or a duplicate, and keeps the task count", async () => {
    const tasks = tasksApi(t, await signUp(t));
    const created = await Promise.all(Array.from({ length: 12 }, (_, i) => tasks.createTask({ title: `Burst ${i}` })));
    await Promise.all([
      ...created.slice(0, 6).map((task) => tasks.patch(task.id, { title: "Changed" })),
      ...created.slice(6, 9).map((task) => tasks.remove(task.id)),
    ]);
    const log = await logOf(tasks.user.id);
    expect(log.map((row) => row.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(log.filter((row) => row.kind === "created")).toHaveLength(12);
    expect(log.filter((row) => row.kind === "deleted")).toHaveLength(3);
    const counts = await t.request(`/api/${tasks.user.id}/tasks/counts`, {
      headers: { authorization: `Bearer ${tasks.user.token}` },
    });
    expect((await counts.json()).all).toBe(9);
  });

  it("keeps each user's sequence apart", async () => {
    const alice = tasksApi(t, await signUp(t));
    const bob = tasksApi(t, await signUp(t));
    await Promise.all([alice.createTask(), bob.createTask(), alice.createTask()]);
    expect((await logOf(alice.user.id)).map((row) => row.seq)).toEqual([1, 2]);
    expect((await logOf(bob.user.id)).map((row) => row.seq)).toEqual([1]);
  });
});
