import { z } from "zod";
import { createUserStore, onForgetUser } from "../../../lib/forget-user.js";
import { refreshNotificationAccess } from "../../../lib/notification-permission.js";
import { showToast } from "../../../lib/toasts.js";
import { describeDue } from "./due-date.js";

/** The live stream's `reminder` event. */
export const reminderEventSchema = z.object({
  taskId: z.string(),
  title: z.string(),
  dueAt: z.string().nullable(),
  before: z.string(),
  fireAt: z.string(),
});
export type ReminderEvent = z.infer<typeof reminderEventSchema>;

/** How many recent reminders are remembered, so that one delivered twice shows once. */
const REMEMBERED = 50;
/** Browser notifications left open at once; the oldest is closed to make room. */
const OPEN_NOTIFICATIONS = 5;
export const REMINDER_TOAST_MS = 10_000;

// Both name the user's tasks: they go when the user is forgotten.
const recentReminders = createUserStore<string[]>([]);
const openNotifications: Notification[] = [];
onForgetUser(() => {
  for (const notification of openNotifications.splice(0)) notification.close();
});

/**
 * When the task is due, as said after "due": "9:00 AM" today, else "tomorrow, 9:00 AM" or
 * "Tue 3 Feb, 9:00 AM"; a due day without a time is just the day.
 */
export function dueWords(dueAt: string, now = new Date()): string {
  const { label } = describeDue(dueAt, now);
  if (label.startsWith("Today, ")) return label.slice("Today, ".length);
  return label.replace(/^(Today|Tomorrow|Yesterday)/, (word) => word.toLowerCase());
}

/** The words of a reminder: "Reminder: Water the plants — due 9:00 AM". */
export function reminderText(event: ReminderEvent, now = new Date()): string {
  return `Reminder: ${event.title}${event.dueAt ? ` — due ${dueWords(event.dueAt, now)}` : ""}`;
}

function notify(event: ReminderEvent, key: string): boolean {
  try {
    const notification = new Notification(`Reminder: ${event.title}`, {
      body: event.dueAt ? `Due ${dueWords(event.dueAt)}` : "",
      tag: key,
    });
    notification.onclick = () => {
      window.focus();
      notification.close();
    };
    notification.onclose = () => {
      const i = openNotifications.indexOf(notification);
      if (i >= 0) openNotifications.splice(i, 1);
    };
    openNotifications.push(notification);
    while (openNotifications.length > OPEN_NOTIFICATIONS) openNotifications.shift()?.close();
    return true;
  } catch {
    // Some browsers (Chrome on Android) allow notifications only through a service worker.
    return false;
  }
}

/**
 * Shows a reminder that fired while the app is open: as a browser notification when the user has
 * allowed them, otherwise as a toast. Each (task, reminder, due time) shows once, however often
 * the stream delivers it; what is kept for that is bounded, like the toasts themselves.
 */
export function showReminder(event: ReminderEvent): void {
  const key = `${event.taskId}:${event.before}:${event.dueAt}`;
  if (recentReminders.get().includes(key)) return;
  recentReminders.set((keys) => [...keys.slice(-(REMEMBERED - 1)), key]);
  if (refreshNotificationAccess() === "granted" && notify(event, key)) return;
  showToast({ message: reminderText(event), durationMs: REMINDER_TOAST_MS });
}

/** The stream's `reminder` data, shown; anything malformed is ignored. */
export function handleReminderEvent(data: string): void {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return;
  }
  const event = reminderEventSchema.safeParse(body);
  if (event.success) showReminder(event.data);
}
