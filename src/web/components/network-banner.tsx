import { useSyncExternalStore } from "react";
import { useStore } from "../lib/create-store.js";
import { networkProblems, retryNetworkFailures } from "../lib/network-problems.js";
import { WifiOffIcon } from "./icons.js";

function subscribeOnline(listener: () => void) {
  window.addEventListener("online", listener);
  window.addEventListener("offline", listener);
  return () => {
    window.removeEventListener("online", listener);
    window.removeEventListener("offline", listener);
  };
}

/**
 * A non-blocking banner while the server cannot be reached: the page stays usable, what was typed
 * stays where it was, and Retry runs again whatever failed.
 */
export function NetworkBanner() {
  const failures = useStore(networkProblems);
  const online = useSyncExternalStore(subscribeOnline, () => navigator.onLine);
  if (online && failures.length === 0) return null;
  return (
    <div
      role="status"
      className="sticky top-0 z-40 border-b border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <div className="mx-auto flex max-w-6xl items-center gap-3 px-4 py-1.5 text-sm">
        <WifiOffIcon />
        <p className="min-w-0 flex-1">
          {online ? "Can't reach Taskvault right now." : "You're offline."} Nothing you typed is lost.
        </p>
        <button
          type="button"
          onClick={retryNetworkFailures}
          className="min-h-11 shrink-0 rounded-lg px-3 font-semibold underline underline-offset-2 hover:bg-amber-100 dark:hover:bg-amber-900"
        >
          Retry
        </button>
      </div>
    </div>
  );
}
