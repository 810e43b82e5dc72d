import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect } from "vitest";
import type { ReminderLimits } from "../../src/server/reminders/reminder-scheduler.js";
import type { Task } from "../../src/shared/task.schemas.js";
import {
  type EmailWorld,
  emailedToken,
  emailWorldForFile,
  FAST_EMAIL,
  PUBLIC_URL,
  queuedFor,
} from "../email/email-flows.js";
import { bearer, jsonRequest, type SignedInUser, signUp } from "../helpers/auth-client.js";
import { type ServedApp, serveOverHttp } from "../helpers/http-server.js";
import type { SmtpInbox } from "../helpers/smtp-inbox.js";
import { openSse, type SseEvent, type SseStream } from "../helpers/sse-client.js";
import type { TestApp, TestAppOptions } from "../helpers/test-app.js";
import { type TasksApi, tasksApi } from "../tasks/helpers.js";

export { FAST_EMAIL, PUBLIC_URL };

/** Polls often, so that "within a few seconds" is well inside a test's patience. */
export const FAST_REMINDERS: Partial<ReminderLimits> = { pollIntervalMs: 100 };

export interface ReminderWorld extends EmailWorld {
  served: ServedApp;
  streams: SseStream[];
}

/**
 * For a test file: the email world (a real SMTP server, the app over a fresh database, its outbox
 * sender polling often) with the reminder scheduler polling often too, served over HTTP for the
 * event streams. Vitest runs after-hooks in reverse, so streams and server close before the app.
 */
export function reminderWorldForFile(options: Omit<TestAppOptions, "emailSender"> = {}): ReminderWorld {
  const world = emailWorldForFile({
    reminderScheduler: FAST_REMINDERS,
    ...options,
    env: { PUBLIC_URL, ...options.env },
  }) as ReminderWorld;
  world.streams = [];
  beforeAll(async () => {
    world.served = await serveOverHttp(world.t);
  });
  afterAll(async () => {
    for (const stream of world.streams) stream.close();
    await world.served?.close();
  });
  return world;
}

/** Signs a user up and, unless told not to, proves the address with the emailed link, as a person would. */
export async function signUpUser(
  t: TestApp,
  inbox: SmtpInbox,
  options: { verified?: boolean; timeZone?: string; name?: string } = {},
): Promise<TasksApi> {
  const user = await signUp(t, options.name ? { name: options.name } : {});
  if (options.verified !== false) {
    const token = await emailedToken(inbox, user.email, "verify-email");
    const res = await t.request("/api/auth/verify-email", jsonRequest("POST", { token }));
    expect(res.status, await res.clone().text()).toBe(200);
  }
  if (options.timeZone) {
    const res = await t.request(
      "/api/auth/me",
      jsonRequest("PATCH", { timeZone: options.timeZone }, bearer(user.token)),
    );
    expect(res.status, await res.clone().text()).toBe(200);
  }
  return tasksApi(t, user);
}

/** An ISO time `ms` from now. */
export const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

/** Creates a task due at `dueAt` with reminders (ISO 8601 durations), through the tasks API. */
export async function createTaskWithReminders(
  tasks: TasksApi,
  fields: { title: string; dueAt: string; reminders: string[] },
): Promise<Task> {
  const reminders = fields.reminders.map((before) => ({ before }));
  const task = await tasks.createTask({ ...fields, reminders });
  expect(task.reminders).toEqual(reminders);
  return task;
}

/** Opens the user's event stream on the served app (closed after the file), resuming after `lastEventId` if given. */
export async function openEvents(
  world: ReminderWorld,
  user: SignedInUser,
  on = world.served,
  lastEventId?: string,
): Promise<SseStream> {
  const headers = bearer(user.token, lastEventId === undefined ? {} : { "last-event-id": lastEventId });
  const stream = await openSse(`${on.url}/api/${user.id}/events`, headers);
  expect(stream.response.status).toBe(200);
  world.streams.push(stream);
  return stream;
}

export const dataOf = (event: SseEvent) => JSON.parse(event.data) as Record<string, unknown>;

/** The next `reminder` event, skipping the task events before it. */
export async function nextReminder(stream: SseStream, timeoutMs = 5_000): Promise<SseEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const event = await stream.next(Math.max(1, deadline - Date.now()));
    if (event.event === "reminder") return event;
  }
}

/** The reminder emails that reached `to`. */
export const reminderEmails = (inbox: SmtpInbox, to: string) =>
  inbox.to(to).filter((email) => email.subject.startsWith("Reminder:"));

/** The outbox rows of reminder emails queued for `to`, however far their delivery got. */
export function queuedReminders(t: Pick<TestApp, "database">, to: string) {
  return queuedFor(t, to, "task-reminder");
}

/** The reminder events logged for a user (task_changes of kind `reminder`). */
export async function loggedReminders(t: Pick<TestApp, "database">, userId: string): Promise<{ taskId: string }[]> {
  const result = await t.database.handle.db.execute(
    sql`select task_id as "taskId" from task_changes where user_id = ${userId} and kind = 'reminder'`,
  );
  return (result as unknown as { rows: { taskId: string }[] }).rows;
}

/** Waits until `check` holds, polling; fails after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("the condition never held");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
