import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { completeTask, nextOf, reminderRows, userIn } from "./series-helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

// Sunday 10 March 2030, 09:00 in New York, the first day of daylight-saving time (EDT, UTC−4).
const SUNDAY_9AM_NY = "2030-03-10T13:00:00.000Z";

async function markFired(taskId: string, before: string): Promise<void> {
  await t.database.handle.db.execute(
    sql`update task_reminders set fired_at = now() where task_id = ${taskId} and before = ${before}`,
  );
}

describe("the reminder rows of a task (the scheduler's input)", () => {
  it("are written on create at dueAt − before, the days counted on the owner's wall clock", async () => {
    const tasks = await userIn(t, "America/New_York");
    const task = await tasks.createTask({
      title: "Call mum",
      dueAt: SUNDAY_9AM_NY,
      reminders: [{ before: "PT15M" }, { before: "P1D" }],
    });
    expect(await reminderRows(t, task.id)).toEqual([
      // Saturday 09:00 was still EST (UTC−5): one calendar day before is 25 hours before.
      { before: "P1D", fireAt: "2030-03-09T14:00:00.000Z", firedAt: null },
      { before: "PT15M", fireAt: "2030-03-10T12:45:00.000Z", firedAt: null },
    ]);
  });

  it("move with dueAt and are armed again", async () => {
    const tasks = await userIn(t, "UTC");
    const task = await tasks.createTask({ title: "Move me", dueAt: SUNDAY_9AM_NY, reminders: [{ before: "PT1H" }] });
    await markFired(task.id, "PT1H");
    expect((await tasks.patch(task.id, { dueAt: "2030-03-11T08:00:00.000Z" })).status).toBe(200);
    expect(await reminderRows(t, task.id)).toEqual([
      { before: "PT1H", fireAt: "2030-03-11T07:00:00.000Z", firedAt: null },
    ]);
  });

  it("that did not move are kept as they are, fired or not, and removed ones are deleted", async () => {
    const tasks = await userIn(t, "UTC");
    const task = await tasks.createTask({
      title: "Keep me",
      dueAt: SUNDAY_9AM_NY,
      reminders: [{ before: "PT1H" }, { before: "PT5M" }],
    });
    await markFired(task.id, "PT1H");
    const [fired] = await reminderRows(t, task.id);
    const res = await tasks.patch(task.id, { reminders: [{ before: "PT1H" }, { before: "P1D" }] });
    expect(await res.json()).toMatchObject({ reminders: [{ before: "PT1H" }, { before: "P1D" }] });
    expect(await reminderRows(t, task.id)).toEqual([
      { before: "P1D", fireAt: "2030-03-09T13:00:00.000Z", firedAt: null },
      fired,
    ]);
    expect(fired?.firedAt).not.toBeNull();
    // A PUT that changes other fields leaves the rows alone too.
    const put = await tasks.replace(task.id, {
      title: "Kept",
      dueAt: SUNDAY_9AM_NY,
      reminders: [{ before: "PT1H" }, { before: "P1D" }],
    });
    expect(put.status).toBe(200);
    expect(await reminderRows(t, task.id)).toEqual([
      { before: "P1D", fireAt: "2030-03-09T13:00:00.000Z", firedAt: null },
      fired,
    ]);
  });

  it("are stored as fired when their time has already passed as they are set", async () => {
    const tasks = await userIn(t, "UTC");
    const dueAt = new Date(Date.now() + 10 * 60_000).toISOString();
    const task = await tasks.createTask({ title: "Soon", dueAt, reminders: [{ before: "PT1H" }, { before: "PT5M" }] });
    const [past, future] = await reminderRows(t, task.id);
    expect(past).toMatchObject({ before: "PT1H", firedAt: expect.any(String) });
    expect(future).toMatchObject({ before: "PT5M", firedAt: null });
  });

  it("are deleted when the task is completed, and written again when it is reopened", async () => {
    const tasks = await userIn(t, "UTC");
    const task = await tasks.createTask({ title: "Done", dueAt: SUNDAY_9AM_NY, reminders: [{ before: "PT1H" }] });
    await completeTask(tasks, task.id);
    expect(await reminderRows(t, task.id)).toEqual([]);
    expect((await tasks.complete(task.id)).status).toBe(200);
    expect(await reminderRows(t, task.id)).toEqual([
      { before: "PT1H", fireAt: "2030-03-10T12:00:00.000Z", firedAt: null },
    ]);
  });

  it("are deleted when dueAt is cleared, when the reminders are removed, and with the task", async () => {
    const tasks = await userIn(t, "UTC");
    const reminders = [{ before: "PT1H" }];
    const undated = await tasks.createTask({ title: "Undated", dueAt: SUNDAY_9AM_NY, reminders });
    expect((await tasks.patch(undated.id, { dueAt: null })).status).toBe(200);
    expect(await reminderRows(t, undated.id)).toEqual([]);

    const unreminded = await tasks.createTask({ title: "Unreminded", dueAt: SUNDAY_9AM_NY, reminders });
    expect((await tasks.patch(unreminded.id, { reminders: [] })).status).toBe(200);
    expect(await reminderRows(t, unreminded.id)).toEqual([]);

    const deleted = await tasks.createTask({ title: "Deleted", dueAt: SUNDAY_9AM_NY, reminders });
    expect(await reminderRows(t, deleted.id)).toHaveLength(1);
    expect((await tasks.remove(deleted.id)).status).toBe(204);
    expect(await reminderRows(t, deleted.id)).toEqual([]);
  });

  it("are none for a task created without dueAt, and appear when it gets one", async () => {
    const tasks = await userIn(t, "UTC");
    const task = await tasks.createTask({ title: "Some day", reminders: [{ before: "PT1H" }] });
    expect(await reminderRows(t, task.id)).toEqual([]);
    expect((await tasks.patch(task.id, { dueAt: SUNDAY_9AM_NY })).status).toBe(200);
    expect(await reminderRows(t, task.id)).toEqual([
      { before: "PT1H", fireAt: "2030-03-10T12:00:00.000Z", firedAt: null },
    ]);
  });

  it("are written for the next occurrence of a series", async () => {
    const tasks = await userIn(t, "America/New_York");
    const task = await tasks.createTask({
      title: "Weekly",
      dueAt: SUNDAY_9AM_NY,
      recurrence: { rule: "FREQ=WEEKLY" },
      reminders: [{ before: "PT30M" }],
    });
    const next = await nextOf(tasks, await completeTask(tasks, task.id));
    expect(next.dueAt).toBe("2030-03-17T13:00:00.000Z");
    expect(await reminderRows(t, task.id)).toEqual([]);
    expect(await reminderRows(t, next.id)).toEqual([
      { before: "PT30M", fireAt: "2030-03-17T12:30:00.000Z", firedAt: null },
    ]);
  });
});
