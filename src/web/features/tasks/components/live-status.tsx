import { useEffect, useState } from "react";
import { useStore } from "../../../lib/create-store.js";
import { liveState } from "../api/live-tasks.js";

/** A drop shorter than this is not worth telling anyone about. */
const QUIET_MS = 2000;

/**
 * "Live" while the event stream is open, "Reconnecting…" once it has been down for a moment. A
 * status role, so a screen reader hears a change in passing, never an interruption; brief drops
 * (a reconnect after the token's renewal) say nothing.
 */
export function LiveStatus() {
  const state = useStore(liveState);
  const down = state === "reconnecting";
  const [longDown, setLongDown] = useState(false);
  useEffect(() => {
    if (!down) {
      setLongDown(false);
      return;
    }
    const timer = setTimeout(() => setLongDown(true), QUIET_MS);
    return () => clearTimeout(timer);
  }, [down]);

  const label = state === "live" ? "Live" : longDown ? "Reconnecting…" : "";
  return (
    <p role="status" className="inline-flex min-w-0 items-center gap-1.5 text-xs text-slate-600 dark:text-slate-400">
      {label ? (
        <>
          <span
            aria-hidden="true"
            className={`size-2 shrink-0 rounded-full ${state === "live" ? "bg-emerald-500" : "bg-amber-500 motion-safe:animate-pulse"}`}
          />
          <span>{label}</span>
        </>
      ) : null}
    </p>
  );
}
