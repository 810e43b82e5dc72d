import { createStore } from "./create-store.js";

export type ToastEnd = "timeout" | "action" | "dismiss";

export interface Toast {
  id: number;
  message: string;
  tone: "info" | "error";
  action?: { label: string; onAction(): void };
  durationMs: number;
  /** Called once, whichever way the toast goes away. */
  onEnd?(how: ToastEnd): void;
}

export const toastStore = createStore<Toast[]>([]);
let nextId = 1;

/** Shows a toast; returns its id. Errors stay longer than confirmations. */
export function showToast(
  toast: Omit<Toast, "id" | "durationMs" | "tone"> & Partial<Pick<Toast, "durationMs" | "tone">>,
) {
  const id = nextId++;
  const tone = toast.tone ?? "info";
  const full: Toast = { durationMs: tone === "error" ? 8000 : 5000, ...toast, tone, id };
  toastStore.set((toasts) => [...toasts.slice(-2), full]);
  return id;
}

/** Removes a toast and tells its owner how it ended. */
export function endToast(id: number, how: ToastEnd): void {
  const toast = toastStore.get().find((t) => t.id === id);
  if (!toast) return;
  toastStore.set((toasts) => toasts.filter((t) => t.id !== id));
  toast.onEnd?.(how);
}

/** Ends every toast as if it timed out (on page hide, so pending work is finished). */
export function endAllToasts(): void {
  for (const toast of toastStore.get()) endToast(toast.id, "timeout");
}
