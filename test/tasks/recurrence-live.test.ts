import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer } from "../helpers/auth-client.js";
import { type ServedApp, serveOverHttp } from "../helpers/http-server.js";
import { openSse, type SseEvent, type SseStream } from "../helpers/sse-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { completeTask, userIn } from "./series-helpers.js";

let t: TestApp;
let served: ServedApp;
let stream: SseStream | undefined;
beforeAll(async () => {
  t = await createTestApp();
  served = await serveOverHttp(t);
});
afterAll(async () => {
  stream?.close();
  await served.close();
  await t.close();
});

const summary = (event: SseEvent) => ({ event: event.event, data: JSON.parse(event.data) });

describe("the live stream of a series", () => {
  it("tells of the completion and of the next occurrence, each as the API shows it", async () => {
    const tasks = await userIn(t, "America/New_York");
    stream = await openSse(`${served.url}/api/${tasks.user.id}/events`, bearer(tasks.user.token));
    const task = await tasks.createTask({
      title: "Gym",
      dueAt: "2026-03-02T14:00:00.000Z",
      recurrence: { rule: "FREQ=WEEKLY;BYDAY=MO,WE" },
      reminders: [{ before: "PT15M" }],
    });
    expect(summary(await stream.next())).toEqual({ event: "task.created", data: task });

    const completed = await completeTask(tasks, task.id);
    const next = await tasks.getTask(completed.nextId ?? "");
    const events = [summary(await stream.next()), summary(await stream.next())];
    expect(events).toEqual(
      expect.arrayContaining([
        { event: "task.updated", data: completed },
        { event: "task.created", data: next },
      ]),
    );
    expect(next).toMatchObject({ recurrence: task.recurrence, reminders: task.reminders, nextId: null });
  });
});
