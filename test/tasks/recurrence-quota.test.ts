import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectProblem } from "./helpers.js";
import { completeTask, nextOf, reminderRows, userIn } from "./series-helpers.js";

const QUOTA = 3;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ config: { maxTasksPerUser: QUOTA } });
});
afterAll(() => t.close());

const recurring = {
  title: "Daily",
  dueAt: "2030-03-02T09:00:00.000Z",
  recurrence: { rule: "FREQ=DAILY" },
  reminders: [{ before: "PT15M" }],
};

describe("completing a recurring task at the task limit", () => {
  it("answers 403 quota_exceeded saying the series could not continue, and writes nothing", async () => {
    const tasks = await userIn(t, "UTC");
    await tasks.createTask({ title: "Filler 1" });
    await tasks.createTask({ title: "Filler 2" });
    const task = await tasks.createTask(recurring);
    const rowsBefore = await reminderRows(t, task.id);
    for (const attempt of [() => tasks.complete(task.id, { completed: true }), () => tasks.complete(task.id)]) {
      const problem = await expectProblem(await attempt(), 403, "quota_exceeded");
      expect(problem.detail).toMatch(/series could not continue/);
      expect(problem.detail).toContain(String(QUOTA));
    }
    // Nothing is lost: the task is still pending, as it was, with its reminders armed.
    expect(await tasks.getTask(task.id)).toEqual(task);
    expect(await reminderRows(t, task.id)).toEqual(rowsBefore);
    expect(await tasks.listAll()).toHaveLength(QUOTA);
  });

  it("continues the series once there is room again", async () => {
    const tasks = await userIn(t, "UTC");
    const filler = await tasks.createTask({ title: "Filler" });
    await tasks.createTask({ title: "Filler 2" });
    const task = await tasks.createTask(recurring);
    await expectProblem(await tasks.complete(task.id, { completed: true }), 403, "quota_exceeded");
    expect((await tasks.remove(filler.id)).status).toBe(204);
    const next = await nextOf(tasks, await completeTask(tasks, task.id));
    expect(next.dueAt).toBe("2030-03-03T09:00:00.000Z");
    expect(await tasks.listAll()).toHaveLength(QUOTA);
  });

  it("lets other edits of a recurring task at the limit through", async () => {
    const tasks = await userIn(t, "UTC");
    await tasks.createTask({ title: "Filler 1" });
    await tasks.createTask({ title: "Filler 2" });
    const task = await tasks.createTask(recurring);
    const res = await tasks.patch(task.id, { title: "Renamed", dueAt: "2030-03-04T09:00:00.000Z" });
    expect(await res.json()).toMatchObject({ title: "Renamed", completed: false });
  });
});
