import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import {
  createTaskWithReminders,
  dataOf,
  eventually,
  inMs,
  loggedReminders,
  nextReminder,
  openEvents,
  PUBLIC_URL,
  queuedReminders,
  reminderEmails,
  reminderWorldForFile,
  signUpUser,
  sleep,
} from "./reminder-world.js";

const world = reminderWorldForFile();

/** A minute and a second from now, with a one-minute reminder: it fires in about a second. */
const soon = () => ({ dueAt: inMs(61_000), reminders: ["PT1M"] });

describe("a reminder coming due", () => {
  it("fires once, about when it is due: an email to the verified owner and a reminder event on the open stream", async () => {
    const { t, inbox } = world;
    const tasks = await signUpUser(t, inbox, { name: "Ada", timeZone: "Europe/Berlin" });
    const stream = await openEvents(world, tasks.user);
    const task = await createTaskWithReminders(tasks, { title: "Water the plants", ...soon() });
    const fireAt = new Date(Date.parse(task.dueAt as string) - 60_000).toISOString();

    const event = await nextReminder(stream);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(fireAt));
    expect(dataOf(event)).toEqual({
      taskId: task.id,
      title: "Water the plants",
      dueAt: task.dueAt,
      before: "PT1M",
      fireAt,
    });

    await eventually(() => reminderEmails(inbox, tasks.user.email).length === 1);
    const [email] = reminderEmails(inbox, tasks.user.email);
    expect(email?.subject).toBe("Reminder: Water the plants");
    expect(email?.text).toContain("Hello Ada,");
    // The due time on the owner's wall clock, whatever the server's zone.
    const local = Temporal.Instant.from(task.dueAt as string).toZonedDateTimeISO("Europe/Berlin");
    const clock = `${local.hour % 12 || 12}:${String(local.minute).padStart(2, "0")} ${local.hour < 12 ? "AM" : "PM"}`;
    expect(email?.text).toContain(`“Water the plants” is due`);
    expect(email?.text).toContain(clock);
    expect(email?.text).toMatch(/GMT\+[12]\b/);
    expect(email?.text.split("\n")).toContain(`${PUBLIC_URL}/`);
    expect(email?.text).not.toContain("token=");
    expect(email?.html).toContain(`<a href="${PUBLIC_URL}/"`);

    // Several polls later: still one of each.
    await sleep(800);
    expect(reminderEmails(inbox, tasks.user.email)).toHaveLength(1);
    expect(await queuedReminders(t, tasks.user.email)).toHaveLength(1);
    expect(await loggedReminders(t, tasks.user.id)).toEqual([{ taskId: task.id }]);
    expect((await stream.collectFor(0)).filter((e) => e.event === "reminder")).toEqual([]);
  });

  it("writes the title as text in the email's HTML, never as markup", async () => {
    const { t, inbox } = world;
    const tasks = await signUpUser(t, inbox);
    await createTaskWithReminders(tasks, { title: `<img src=x onerror="alert(1)"> & rent`, ...soon() });
    await eventually(() => reminderEmails(inbox, tasks.user.email).length === 1);
    const [email] = reminderEmails(inbox, tasks.user.email);
    expect(email?.subject).toBe(`Reminder: <img src=x onerror="alert(1)"> & rent`);
    expect(email?.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; rent");
    expect(email?.html).not.toMatch(/<img/i);
  });

  it("fires nothing for a task completed or deleted before its time, while another task's fires", async () => {
    const { t, inbox } = world;
    const tasks = await signUpUser(t, inbox);
    const stream = await openEvents(world, tasks.user);
    const dueAt = inMs(62_000);
    const done = await createTaskWithReminders(tasks, { title: "Done early", dueAt, reminders: ["PT1M"] });
    const gone = await createTaskWithReminders(tasks, { title: "Deleted", dueAt, reminders: ["PT1M"] });
    const kept = await createTaskWithReminders(tasks, { title: "Still to do", dueAt, reminders: ["PT1M"] });
    expect((await tasks.complete(done.id, { completed: true })).status).toBe(200);
    expect((await tasks.remove(gone.id)).status).toBe(204);

    const event = await nextReminder(stream);
    expect(dataOf(event).taskId).toBe(kept.id);
    await eventually(() => reminderEmails(inbox, tasks.user.email).length === 1);
    await sleep(800);
    expect((await stream.collectFor(0)).filter((e) => e.event === "reminder")).toEqual([]);
    expect(reminderEmails(inbox, tasks.user.email).map((e) => e.subject)).toEqual(["Reminder: Still to do"]);
    expect(await queuedReminders(t, tasks.user.email)).toHaveLength(1);
    expect(await loggedReminders(t, tasks.user.id)).toEqual([{ taskId: kept.id }]);
  });

  it("reaches an unverified account's stream but sends it no email, while a verified one gets both", async () => {
    const { t, inbox } = world;
    const unverified = await signUpUser(t, inbox, { verified: false });
    const verified = await signUpUser(t, inbox);
    const stream = await openEvents(world, unverified.user);
    const task = await createTaskWithReminders(unverified, { title: "Anyone's address", ...soon() });
    await createTaskWithReminders(verified, { title: "Proven address", ...soon() });

    expect(dataOf(await nextReminder(stream)).taskId).toBe(task.id);
    await eventually(() => reminderEmails(inbox, verified.user.email).length === 1);
    await sleep(500);
    expect(reminderEmails(inbox, unverified.user.email)).toEqual([]);
    expect(await queuedReminders(t, unverified.user.email)).toEqual([]);
    expect(await loggedReminders(t, unverified.user.id)).toEqual([{ taskId: task.id }]);
  });
});

describe("a reminder whose task's dueAt moves", () => {
  it("fires at the new time, once: later when moved later, sooner when moved sooner", async () => {
    const { t, inbox } = world;
    const tasks = await signUpUser(t, inbox);
    const stream = await openEvents(world, tasks.user);
    const later = await createTaskWithReminders(tasks, { title: "Moved later", ...soon() });
    const sooner = await createTaskWithReminders(tasks, {
      title: "Moved sooner",
      dueAt: inMs(600_000),
      reminders: ["PT1M"],
    });
    const laterDue = inMs(63_000);
    const soonerDue = inMs(61_500);
    expect((await tasks.patch(later.id, { dueAt: laterDue })).status).toBe(200);
    expect((await tasks.patch(sooner.id, { dueAt: soonerDue })).status).toBe(200);
    const original = Date.parse(later.dueAt as string) - 60_000;

    const first = dataOf(await nextReminder(stream));
    expect(first).toEqual({
      taskId: sooner.id,
      title: "Moved sooner",
      dueAt: soonerDue,
      before: "PT1M",
      fireAt: new Date(Date.parse(soonerDue) - 60_000).toISOString(),
    });
    // Past the time the moved-later reminder had at first: it has not fired.
    await sleep(Math.max(0, original + 500 - Date.now()));
    expect((await loggedReminders(t, tasks.user.id)).map((e) => e.taskId)).toEqual([sooner.id]);

    const second = dataOf(await nextReminder(stream));
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(laterDue) - 60_000);
    expect(second).toMatchObject({
      taskId: later.id,
      dueAt: laterDue,
      fireAt: new Date(Date.parse(laterDue) - 60_000).toISOString(),
    });
    await eventually(() => reminderEmails(inbox, tasks.user.email).length === 2);
    await sleep(500);
    expect(
      reminderEmails(inbox, tasks.user.email)
        .map((e) => e.subject)
        .sort(),
    ).toEqual(["Reminder: Moved later", "Reminder: Moved sooner"]);
    expect(await loggedReminders(t, tasks.user.id)).toHaveLength(2);
  });
});

describe("a reminder read from the log later", () => {
  it("is replayed to a stream that resumes before it, unless its task was completed since", async () => {
    const { t, inbox } = world;
    const tasks = await signUpUser(t, inbox);
    const since = await createTaskWithReminders(tasks, { title: "Done since", ...soon() });
    const open = await createTaskWithReminders(tasks, { title: "Still open", ...soon() });
    await eventually(async () => (await loggedReminders(t, tasks.user.id)).length === 2);
    expect((await tasks.complete(since.id, { completed: true })).status).toBe(200);

    // From the start of the log: both creates, one reminder (the other's task is done), the completion.
    const stream = await openEvents(world, tasks.user, world.served, "0");
    const events = [await stream.next(), await stream.next(), await stream.next(), await stream.next()];
    expect(events.map((e) => e.event)).toEqual(["task.created", "task.created", "reminder", "task.updated"]);
    const reminder = events[2] as (typeof events)[number];
    expect(dataOf(reminder)).toMatchObject({ taskId: open.id, title: "Still open", before: "PT1M" });
    // Its id is its place in the log; the skipped reminder's place is passed over, not reused.
    expect(events.map((e) => Number(e.id))).toEqual([1, 2, expect.any(Number), 5]);
    expect(await stream.collectFor(300)).toEqual([]);
  });
});
