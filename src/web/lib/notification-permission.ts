import { createStore } from "./create-store.js";

export type NotificationAccess = NotificationPermission | "unsupported";

function notificationApi(): typeof Notification | null {
  return typeof Notification === "function" ? Notification : null;
}

function currentAccess(): NotificationAccess {
  return notificationApi()?.permission ?? "unsupported";
}

/**
 * Whether this browser lets the app show notifications. It belongs to the browser, not to the
 * user, so it outlives a sign-out (the browser would keep it too).
 */
export const notificationAccess = createStore<NotificationAccess>(currentAccess());

/**
 * Asks the browser for permission to show notifications. Call it only from a click: browsers
 * ignore (or hold against the site) a request nobody asked for.
 */
export async function askForNotifications(): Promise<NotificationAccess> {
  const api = notificationApi();
  if (!api) return "unsupported";
  try {
    notificationAccess.set(await api.requestPermission());
  } catch {
    // Old Safari takes a callback and returns nothing; the permission is read back either way.
    notificationAccess.set(currentAccess());
  }
  return notificationAccess.get();
}

/** Reads the permission again (it may have changed in the browser's site settings). */
export function refreshNotificationAccess(): NotificationAccess {
  if (notificationAccess.get() !== currentAccess()) notificationAccess.set(currentAccess());
  return notificationAccess.get();
}
