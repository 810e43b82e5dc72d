import { useEffect, useRef } from "react";
import { useStore } from "../lib/create-store.js";
import { endToast, type Toast, toastStore } from "../lib/toasts.js";
import { IconButton } from "./button.js";
import { CloseIcon } from "./icons.js";

/** Where toasts appear: bottom of the screen, above the thumb, announced politely. */
export function ToastRegion() {
  const toasts = useStore(toastStore);
  return (
    <section
      aria-label="Notifications"
      aria-live="polite"
      className="pointer-events-none fixed inset-x-0 bottom-0 z-50 flex flex-col items-center gap-2 px-3 pb-[max(1rem,env(safe-area-inset-bottom))]"
    >
      {toasts.map((toast) => (
        <ToastCard key={toast.id} toast={toast} />
      ))}
    </section>
  );
}

/** One toast. Its timer pauses while the pointer or the keyboard focus is on it. */
function ToastCard({ toast }: { toast: Toast }) {
  const remaining = useRef(toast.durationMs);
  const startedAt = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  function start() {
    startedAt.current = Date.now();
    clearTimeout(timer.current);
    timer.current = setTimeout(() => endToast(toast.id, "timeout"), remaining.current);
  }
  function pause() {
    clearTimeout(timer.current);
    remaining.current = Math.max(1000, remaining.current - (Date.now() - startedAt.current));
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: the timer starts once per toast.
  useEffect(() => {
    start();
    return () => clearTimeout(timer.current);
  }, [toast.id]);

  const colours =
    toast.tone === "error"
      ? "bg-red-800 text-white dark:bg-red-200 dark:text-red-950"
      : "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900";
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: pausing on hover is a courtesy, not a control.
    <div
      className={`pointer-events-auto flex w-full max-w-md items-center gap-2 rounded-xl py-1 pr-1 pl-4 text-sm shadow-lg motion-safe:animate-toast-in ${colours}`}
      onMouseEnter={pause}
      onMouseLeave={start}
      onFocus={pause}
      onBlur={start}
      role={toast.tone === "error" ? "alert" : undefined}
    >
      <p className="min-w-0 flex-1 py-2 break-words">{toast.message}</p>
      {toast.action ? (
        <button
          type="button"
          className="min-h-11 shrink-0 rounded-lg px-3 font-semibold underline-offset-2 hover:underline"
          onClick={() => {
            toast.action?.onAction();
            endToast(toast.id, "action");
          }}
        >
          {toast.action.label}
        </button>
      ) : null}
      <IconButton
        label="Dismiss"
        onClick={() => endToast(toast.id, "dismiss")}
        className="text-current opacity-80 hover:bg-white/10 hover:text-current hover:opacity-100 dark:text-current dark:hover:bg-black/10 dark:hover:text-current"
      >
        <CloseIcon />
      </IconButton>
    </div>
  );
}
