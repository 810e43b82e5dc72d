import { type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect } from "react";
import { NetworkBanner } from "../components/network-banner.js";
import { ToastRegion } from "../components/toast-region.js";
import { useLiveTasks } from "../features/tasks/api/live-tasks.js";
import { session } from "../lib/api.js";
import { forgetUserWhenSessionEnds } from "../lib/forget-user.js";
import { endAllToasts } from "../lib/toasts.js";
import { Routes } from "./routes.js";
import { SkipLink } from "./skip-link.js";

/** The whole app: server-state cache, the page for the URL, the banner and the toasts. */
export function App({ queryClient }: { queryClient: QueryClient }) {
  // However a session ends, nothing of that user's stays for the next person at this tab.
  useEffect(() => forgetUserWhenSessionEnds(session, queryClient), [queryClient]);

  useEffect(() => {
    // Closing the tab finishes what an open undo toast was waiting to do (a delete).
    window.addEventListener("pagehide", endAllToasts);
    return () => window.removeEventListener("pagehide", endAllToasts);
  }, []);

  return (
    <QueryClientProvider client={queryClient}>
      <SkipLink />
      <NetworkBanner />
      <LiveUpdates />
      <Routes />
      <ToastRegion />
    </QueryClientProvider>
  );
}

/** One event stream per tab, while someone is signed in, whatever page is showing. */
function LiveUpdates() {
  useLiveTasks();
  return null;
}
