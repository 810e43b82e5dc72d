import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../../src/shared/task.schemas.js";
import { signUp } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectProblem, MISSING_ID, type TasksApi, tasksApi } from "./helpers.js";

let t: TestApp;
let tasks: TasksApi;
beforeAll(async () => {
  t = await createTestApp();
  tasks = tasksApi(t, await signUp(t));
});
afterAll(() => t.close());

/** A new task and the ETag it was created with. */
async function taskWithEtag(body: Record<string, unknown> = {}): Promise<{ task: Task; etag: string }> {
  const res = await tasks.create({ title: "Contended", ...body });
  expect(res.status).toBe(201);
  return { task: await res.json(), etag: res.headers.get("etag") ?? "" };
}

const ifMatch = (etag: string) => ({ "if-match": etag });

/** The three conditional writes, each as it would change the task. */
const writes = {
  PUT: (id: string, headers: Record<string, string>) => tasks.replace(id, { title: "Replaced" }, headers),
  PATCH: (id: string, headers: Record<string, string>) => tasks.patch(id, { title: "Patched" }, headers),
  complete: (id: string, headers: Record<string, string>) => tasks.complete(id, undefined, headers),
};

describe.each(Object.entries(writes))("%s with If-Match", (_, write) => {
  it("writes when the ETag is current, and answers the new ETag", async () => {
    const { task, etag } = await taskWithEtag();
    const res = await write(task.id, ifMatch(etag));
    expect(res.status).toBe(200);
    const newEtag = res.headers.get("etag");
    expect(newEtag).toMatch(/^"[^"]+"$/);
    expect(newEtag).not.toBe(etag);
    const written = await res.json();
    expect(written).not.toEqual(task);
    const reread = await tasks.get(task.id);
    expect(reread.headers.get("etag")).toBe(newEtag);
    expect(await reread.json()).toEqual(written);
  });

  it("answers 412 to an ETag that is no longer current, and writes nothing", async () => {
    const { task, etag } = await taskWithEtag();
    const changed = await (await tasks.patch(task.id, { description: "someone else was faster" })).json();
    await expectProblem(await write(task.id, ifMatch(etag)), 412, "precondition_failed");
    expect(await tasks.getTask(task.id)).toEqual(changed);
  });

  it("answers 412 to the weak form of the current ETag: If-Match compares strongly", async () => {
    const { task, etag } = await taskWithEtag();
    await expectProblem(await write(task.id, ifMatch(`W/${etag}`)), 412, "precondition_failed");
    expect(await tasks.getTask(task.id)).toEqual(task);
  });

  it("writes when the current ETag is one of a list", async () => {
    const { task, etag } = await taskWithEtag();
    expect((await write(task.id, ifMatch(`"987654", ${etag}, W/"1"`))).status).toBe(200);
  });

  it("writes to an existing task with If-Match: *", async () => {
    const { task } = await taskWithEtag();
    expect((await write(task.id, ifMatch("*"))).status).toBe(200);
  });

  it("answers 404, not 412, for a task that does not exist, whatever the If-Match", async () => {
    const { etag } = await taskWithEtag();
    for (const header of ["*", etag, 'W/"1"', "garbage"]) {
      await expectProblem(await write(MISSING_ID, ifMatch(header)), 404, "not_found");
    }
  });
});

describe("two writers holding the same ETag", () => {
  it("exactly one PATCH wins and the other gets 412; the task is the winner's", async () => {
    for (let round = 0; round < 5; round++) {
      const { task, etag } = await taskWithEtag();
      const [a, b] = await Promise.all([
        tasks.patch(task.id, { title: "Writer A" }, ifMatch(etag)),
        tasks.patch(task.id, { title: "Writer B" }, ifMatch(etag)),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 412]);
      const [winner, loser] = a.status === 200 ? [a, b] : [b, a];
      await expectProblem(loser, 412, "precondition_failed");
      const written = await winner.json();
      expect(await tasks.getTask(task.id)).toEqual(written);
    }
  });

  it("exactly one of a PUT, a PATCH and a complete wins", async () => {
    const { task, etag } = await taskWithEtag();
    const answers = await Promise.all(Object.values(writes).map((write) => write(task.id, ifMatch(etag))));
    expect(answers.map((res) => res.status).sort()).toEqual([200, 412, 412]);
  });
});

describe("writes without If-Match", () => {
  it("all succeed, and the last one wins", async () => {
    const { task } = await taskWithEtag();
    expect((await tasks.patch(task.id, { title: "first" })).status).toBe(200);
    expect((await tasks.patch(task.id, { title: "second" })).status).toBe(200);
    expect((await tasks.getTask(task.id)).title).toBe("second");
  });

  it("give each write a later updatedAt and a new ETag, even when they follow each other at once", async () => {
    const { task, etag } = await taskWithEtag();
    const seen = [{ updatedAt: task.updatedAt, etag }];
    for (let i = 0; i < 30; i++) {
      const res = await tasks.patch(task.id, { description: String(i) });
      seen.push({ updatedAt: (await res.json()).updatedAt, etag: res.headers.get("etag") ?? "" });
    }
    for (let i = 1; i < seen.length; i++) {
      expect(Date.parse(seen[i]?.updatedAt ?? "")).toBeGreaterThan(Date.parse(seen[i - 1]?.updatedAt ?? ""));
    }
    expect(new Set(seen.map((s) => s.etag)).size).toBe(seen.length);
  });
});
