import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import pg from "pg";
import { Temporal } from "temporal-polyfill";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { moveRemindersToZone } from "../../src/server/tasks/reminder-zone.js";
import { bearer, jsonRequest } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import type { TasksApi } from "./helpers.js";
import { reminderRows, setTimeZone, userIn } from "./series-helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

// Sunday 10 March 2030, 09:00 in New York, hours after its clocks sprang forward (EDT, UTC−4);
// the Saturday before was still EST (UTC−5). Berlin keeps CET (UTC+1) until 31 March.
const SUNDAY_9AM_NY = "2030-03-10T13:00:00.000Z";

/** `days` calendar days before `dueAt` on the wall clock of `timeZone`, by Temporal alone. */
function daysBefore(dueAt: string, days: number, timeZone: string): string {
  const fireAt = Temporal.Instant.from(dueAt).toZonedDateTimeISO(timeZone).subtract({ days });
  return new Date(fireAt.epochMilliseconds).toISOString();
}

async function createWithReminders(tasks: TasksApi, dueAt: string, befores: string[]) {
  return tasks.createTask({ title: "Dentist", dueAt, reminders: befores.map((before) => ({ before })) });
}

async function markFired(taskId: string, before: string): Promise<void> {
  await t.database.handle.db.execute(
    sql`update task_reminders set fired_at = now() where task_id = ${taskId} and before = ${before}`,
  );
}

describe("changing the account's time zone (PATCH /api/auth/me)", () => {
  it("moves a pending reminder counted in days to the day before in the new zone, and one counted in minutes nowhere", async () => {
    const tasks = await userIn(t, "America/New_York");
    const task = await createWithReminders(tasks, SUNDAY_9AM_NY, ["P1D", "PT15M"]);
    const inNewYork = daysBefore(SUNDAY_9AM_NY, 1, "America/New_York");
    const inBerlin = daysBefore(SUNDAY_9AM_NY, 1, "Europe/Berlin");
    // 25 hours before in New York (across the change), 24 in Berlin: the zone decides.
    expect(inNewYork).toBe("2030-03-09T14:00:00.000Z");
    expect(inBerlin).toBe("2030-03-09T13:00:00.000Z");
    expect(await reminderRows(t, task.id)).toEqual([
      { before: "P1D", fireAt: inNewYork, firedAt: null },
      { before: "PT15M", fireAt: "2030-03-10T12:45:00.000Z", firedAt: null },
    ]);

    const res = await t.request(
      "/api/auth/me",
      jsonRequest("PATCH", { timeZone: "Europe/Berlin" }, bearer(tasks.user.token)),
    );
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ user: { timeZone: "Europe/Berlin" } });

    expect(await reminderRows(t, task.id)).toEqual([
      { before: "P1D", fireAt: inBerlin, firedAt: null },
      { before: "PT15M", fireAt: "2030-03-10T12:45:00.000Z", firedAt: null },
    ]);
    // The task itself keeps its instant: only what is counted on the wall clock moves.
    expect(await tasks.getTask(task.id)).toMatchObject({ dueAt: SUNDAY_9AM_NY });
  });

  it("leaves a reminder that already fired, and another user's reminders, as they were", async () => {
    const tasks = await userIn(t, "America/New_York");
    const neighbour = await userIn(t, "America/New_York");
    const task = await createWithReminders(tasks, SUNDAY_9AM_NY, ["P1D", "P2D"]);
    const theirs = await createWithReminders(neighbour, SUNDAY_9AM_NY, ["P1D"]);
    await markFired(task.id, "P2D");
    const fired = (await reminderRows(t, task.id)).find((row) => row.before === "P2D");
    expect(fired?.firedAt).toEqual(expect.any(String));
    const theirRows = await reminderRows(t, theirs.id);

    await setTimeZone(t, tasks.user, "Europe/Berlin");

    expect(await reminderRows(t, task.id)).toEqual([
      fired,
      { before: "P1D", fireAt: daysBefore(SUNDAY_9AM_NY, 1, "Europe/Berlin"), firedAt: null },
    ]);
    expect(await reminderRows(t, theirs.id)).toEqual(theirRows);
  });

  it("keeps a due reminder pending when the zone is the same, or counts its days alike", async () => {
    const tasks = await userIn(t, "UTC");
    // Due in a day and a moment: the reminder a day before comes due at once, and no scheduler
    // runs in this app to fire it.
    const dueAt = new Date(Date.now() + 86_400_000 + 300).toISOString();
    const task = await createWithReminders(tasks, dueAt, ["P1D"]);
    await sleep(400);
    const due = await reminderRows(t, task.id);
    expect(due).toEqual([{ before: "P1D", fireAt: daysBefore(dueAt, 1, "UTC"), firedAt: null }]);

    await setTimeZone(t, tasks.user, "UTC");
    expect(await reminderRows(t, task.id)).toEqual(due);
    // Tokyo has no daylight-saving time: a day before is 24 hours before, as in UTC.
    await setTimeZone(t, tasks.user, "Asia/Tokyo");
    expect(await reminderRows(t, task.id)).toEqual(due);
  });

  it("stores a reminder whose new time has already passed as fired, and fires nothing", async () => {
    const tasks = await userIn(t, "America/New_York");
    const task = await createWithReminders(tasks, SUNDAY_9AM_NY, ["P1D", "PT15M"]);
    // Half past one UTC on the Saturday: New York's 09:00 (14:00 UTC) is ahead, Berlin's 14:00
    // (13:00 UTC) has gone by.
    const now = new Date("2030-03-09T13:30:00.000Z");
    const { db } = t.database.handle;
    const moved = await db.transaction(async (tx) => {
      await tx.execute(sql`update users set time_zone = 'Europe/Berlin' where id = ${tasks.user.id}`);
      return moveRemindersToZone(tx, tasks.user.id, "Europe/Berlin", now);
    });

    expect(moved).toBe(1);
    expect(await reminderRows(t, task.id)).toEqual([
      { before: "P1D", fireAt: "2030-03-09T13:00:00.000Z", firedAt: now.toISOString() },
      { before: "PT15M", fireAt: "2030-03-10T12:45:00.000Z", firedAt: null },
    ]);
    const events = await db.execute(
      sql`select kind from task_changes where user_id = ${tasks.user.id} and kind = 'reminder'`,
    );
    expect((events as unknown as { rows: unknown[] }).rows).toEqual([]);
  });
});

// Two transactions meeting at the owner's row: PGlite has one connection, so only PostgreSQL can.
const describeOnPostgres = process.env.TEST_DATABASE_URL ? describe : () => {};

describeOnPostgres("a time zone change meeting a delete of one of the user's tasks", () => {
  /** Waits until `count` backends of this database wait for a lock. */
  async function lockWaiters(client: pg.Client, count: number): Promise<void> {
    for (let tries = 0; tries < 200; tries++) {
      const { rows } = await client.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
      );
      if ((rows[0]?.n ?? 0) >= count) return;
      await sleep(25);
    }
    throw new Error(`fewer than ${count} backends ever waited for a lock`);
  }

  it("lets both finish, with no deadlock, when the change takes the owner's row first", async () => {
    const tasks = await userIn(t, "America/New_York");
    const doomed = await createWithReminders(tasks, SUNDAY_9AM_NY, ["P1D"]);
    const kept = await createWithReminders(tasks, SUNDAY_9AM_NY, ["P1D"]);
    const holder = new pg.Client({ connectionString: t.database.url });
    await holder.connect();
    try {
      // The owner's row held, the zone change queues for it first; then the delete, whose cascade
      // has taken the task's reminder rows by the time it queues for the owner's row too.
      await holder.query("begin");
      await holder.query("select 1 from users where id = $1 for no key update", [tasks.user.id]);
      const changing = t.request(
        "/api/auth/me",
        jsonRequest("PATCH", { timeZone: "Europe/Berlin" }, bearer(tasks.user.token)),
      );
      await lockWaiters(holder, 1);
      const deleting = tasks.remove(doomed.id);
      await lockWaiters(holder, 2);
      await holder.query("commit");

      const [changed, deleted] = await Promise.all([changing, deleting]);
      expect(changed.status, await changed.clone().text()).toBe(200);
      expect(deleted.status, await deleted.clone().text()).toBe(204);
    } finally {
      await holder.end();
    }
    expect((await tasks.get(doomed.id)).status).toBe(404);
    expect(await reminderRows(t, doomed.id)).toEqual([]);
    expect(await reminderRows(t, kept.id)).toEqual([
      { before: "P1D", fireAt: daysBefore(SUNDAY_9AM_NY, 1, "Europe/Berlin"), firedAt: null },
    ]);
  }, 20_000);
});
