import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../../src/shared/task.schemas.js";
import { signUp } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectProblem, type TasksApi, tasksApi } from "./helpers.js";
import { completeTask, nextOf, userIn } from "./series-helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const WEEKLY_MO_WE = { rule: "FREQ=WEEKLY;BYDAY=MO,WE", from: "due" };
// Monday 2 March 2026, 09:00 in New York (EST, UTC−5); the clocks move to EDT on 8 March.
const MONDAY_9AM_NY = "2026-03-02T14:00:00.000Z";

/** A weekly task (Mondays and Wednesdays at 09:00 New York time), with every field set. */
async function gymTask(tasks: TasksApi, extra: Record<string, unknown> = {}): Promise<Task> {
  return tasks.createTask({
    title: "Gym",
    description: "Legs day",
    priority: "high",
    tags: ["health"],
    dueAt: MONDAY_9AM_NY,
    recurrence: WEEKLY_MO_WE,
    reminders: [{ before: "PT15M" }],
    ...extra,
  });
}

describe("a recurring task", () => {
  it("shows its recurrence, reminders and nextId on create, read and list", async () => {
    const tasks = await userIn(t, "America/New_York");
    const task = await gymTask(tasks, { recurrence: { rule: "rrule:freq=weekly;byday=we,mo" } });
    expect(task).toMatchObject({
      recurrence: { rule: "FREQ=WEEKLY;BYDAY=MO,WE", from: "due" },
      reminders: [{ before: "PT15M" }],
      nextId: null,
    });
    expect(await tasks.getTask(task.id)).toEqual(task);
    expect((await tasks.listPage()).tasks).toEqual([task]);
  });

  it("gives a task without one recurrence null, reminders [] and nextId null", async () => {
    const tasks = tasksApi(t, await signUp(t));
    const task = await tasks.createTask({ title: "Plain" });
    expect(task).toMatchObject({ recurrence: null, reminders: [], nextId: null });
  });

  it("completed, stays completed and creates the next occurrence at 09:00 local on Wednesday", async () => {
    const tasks = await userIn(t, "America/New_York");
    const task = await gymTask(tasks);
    const completed = await completeTask(tasks, task.id);
    expect(completed).toMatchObject({ id: task.id, completed: true, completedAt: expect.any(String) });
    const next = await nextOf(tasks, completed);
    expect(next).toEqual({
      ...task,
      id: completed.nextId,
      dueAt: "2026-03-04T14:00:00.000Z",
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      nextId: null,
    });
    expect(await tasks.getTask(task.id)).toEqual(completed);
  });

  it("keeps 09:00 local across the change to daylight-saving time (Wednesday → Monday 9 March, EDT)", async () => {
    const tasks = await userIn(t, "America/New_York");
    const task = await gymTask(tasks);
    const wednesday = await nextOf(tasks, await completeTask(tasks, task.id));
    const monday = await nextOf(tasks, await completeTask(tasks, wednesday.id));
    expect(monday.dueAt).toBe("2026-03-09T13:00:00.000Z");
  });

  it("continues whichever route completes it: toggle, { completed: true }, patch and put", async () => {
    const tasks = await userIn(t, "America/New_York");
    const routes: Record<string, (task: Task) => Promise<Response>> = {
      toggle: (task) => tasks.complete(task.id),
      body: (task) => tasks.complete(task.id, { completed: true }),
      patch: (task) => tasks.patch(task.id, { completed: true }),
      put: (task) =>
        tasks.replace(task.id, {
          title: task.title,
          description: task.description,
          priority: task.priority,
          tags: task.tags,
          dueAt: task.dueAt,
          recurrence: task.recurrence,
          reminders: task.reminders,
          completed: true,
        }),
    };
    for (const [route, complete] of Object.entries(routes)) {
      const task = await gymTask(tasks, { title: `Gym by ${route}` });
      const res = await complete(task);
      expect(res.status, route).toBe(200);
      const completed = (await res.json()) as Task;
      expect(completed.completed, route).toBe(true);
      const next = await nextOf(tasks, completed);
      expect(next, route).toMatchObject({
        title: `Gym by ${route}`,
        completed: false,
        dueAt: "2026-03-04T14:00:00.000Z",
      });
    }
  });

  it("creates no second occurrence when reopened and completed again", async () => {
    const tasks = await userIn(t, "America/New_York");
    const task = await gymTask(tasks);
    const first = await completeTask(tasks, task.id);
    const reopened = await tasks.complete(task.id);
    expect(await reopened.json()).toMatchObject({ completed: false, nextId: first.nextId });
    const again = await completeTask(tasks, task.id);
    expect(again.nextId).toBe(first.nextId);
    expect((await tasks.listAll()).map((listed) => listed.id).sort()).toEqual([task.id, first.nextId].sort());
  });

  it("ends after COUNT occurrences: completing the last one answers nextId null and creates nothing", async () => {
    const tasks = await userIn(t, "UTC");
    const task = await tasks.createTask({
      title: "Twice",
      dueAt: "2026-03-02T09:00:00.000Z",
      recurrence: { rule: "FREQ=DAILY;COUNT=2" },
    });
    const second = await nextOf(tasks, await completeTask(tasks, task.id));
    expect(second.dueAt).toBe("2026-03-03T09:00:00.000Z");
    const last = await completeTask(tasks, second.id);
    expect(last).toMatchObject({ completed: true, nextId: null });
    expect(await tasks.listAll()).toHaveLength(2);
  });

  it("ends at UNTIL, inclusive", async () => {
    const tasks = await userIn(t, "UTC");
    const task = await tasks.createTask({
      title: "Until Tuesday",
      dueAt: "2026-03-02T09:00:00.000Z",
      recurrence: { rule: "FREQ=DAILY;UNTIL=20260303T090000Z" },
    });
    const tuesday = await nextOf(tasks, await completeTask(tasks, task.id));
    expect(tuesday.dueAt).toBe("2026-03-03T09:00:00.000Z");
    expect((await completeTask(tasks, tuesday.id)).nextId).toBeNull();
    expect(await tasks.listAll()).toHaveLength(2);
  });

  it("counts from the completion with from: completion (every 3 days after it was done, at the due time)", async () => {
    const tasks = await userIn(t, "UTC");
    const task = await tasks.createTask({
      title: "Water the plants",
      dueAt: "2026-01-10T18:30:00.000Z",
      recurrence: { rule: "FREQ=DAILY;INTERVAL=3", from: "completion" },
    });
    const completed = await completeTask(tasks, task.id);
    const next = await nextOf(tasks, completed);
    const doneOn = new Date(completed.completedAt ?? "");
    const expected = new Date(Date.UTC(doneOn.getUTCFullYear(), doneOn.getUTCMonth(), doneOn.getUTCDate() + 3, 18, 30));
    expect(next.dueAt).toBe(expected.toISOString());
    expect(next.recurrence).toEqual({ rule: "FREQ=DAILY;INTERVAL=3", from: "completion" });
  });

  it("falls on the month's last day when it has no 31st: 31 January → 28 February → 31 March", async () => {
    const tasks = await userIn(t, "Europe/Berlin");
    const task = await tasks.createTask({
      title: "Pay rent",
      dueAt: "2026-01-31T09:00:00.000Z",
      recurrence: { rule: "FREQ=MONTHLY;BYMONTHDAY=31" },
    });
    const february = await nextOf(tasks, await completeTask(tasks, task.id));
    expect(february.dueAt).toBe("2026-02-28T09:00:00.000Z");
    const march = await nextOf(tasks, await completeTask(tasks, february.id));
    // 10:00 in Berlin all along: CET (UTC+1) until the change on 29 March, CEST on the 31st.
    expect(march.dueAt).toBe("2026-03-31T08:00:00.000Z");
  });

  it("starts the count over when its rule changes", async () => {
    const tasks = await userIn(t, "UTC");
    const task = await tasks.createTask({
      title: "Twice",
      dueAt: "2026-03-02T09:00:00.000Z",
      recurrence: { rule: "FREQ=DAILY;COUNT=2" },
    });
    const second = await nextOf(tasks, await completeTask(tasks, task.id));
    const renewed = await tasks.patch(second.id, { recurrence: { rule: "FREQ=DAILY;COUNT=3" } });
    expect(renewed.status).toBe(200);
    // The second task is now the first of three: two more follow it.
    const third = await nextOf(tasks, await completeTask(tasks, second.id));
    const fourth = await nextOf(tasks, await completeTask(tasks, third.id));
    expect(fourth.dueAt).toBe("2026-03-05T09:00:00.000Z");
    expect((await completeTask(tasks, fourth.id)).nextId).toBeNull();
  });

  it("re-anchors the series where the user moves the due date", async () => {
    const tasks = await userIn(t, "UTC");
    const task = await tasks.createTask({
      title: "Every other day",
      dueAt: "2026-03-02T09:00:00.000Z",
      recurrence: { rule: "FREQ=DAILY;INTERVAL=2" },
    });
    // Moved to Tuesday: the series now runs Tuesday, Thursday…, not Monday, Wednesday….
    expect((await tasks.patch(task.id, { dueAt: "2026-03-03T10:00:00.000Z" })).status).toBe(200);
    const next = await nextOf(tasks, await completeTask(tasks, task.id));
    expect(next.dueAt).toBe("2026-03-05T10:00:00.000Z");
  });

  it("creates nothing when a completed task's other fields are edited", async () => {
    const tasks = await userIn(t, "UTC");
    const task = await tasks.createTask({
      title: "Once",
      dueAt: "2026-03-02T09:00:00.000Z",
      recurrence: { rule: "FREQ=DAILY" },
      completed: true,
    });
    const edited = await tasks.patch(task.id, { title: "Renamed", dueAt: "2026-03-02T10:00:00.000Z" });
    expect(await edited.json()).toMatchObject({ title: "Renamed", completed: true, nextId: null });
    expect(await tasks.listAll()).toHaveLength(1);
  });

  it("stops repeating when its recurrence is removed", async () => {
    const tasks = await userIn(t, "UTC");
    const task = await tasks.createTask({
      title: "No more",
      dueAt: "2026-03-02T09:00:00.000Z",
      recurrence: { rule: "FREQ=DAILY" },
    });
    const res = await tasks.patch(task.id, { recurrence: null });
    expect(await res.json()).toMatchObject({ recurrence: null });
    expect((await completeTask(tasks, task.id)).nextId).toBeNull();
    expect(await tasks.listAll()).toHaveLength(1);
  });
});

describe("another user", () => {
  it("can neither see nor complete someone's recurring task, and creates nothing trying", async () => {
    const owner = await userIn(t, "America/New_York");
    const task = await gymTask(owner);
    const intruder = tasksApi(t, await signUp(t));
    for (const res of [
      await t.request(owner.path(task.id), { headers: { authorization: `Bearer ${intruder.user.token}` } }),
      await t.request(`${owner.path(task.id)}/complete`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${intruder.user.token}` },
      }),
    ]) {
      await expectProblem(res, 403, "forbidden");
    }
    await expectProblem(await intruder.complete(task.id, { completed: true }), 404, "not_found");
    await expectProblem(await intruder.patch(task.id, { completed: true }), 404, "not_found");
    expect(await owner.getTask(task.id)).toEqual(task);
    expect(await owner.listAll()).toHaveLength(1);
    expect(await intruder.listAll()).toHaveLength(0);
  });
});
