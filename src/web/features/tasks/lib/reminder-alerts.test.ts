// @vitest-environment happy-dom
import { QueryClient } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { forgetUser } from "../../../lib/forget-user.js";
import { toastStore } from "../../../lib/toasts.js";
import { user } from "../../../test/fake-server.js";
import { followTaskEvents } from "../api/live-tasks.js";
import { REMINDER_TOAST_MS, type ReminderEvent, reminderText, showReminder } from "./reminder-alerts.js";

const today9 = () => {
  const d = new Date();
  d.setHours(9, 0, 0, 0);
  return d.toISOString();
};

function reminder(overrides: Partial<ReminderEvent> = {}): ReminderEvent {
  return {
    taskId: "t1",
    title: "Water the plants",
    dueAt: today9(),
    before: "PT15M",
    fireAt: new Date(Date.parse(today9()) - 15 * 60_000).toISOString(),
    ...overrides,
  };
}

/** A Notification double with the permission the test gives it; keeps what it was asked to show. */
function stubNotifications(permission: NotificationPermission) {
  const shown: { title: string; options?: NotificationOptions; closed: boolean }[] = [];
  class FakeNotification {
    static permission = permission;
    static requestPermission = vi.fn(async () => permission);
    onclick: (() => void) | null = null;
    onclose: (() => void) | null = null;
    private entry: (typeof shown)[number];
    constructor(title: string, options?: NotificationOptions) {
      this.entry = { title, options, closed: false };
      shown.push(this.entry);
    }
    close() {
      this.entry.closed = true;
    }
  }
  vi.stubGlobal("Notification", FakeNotification);
  return shown;
}

const messages = () => toastStore.get().map((t) => t.message);

beforeEach(() => forgetUser(new QueryClient()));
afterEach(() => vi.unstubAllGlobals());

describe("a reminder that fires while the app is open", () => {
  it("shows as a toast naming the task and its due time when notifications are not allowed", () => {
    stubNotifications("default");
    showReminder(reminder());
    const time = new Date(today9()).toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });
    expect(messages()).toEqual([`Reminder: Water the plants — due ${time}`]);
    expect(toastStore.get()[0]?.durationMs).toBe(REMINDER_TOAST_MS);
  });

  it("says the day when the task is not due today", () => {
    const now = new Date(2026, 4, 10, 8, 0);
    const tomorrow = new Date(2026, 4, 11, 9, 0).toISOString();
    expect(reminderText(reminder({ dueAt: tomorrow }), now)).toMatch(
      /^Reminder: Water the plants — due tomorrow, 9:00/,
    );
  });

  it("shows as a browser notification, and no toast, once the user has allowed them", () => {
    const shown = stubNotifications("granted");
    showReminder(reminder());
    expect(shown).toEqual([
      expect.objectContaining({
        title: "Reminder: Water the plants",
        options: expect.objectContaining({ body: expect.stringMatching(/^Due /) }),
      }),
    ]);
    expect(messages()).toEqual([]);
  });

  it("shows each reminder once, however often it is delivered, and never more than three toasts", () => {
    stubNotifications("denied");
    showReminder(reminder());
    showReminder(reminder());
    expect(messages()).toHaveLength(1);
    for (let i = 0; i < 20; i++) showReminder(reminder({ taskId: `t${i + 2}`, title: `Task ${i}` }));
    expect(messages()).toEqual([
      expect.stringContaining("Task 17"),
      expect.stringContaining("Task 18"),
      expect.stringContaining("Task 19"),
    ]);
  });

  it("is gone, toast or notification, once the user is forgotten (sign-out)", () => {
    stubNotifications("denied");
    showReminder(reminder());
    const notifications = stubNotifications("granted");
    showReminder(reminder({ taskId: "t2" }));
    forgetUser(new QueryClient());
    expect(messages()).toEqual([]);
    expect(notifications.map((n) => n.closed)).toEqual([true]);
    // Forgotten too: the next person may be shown the same reminder again.
    stubNotifications("denied");
    showReminder(reminder());
    expect(messages()).toHaveLength(1);
  });

  it("arrives through the live stream and is shown at once, even while a task change is in flight", async () => {
    stubNotifications("default");
    const data = JSON.stringify(reminder({ title: "Call the dentist" }));
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start: (c) => c.enqueue(encoder.encode(`event: reminder\ndata: ${data}\nid: 7\n\n`)),
    });
    const fetch = vi.fn(async () => new Response(body, { headers: { "content-type": "text/event-stream" } }));
    const client = new QueryClient();
    // A change of this tab in flight: task events would wait for it, a reminder does not.
    void client
      .getMutationCache()
      .build(client, { mutationKey: ["tasks"], mutationFn: () => new Promise(() => {}) })
      .execute(undefined);
    const stop = followTaskEvents(client, user.id, {
      fetch,
      session: { accessToken: async () => "token", tokenAfterRejection: async () => null },
    });
    await vi.waitFor(() => expect(messages()).toEqual([expect.stringMatching(/^Reminder: Call the dentist — due /)]));
    stop();
  });
});
