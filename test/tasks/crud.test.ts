import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectInvalidFields, expectProblem, ISO_UTC, idsOf, MISSING_ID, type TasksApi, tasksApi } from "./helpers.js";

let t: TestApp;
let tasks: TasksApi;
beforeAll(async () => {
  t = await createTestApp();
  tasks = tasksApi(t, await signUp(t));
});
afterAll(() => t.close());

const STRONG_ETAG = /^"[^"]+"$/;

describe("creating a task", () => {
  it("answers 201 with every field and its defaults, a Location that reads it back, and an ETag", async () => {
    const before = Date.now();
    const res = await tasks.create({ title: "Buy milk" });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const task = await res.json();
    expect(task).toEqual({
      id: expect.any(String),
      title: "Buy milk",
      description: "",
      completed: false,
      priority: "none",
      dueAt: null,
      tags: [],
      createdAt: expect.stringMatching(ISO_UTC),
      updatedAt: task.createdAt,
      completedAt: null,
      recurrence: null,
      reminders: [],
      nextId: null,
    });
    expect(Date.parse(task.createdAt)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(task.createdAt)).toBeLessThanOrEqual(Date.now());

    const etag = res.headers.get("etag");
    expect(etag).toMatch(STRONG_ETAG);
    const location = res.headers.get("location") ?? "";
    expect(location).toBe(tasks.path(task.id));
    const read = await t.request(location, { headers: { authorization: `Bearer ${tasks.user.token}` } });
    expect(read.status).toBe(200);
    expect(read.headers.get("etag")).toBe(etag);
    expect(await read.json()).toEqual(task);
  });

  it("takes every field, and a task created completed has completedAt set", async () => {
    const task = await tasks.createTask({
      title: "File taxes",
      description: "Before the deadline",
      priority: "high",
      dueAt: "2026-04-30T12:00:00.000Z",
      tags: ["admin", "money"],
      completed: true,
    });
    expect(task).toMatchObject({
      title: "File taxes",
      description: "Before the deadline",
      priority: "high",
      dueAt: "2026-04-30T12:00:00.000Z",
      tags: ["admin", "money"],
      completed: true,
      completedAt: task.createdAt,
    });
    expect(await tasks.getTask(task.id)).toEqual(task);
  });

  it("gives every task its own id", async () => {
    const created = await Promise.all([1, 2, 3].map(() => tasks.createTask({ title: "Same title" })));
    expect(new Set(idsOf(created)).size).toBe(3);
  });

  it.each(["id", "createdAt", "updatedAt", "completedAt"])("refuses %s from the client, naming it", async (field) => {
    const res = await tasks.create({ title: "Sneaky", [field]: "2026-01-01T00:00:00.000Z" });
    expect(await expectInvalidFields(res)).toEqual([field]);
  });

  it("writes nothing when it refuses a body", async () => {
    const title = `refused-${Date.now()}`;
    await expectProblem(await tasks.create({ title, id: "mine" }), 400, "validation_failed");
    const listed = await tasks.listPage({ q: title });
    expect(listed.tasks).toEqual([]);
  });
});

describe("reading a task", () => {
  it("answers 200 with the task, its ETag and no caching", async () => {
    const created = await tasks.create({ title: "Read me" });
    const task = await created.json();
    const res = await tasks.get(task.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe(created.headers.get("etag"));
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual(task);
  });

  it("answers 304 without a body to If-None-Match with the current ETag, and 200 once the task changed", async () => {
    const created = await tasks.create({ title: "Cached" });
    const { id } = await created.json();
    const etag = created.headers.get("etag") ?? "";

    const unchanged = await tasks.get(id, { "if-none-match": etag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get("etag")).toBe(etag);
    expect(unchanged.headers.get("cache-control")).toBe("no-store");
    expect(await unchanged.text()).toBe("");
    // If-None-Match compares weakly (RFC 9110 §13.1.2), and * matches any current version.
    for (const header of [`W/${etag}`, `"0", ${etag}`, "*"]) {
      expect((await tasks.get(id, { "if-none-match": header })).status).toBe(304);
    }

    await tasks.patch(id, { title: "Cached, then changed" });
    const changed = await tasks.get(id, { "if-none-match": etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(await changed.json()).toMatchObject({ title: "Cached, then changed" });
  });

  it("answers 404 not_found for an id that does not exist", async () => {
    await expectProblem(await tasks.get(MISSING_ID), 404, "not_found");
  });
});

describe("replacing a task with PUT", () => {
  it("replaces every given field and resets every omitted one to its default", async () => {
    const task = await tasks.createTask({
      title: "Old",
      description: "old text",
      priority: "high",
      dueAt: "2026-05-01T00:00:00.000Z",
      tags: ["old"],
    });
    const res = await tasks.replace(task.id, { title: "New", tags: ["new"] });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toMatch(STRONG_ETAG);
    const replaced = await res.json();
    expect(replaced).toEqual({
      ...task,
      title: "New",
      description: "",
      priority: "none",
      dueAt: null,
      tags: ["new"],
      updatedAt: expect.stringMatching(ISO_UTC),
    });
    expect(await tasks.getTask(task.id)).toEqual(replaced);
  });

  it("reopens a completed task when completed is omitted, and clears completedAt", async () => {
    const task = await tasks.createTask({ title: "Done", completed: true });
    expect(task.completedAt).toEqual(expect.stringMatching(ISO_UTC));
    const replaced = await (await tasks.replace(task.id, { title: "Done" })).json();
    expect(replaced).toMatchObject({ completed: false, completedAt: null });
    expect(await tasks.getTask(task.id)).toMatchObject({ completed: false, completedAt: null });
  });

  it("keeps completedAt of a task that stays completed", async () => {
    const task = await tasks.createTask({ title: "Done", completed: true });
    const replaced = await (await tasks.replace(task.id, { title: "Still done", completed: true })).json();
    expect(replaced).toMatchObject({ title: "Still done", completed: true, completedAt: task.completedAt });
  });

  it("requires a title and changes nothing without one", async () => {
    const task = await tasks.createTask({ title: "Keep me", priority: "low" });
    expect(await expectInvalidFields(await tasks.replace(task.id, { priority: "high" }))).toEqual(["title"]);
    expect(await tasks.getTask(task.id)).toEqual(task);
  });

  it.each(["id", "createdAt", "updatedAt", "completedAt"])("refuses %s from the client", async (field) => {
    const task = await tasks.createTask();
    const res = await tasks.replace(task.id, { title: "x", [field]: task[field as keyof typeof task] });
    expect(await expectInvalidFields(res)).toEqual([field]);
    expect(await tasks.getTask(task.id)).toEqual(task);
  });

  it("answers 404 for a task that does not exist", async () => {
    await expectProblem(await tasks.replace(MISSING_ID, { title: "x" }), 404, "not_found");
  });
});

describe("patching a task", () => {
  it("changes only the fields given", async () => {
    const task = await tasks.createTask({
      title: "Walk the dog",
      description: "Around the park",
      priority: "medium",
      dueAt: "2026-06-01T08:00:00.000Z",
      tags: ["dog"],
    });
    const res = await tasks.patch(task.id, { priority: "high" });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toMatch(STRONG_ETAG);
    const patched = await res.json();
    expect(patched).toEqual({ ...task, priority: "high", updatedAt: expect.stringMatching(ISO_UTC) });
    expect(await tasks.getTask(task.id)).toEqual(patched);
  });

  it("changes several fields at once", async () => {
    const task = await tasks.createTask({ title: "Draft", tags: ["a"] });
    const patched = await (
      await tasks.patch(task.id, { title: "  Final  ", description: "text", tags: ["B", "b", "c"] })
    ).json();
    expect(patched).toMatchObject({ title: "Final", description: "text", tags: ["b", "c"], priority: "none" });
  });

  it("clears the due date with dueAt: null", async () => {
    const task = await tasks.createTask({ dueAt: "2026-06-01T08:00:00.000Z" });
    const patched = await (await tasks.patch(task.id, { dueAt: null })).json();
    expect(patched.dueAt).toBeNull();
    expect((await tasks.getTask(task.id)).dueAt).toBeNull();
  });

  it.each(["id", "createdAt", "updatedAt", "completedAt"])("refuses %s from the client", async (field) => {
    const task = await tasks.createTask();
    const res = await tasks.patch(task.id, { [field]: task[field as keyof typeof task] });
    expect(await expectInvalidFields(res)).toEqual([field]);
    expect(await tasks.getTask(task.id)).toEqual(task);
  });

  it("answers 404 for a task that does not exist", async () => {
    await expectProblem(await tasks.patch(MISSING_ID, { title: "x" }), 404, "not_found");
  });
});

describe("deleting a task", () => {
  it("answers 204 without a body; the task is then gone from reads and the list", async () => {
    const task = await tasks.createTask({ title: `gone-${Date.now()}` });
    const res = await tasks.remove(task.id);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    await expectProblem(await tasks.get(task.id), 404, "not_found");
    expect((await tasks.listPage({ q: task.title })).tasks).toEqual([]);
  });

  it("answers 404 the second time, and to every write afterwards", async () => {
    const task = await tasks.createTask();
    await tasks.remove(task.id);
    await expectProblem(await tasks.remove(task.id), 404, "not_found");
    await expectProblem(await tasks.patch(task.id, { title: "back" }), 404, "not_found");
    await expectProblem(await tasks.replace(task.id, { title: "back" }), 404, "not_found");
    await expectProblem(await tasks.complete(task.id), 404, "not_found");
  });
});

describe("completing a task", () => {
  it("toggles without a body: completes it with completedAt, then reopens it and clears completedAt", async () => {
    const task = await tasks.createTask();
    const done = await tasks.complete(task.id);
    expect(done.status).toBe(200);
    expect(done.headers.get("etag")).toMatch(STRONG_ETAG);
    const completed = await done.json();
    expect(completed).toMatchObject({ completed: true, completedAt: completed.updatedAt });
    expect(Date.parse(completed.completedAt)).toBeGreaterThanOrEqual(Date.parse(task.createdAt));
    expect(await tasks.getTask(task.id)).toEqual(completed);

    const reopened = await (await tasks.complete(task.id)).json();
    expect(reopened).toMatchObject({ completed: false, completedAt: null });
    expect(await tasks.getTask(task.id)).toEqual(reopened);
  });

  it("toggles with an empty JSON body too", async () => {
    const task = await tasks.createTask();
    const res = await tasks.complete(task.id, {});
    expect(await res.json()).toMatchObject({ completed: true });
  });

  it("sets completion with { completed: true } and keeps completedAt when asked again", async () => {
    const task = await tasks.createTask();
    const first = await (await tasks.complete(task.id, { completed: true })).json();
    expect(first).toMatchObject({ completed: true, completedAt: expect.stringMatching(ISO_UTC) });
    const second = await (await tasks.complete(task.id, { completed: true })).json();
    expect(second).toMatchObject({ completed: true, completedAt: first.completedAt });
    expect(await tasks.getTask(task.id)).toMatchObject({ completed: true, completedAt: first.completedAt });
  });

  it("reopens with { completed: false }, and leaves a pending task pending", async () => {
    const task = await tasks.createTask({ completed: true });
    const reopened = await (await tasks.complete(task.id, { completed: false })).json();
    expect(reopened).toMatchObject({ completed: false, completedAt: null });
    const again = await (await tasks.complete(task.id, { completed: false })).json();
    expect(again).toMatchObject({ completed: false, completedAt: null });
  });

  it("refuses any other body field", async () => {
    const task = await tasks.createTask();
    expect(await expectInvalidFields(await tasks.complete(task.id, { completed: "yes" }))).toEqual(["completed"]);
    expect(await expectInvalidFields(await tasks.complete(task.id, { done: true }))).toEqual(["done"]);
    expect(await tasks.getTask(task.id)).toEqual(task);
  });

  it("through PATCH: completedAt is set on completion, kept across other edits, cleared on reopen", async () => {
    const task = await tasks.createTask();
    const completed = await (await tasks.patch(task.id, { completed: true })).json();
    expect(completed.completedAt).toEqual(expect.stringMatching(ISO_UTC));
    const edited = await (await tasks.patch(task.id, { title: "Edited while done" })).json();
    expect(edited).toMatchObject({ completed: true, completedAt: completed.completedAt });
    const stillDone = await (await tasks.patch(task.id, { completed: true })).json();
    expect(stillDone.completedAt).toBe(completed.completedAt);
    const reopened = await (await tasks.patch(task.id, { completed: false })).json();
    expect(reopened).toMatchObject({ completed: false, completedAt: null });
  });
});

describe("updatedAt and the ETag", () => {
  it("move on every write while createdAt stays", async () => {
    const task = await tasks.createTask();
    const writes = [
      () => tasks.patch(task.id, { title: "1" }),
      () => tasks.replace(task.id, { title: "2" }),
      () => tasks.complete(task.id),
      () => tasks.complete(task.id, { completed: false }),
      () => tasks.patch(task.id, {}),
    ];
    let previous = { updatedAt: task.updatedAt, etag: (await tasks.get(task.id)).headers.get("etag") };
    for (const write of writes) {
      const res = await write();
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.createdAt).toBe(task.createdAt);
      expect(Date.parse(body.updatedAt)).toBeGreaterThan(Date.parse(previous.updatedAt));
      expect(res.headers.get("etag")).not.toBe(previous.etag);
      previous = { updatedAt: body.updatedAt, etag: res.headers.get("etag") };
    }
    expect(await tasks.getTask(task.id)).toMatchObject({ updatedAt: previous.updatedAt });
  });
});
