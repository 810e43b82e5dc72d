import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ReminderLimits } from "../../src/server/reminders/reminder-scheduler.js";
import { type SmtpInbox, startSmtpInbox } from "../helpers/smtp-inbox.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import type { TestDatabase } from "../helpers/test-database.js";
import type { TasksApi } from "../tasks/helpers.js";
import {
  createTaskWithReminders,
  eventually,
  FAST_EMAIL,
  FAST_REMINDERS,
  inMs,
  loggedReminders,
  PUBLIC_URL,
  queuedReminders,
  reminderEmails,
  signUpUser,
  sleep,
} from "./reminder-world.js";

// Several schedulers on one database, one that starts late, one whose transaction fails: each
// reminder is delivered once, whatever happens. Two apps share the database as two processes
// would (on PGlite, one handle; on PostgreSQL, one database); reminder-processes.test.ts runs
// real processes.

let inbox: SmtpInbox;
/** Apps of the running test, closed after it: the ones on another's database first. */
let apps: TestApp[] = [];
beforeAll(async () => {
  inbox = await startSmtpInbox();
});
afterEach(async () => {
  for (const app of apps.reverse()) await app.close();
  apps = [];
});
afterAll(async () => {
  await inbox.stop();
});

/** An app on `database` (a fresh one if absent), with a scheduler unless `reminders` is false. */
async function startApp(
  database: TestDatabase | undefined,
  reminders: Partial<ReminderLimits> | false = FAST_REMINDERS,
): Promise<TestApp> {
  const app = await createTestApp({
    ...(database ? { database } : {}),
    env: { SMTP_URL: inbox.url, PUBLIC_URL },
    emailSender: FAST_EMAIL,
    ...(reminders ? { reminderScheduler: { ...FAST_REMINDERS, ...reminders } } : {}),
  });
  apps.push(app);
  return app;
}

/** How many batches each app's scheduler logged, and how many reminders they fired in all. */
function firedBatches(app: TestApp): { fired: number; batchSize: number }[] {
  return app.logs
    .filter((line) => line.msg === "reminders: fired a batch")
    .map((line) => ({ fired: Number(line.fired), batchSize: Number(line.batchSize) }));
}

/** The subjects of the reminder emails `tasks`' owner received, sorted. */
const subjectsOf = (tasks: TasksApi) =>
  reminderEmails(inbox, tasks.user.email)
    .map((email) => email.subject)
    .sort();

/** Reminders per owner in the backlog test: 3 owners, so several batches of 25 either way. */
const PER_OWNER = 40;

describe("several schedulers on one database", () => {
  it("deliver each reminder once: one email, one outbox row, one event, and both take part", async () => {
    const first = await startApp(undefined);
    const second = await startApp(first.database);
    const owners = [await signUpUser(first, inbox), await signUpUser(second, inbox)];
    // Due one after another over about two seconds, so that both schedulers find some.
    const titles: string[][] = [[], []];
    for (let i = 0; i < 20; i++) {
      const owner = i % 2;
      const tasks = owners[owner] as TasksApi;
      const title = `Staggered ${String(i).padStart(2, "0")}`;
      titles[owner]?.push(`Reminder: ${title}`);
      await createTaskWithReminders(tasks, { title, dueAt: inMs(60_800 + i * 100), reminders: ["PT1M"] });
    }

    await eventually(() => owners.every((tasks, i) => subjectsOf(tasks).length === titles[i]?.length), 15_000);
    await sleep(1_000);
    for (const [i, tasks] of owners.entries()) {
      expect(subjectsOf(tasks)).toEqual(titles[i]);
      expect(await queuedReminders(first, tasks.user.email)).toHaveLength(10);
      const events = await loggedReminders(first, tasks.user.id);
      expect(new Set(events.map((e) => e.taskId)).size).toBe(10);
      expect(events).toHaveLength(10);
    }
    const [byFirst = 0, bySecond = 0] = [first, second].map((app) =>
      firedBatches(app).reduce((sum, batch) => sum + batch.fired, 0),
    );
    expect(byFirst + bySecond).toBe(20);
    expect(byFirst).toBeGreaterThan(0);
    expect(bySecond).toBeGreaterThan(0);
  }, 40_000);

  it("deliver a backlog that came due while none ran once each, in batches no larger than asked", async () => {
    const down = await startApp(undefined, false);
    const owners = [await signUpUser(down, inbox), await signUpUser(down, inbox), await signUpUser(down, inbox)];
    // All 120 come due together once created, while no scheduler runs (the service is down).
    const firesAt = Date.now() + 5_000;
    const dueAt = new Date(firesAt + 60_000).toISOString();
    await Promise.all(
      owners.map(async (tasks, owner) => {
        for (let i = 0; i < PER_OWNER; i++) {
          const title = `Backlog ${owner}-${String(i).padStart(3, "0")}`;
          await createTaskWithReminders(tasks, { title, dueAt, reminders: ["PT1M"] });
        }
      }),
    );
    // Created while every reminder was still ahead, so each one came due during the downtime.
    expect(Date.now()).toBeLessThan(firesAt);
    await sleep(firesAt - Date.now() + 300);
    for (const tasks of owners) expect(await queuedReminders(down, tasks.user.email)).toEqual([]);

    const batchSize = 25;
    const up = [await startApp(down.database, { batchSize }), await startApp(down.database, { batchSize })];
    await eventually(async () => {
      const counts = await Promise.all(owners.map((tasks) => queuedReminders(down, tasks.user.email)));
      return counts.every((rows) => rows.length >= PER_OWNER);
    }, 20_000);
    await eventually(() => owners.every((tasks) => subjectsOf(tasks).length >= PER_OWNER), 30_000);
    await sleep(500);

    for (const [owner, tasks] of owners.entries()) {
      const expected = Array.from(
        { length: PER_OWNER },
        (_, i) => `Reminder: Backlog ${owner}-${String(i).padStart(3, "0")}`,
      );
      expect(subjectsOf(tasks)).toEqual(expected);
      expect(await queuedReminders(down, tasks.user.email)).toHaveLength(PER_OWNER);
      const events = await loggedReminders(down, tasks.user.id);
      expect(events).toHaveLength(PER_OWNER);
      expect(new Set(events.map((e) => e.taskId)).size).toBe(PER_OWNER);
    }
    const batches = up.flatMap(firedBatches);
    expect(batches.reduce((sum, batch) => sum + batch.fired, 0)).toBe(3 * PER_OWNER);
    expect(Math.max(...batches.map((batch) => batch.fired))).toBeLessThanOrEqual(batchSize);
    expect(batches.length).toBeGreaterThanOrEqual((3 * PER_OWNER) / batchSize);
  }, 90_000);
});

describe("a scheduler that starts after its reminders came due", () => {
  it("delivers them once, and one started later still does not repeat them", async () => {
    const down = await startApp(undefined, false);
    const tasks = await signUpUser(down, inbox);
    const task = await createTaskWithReminders(tasks, {
      title: "Came due during downtime",
      dueAt: inMs(60_300),
      reminders: ["PT1M"],
    });
    await sleep(1_000);
    expect(await queuedReminders(down, tasks.user.email)).toEqual([]);
    expect(await loggedReminders(down, tasks.user.id)).toEqual([]);

    const up = await startApp(down.database);
    await eventually(() => reminderEmails(inbox, tasks.user.email).length === 1);
    await up.reminderScheduler?.stop();
    const again = await startApp(down.database);
    await sleep(800);
    expect(firedBatches(again)).toEqual([]);
    expect(subjectsOf(tasks)).toEqual(["Reminder: Came due during downtime"]);
    expect(await queuedReminders(down, tasks.user.email)).toHaveLength(1);
    expect(await loggedReminders(down, tasks.user.id)).toEqual([{ taskId: task.id }]);
  }, 30_000);
});

describe("a scheduler whose transaction fails", () => {
  it("leaves the reminder pending, with no event and no email, and delivers it once when the fault is gone", async () => {
    const t = await startApp(undefined);
    const db = t.database.handle.db;
    // A fault inside the transaction, after the row was marked fired and the event logged: the
    // reminder's email cannot be queued (as if the database failed at that moment).
    await db.execute(sql`
      create function refuse_reminder_email() returns trigger language plpgsql as $$
      begin raise exception 'the outbox refuses reminder emails'; end $$`);
    await db.execute(sql`
      create trigger refuse_reminder_email before insert on email_outbox
      for each row when (new.kind = 'task-reminder') execute function refuse_reminder_email()`);
    const tasks = await signUpUser(t, inbox);
    const task = await createTaskWithReminders(tasks, {
      title: "Survives a fault",
      dueAt: inMs(60_300),
      reminders: ["PT1M"],
    });

    await eventually(() => t.logs.filter((line) => line.msg === "reminders: run failed").length >= 3);
    // The database's words, not the statement's parameters (the address, the title).
    const failure = t.logs.find((line) => line.msg === "reminders: run failed");
    expect(failure?.err).toBe("the outbox refuses reminder emails");
    expect(await loggedReminders(t, tasks.user.id)).toEqual([]);
    const pending = await db.execute(sql`select fired_at from task_reminders where task_id = ${task.id}`);
    expect((pending as unknown as { rows: { fired_at: unknown }[] }).rows).toEqual([{ fired_at: null }]);

    await db.execute(sql`drop trigger refuse_reminder_email on email_outbox`);
    await eventually(() => reminderEmails(inbox, tasks.user.email).length === 1);
    await sleep(800);
    expect(subjectsOf(tasks)).toEqual(["Reminder: Survives a fault"]);
    expect(await loggedReminders(t, tasks.user.id)).toEqual([{ taskId: task.id }]);
  }, 30_000);
});

// A row lock held from another connection: PGlite has one connection, so only PostgreSQL can.
const describeOnPostgres = process.env.TEST_DATABASE_URL ? describe : () => {};

describeOnPostgres("a scheduler meeting an owner whose row another transaction holds", () => {
  it("fires the other owners' reminders meanwhile, even one batch at a time, and the held one's once it is free", async () => {
    const t = await startApp(undefined, { batchSize: 1 });
    const held = await signUpUser(t, inbox);
    const free = await signUpUser(t, inbox);
    // The held owner's reminder comes due first: a batch that counted it would take nothing else.
    await createTaskWithReminders(held, { title: "Owner held", dueAt: inMs(61_000), reminders: ["PT1M"] });
    await createTaskWithReminders(free, { title: "Owner free", dueAt: inMs(61_200), reminders: ["PT1M"] });
    const holder = new pg.Client({ connectionString: t.database.url });
    await holder.connect();
    try {
      await holder.query("begin");
      await holder.query("select 1 from users where id = $1 for no key update", [held.user.id]);
      await eventually(() => reminderEmails(inbox, free.user.email).length === 1);
      await sleep(500);
      expect(reminderEmails(inbox, held.user.email)).toEqual([]);
      expect(await loggedReminders(t, held.user.id)).toEqual([]);
      await holder.query("commit");
    } finally {
      await holder.end();
    }
    await eventually(() => reminderEmails(inbox, held.user.email).length === 1);
    await sleep(500);
    expect(subjectsOf(held)).toEqual(["Reminder: Owner held"]);
    expect(subjectsOf(free)).toEqual(["Reminder: Owner free"]);
    expect(t.logs.filter((line) => line.msg === "reminders: run failed")).toEqual([]);
  }, 30_000);
});
