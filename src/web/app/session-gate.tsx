import { type ReactNode, useEffect } from "react";
import { BrandMark } from "../components/brand-mark.js";
import { Button } from "../components/button.js";
import { Spinner } from "../components/spinner.js";
import { paths, safeNextPath, withoutPersonalParams } from "../config/paths.js";
import { session } from "../lib/api.js";
import { navigate, useLocation, useSearchParams } from "../lib/router.js";
import { useSession } from "../lib/use-session.js";

/**
 * Shows its page only to a signed-in user. Anyone else goes to /signin, with the page they were
 * on remembered in `?next=` so that signing in brings them back to it (without a search or tag:
 * whoever signs in next may be someone else).
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const snapshot = useSession();
  const { pathname, search } = useLocation();
  const signedOut = snapshot.status === "signed-out";
  useEffect(() => {
    if (!signedOut) return;
    const here = withoutPersonalParams(`${pathname}${search}`);
    navigate(paths.signin.href(snapshot.reason === "signed-out" ? undefined : here), { replace: true });
  }, [signedOut, pathname, search, snapshot]);
  if (snapshot.status === "signed-in") return children;
  if (snapshot.status === "unreachable") return <Unreachable />;
  return <Splash />;
}

/** Shows sign-in and sign-up only to signed-out users; a signed-in user goes on to `next`. */
export function GuestOnly({ children }: { children: ReactNode }) {
  const snapshot = useSession();
  const next = useSearchParams().get("next");
  const signedIn = snapshot.status === "signed-in";
  useEffect(() => {
    if (signedIn) navigate(safeNextPath(next), { replace: true });
  }, [signedIn, next]);
  if (snapshot.status === "signed-out") return children;
  if (snapshot.status === "unreachable") return <Unreachable />;
  return <Splash />;
}

/**
 * Shows its page to anyone, once the session is known (so that the page can tell whether someone
 * is signed in); while the server cannot be reached it still shows it: an emailed link's page
 * says by itself when it cannot reach the server.
 */
export function AnyoneOnceKnown({ children }: { children: ReactNode }) {
  const snapshot = useSession();
  if (snapshot.status === "loading") return <Splash />;
  return children;
}

function Splash() {
  return (
    <div className="flex min-h-dvh flex-col items-center justify-center gap-4 text-slate-600 dark:text-slate-400">
      <BrandMark />
      <Spinner label="Loading…" />
    </div>
  );
}

/** The session could not be checked: say so, and try again by itself every few seconds. */
function Unreachable() {
  useEffect(() => {
    const timer = setInterval(() => void session.restore(), 5000);
    return () => clearInterval(timer);
  }, []);
  return (
    <main id="main" className="flex min-h-dvh flex-col items-center justify-center gap-4 px-6 text-center">
      <BrandMark />
      <h1 className="text-xl font-semibold">Can't reach Taskvault</h1>
      <p className="max-w-sm text-sm text-slate-600 dark:text-slate-400">
        Check your connection. This page tries again by itself every few seconds.
      </p>
      <Button onClick={() => void session.restore()}>Try again now</Button>
    </main>
  );
}
