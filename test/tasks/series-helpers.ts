import { sql } from "drizzle-orm";
import { expect } from "vitest";
import type { Task } from "../../src/shared/task.schemas.js";
import { bearer, jsonRequest, type SignedInUser, signUp } from "../helpers/auth-client.js";
import type { TestApp } from "../helpers/test-app.js";
import { type TasksApi, tasksApi } from "./helpers.js";

/** Sets the user's time zone, as the web app does from the browser's. */
export async function setTimeZone(t: TestApp, user: SignedInUser, timeZone: string): Promise<void> {
  const res = await t.request("/api/auth/me", jsonRequest("PATCH", { timeZone }, bearer(user.token)));
  expect(res.status, await res.clone().text()).toBe(200);
}

/** A new user of the app whose time zone is `timeZone`, and their tasks API. */
export async function userIn(t: TestApp, timeZone: string): Promise<TasksApi> {
  const user = await signUp(t);
  await setTimeZone(t, user, timeZone);
  return tasksApi(t, user);
}

/** Completes the task through the given route and returns the answer, asserting 200. */
export async function completeTask(tasks: TasksApi, id: string): Promise<Task> {
  const res = await tasks.complete(id, { completed: true });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Task;
}

/** The next occurrence a completion answered with, read back through the API. */
export async function nextOf(tasks: TasksApi, completed: Task): Promise<Task> {
  expect(completed.nextId).toEqual(expect.any(String));
  return tasks.getTask(completed.nextId ?? "");
}

/** A task's rows of task_reminders (the scheduler's input), read straight from the table. */
export interface ReminderRow {
  before: string;
  fireAt: string;
  firedAt: string | null;
}

export async function reminderRows(t: TestApp, taskId: string): Promise<ReminderRow[]> {
  const result = await t.database.handle.db.execute(sql`
    select before,
      to_char(fire_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "fireAt",
      to_char(fired_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "firedAt"
    from task_reminders where task_id = ${taskId} order by fire_at, before`);
  return (result as unknown as { rows: ReminderRow[] }).rows;
}
