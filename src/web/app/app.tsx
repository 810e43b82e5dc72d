import { type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect } from "react";
import { NetworkBanner } from "../components/network-banner.js";
import { ToastRegion } from "../components/toast-region.js";
import { session } from "../lib/api.js";
import { endAllToasts } from "../lib/toasts.js";
import { Routes } from "./routes.js";
import { SkipLink } from "./skip-link.js";

/** The whole app: server-state cache, the page for the URL, the banner and the toasts. */
export function App({ queryClient }: { queryClient: QueryClient }) {
  useEffect(() => {
    // Another user's tasks must never be shown from the cache, so leaving a session empties it.
    let signedInAs: string | null = null;
    return session.subscribe(() => {
      const snapshot = session.getSnapshot();
      const now = snapshot.status === "signed-in" ? snapshot.user.id : null;
      if (signedInAs && now !== signedInAs && snapshot.status !== "loading") queryClient.clear();
      if (snapshot.status !== "loading") signedInAs = now;
    });
  }, [queryClient]);

  useEffect(() => {
    // Closing the tab finishes what an open undo toast was waiting to do (a delete).
    window.addEventListener("pagehide", endAllToasts);
    return () => window.removeEventListener("pagehide", endAllToasts);
  }, []);

  return (
    <QueryClientProvider client={queryClient}>
      <SkipLink />
      <NetworkBanner />
      <Routes />
      <ToastRegion />
    </QueryClientProvider>
  );
}
