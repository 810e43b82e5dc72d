import { createUserStore } from "./forget-user.js";

export type ToastEnd = "timeout" | "action" | "dismiss";

export interface Toast {
  id: number;
  message: string;
  tone: "info" | "error";
  action?: { label: string; onAction(): void };
  durationMs: number;
  /** Called once, whichever way the toast goes away; may return the work it starts. */
  onEnd?(how: ToastEnd): Promise<unknown> | undefined;
}

// Toasts name the user's tasks, so they go when the user is forgotten (without their endings).
export const toastStore = createUserStore<Toast[]>([]);
let nextId = 1;

/** Toasts on screen at once. */
const MAX_TOASTS = 3;

/**
 * Shows a toast; returns its id. Errors stay longer than confirmations. With MAX_TOASTS already
 * shown, one makes room: the oldest without an action (a notice, a reminder) if there is one, so
 * that a burst of notices does not take an Undo away, else the oldest. It ends as if it timed
 * out, so the work its ending does (a delete whose undo window closes) still happens.
 */
export function showToast(
  toast: Omit<Toast, "id" | "durationMs" | "tone"> & Partial<Pick<Toast, "durationMs" | "tone">>,
) {
  const id = nextId++;
  const tone = toast.tone ?? "info";
  const full: Toast = { durationMs: tone === "error" ? 8000 : 5000, ...toast, tone, id };
  for (let shown = toastStore.get(); shown.length >= MAX_TOASTS; shown = toastStore.get()) {
    const leaving = shown.find((t) => !t.action) ?? (shown[0] as Toast);
    void endToast(leaving.id, "timeout");
  }
  toastStore.set((toasts) => [...toasts, full]);
  return id;
}

/** Removes a toast and tells its owner how it ended; returns the work its ending started, if any. */
export function endToast(id: number, how: ToastEnd): Promise<unknown> | undefined {
  const toast = toastStore.get().find((t) => t.id === id);
  if (!toast) return;
  toastStore.set((toasts) => toasts.filter((t) => t.id !== id));
  return toast.onEnd?.(how);
}

/**
 * Ends every toast as if it timed out, so that the work they were waiting for is done (on page
 * hide, and before signing out); resolves when that work has settled.
 */
export async function endAllToasts(): Promise<void> {
  await Promise.allSettled(toastStore.get().map((toast) => endToast(toast.id, "timeout")));
}
