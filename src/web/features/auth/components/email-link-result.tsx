import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import type { User } from "../../../../shared/auth.schemas.js";
import { Button, buttonClass } from "../../../components/button.js";
import { FormAlert } from "../../../components/form-alert.js";
import { Spinner } from "../../../components/spinner.js";
import { paths } from "../../../config/paths.js";
import { ApiError } from "../../../lib/api-error.js";
import { focusOnMount } from "../../../lib/focus-on-mount.js";
import { Link } from "../../../lib/router.js";
import { useSession } from "../../../lib/use-session.js";

export type EmailLinkOutcome =
  | { status: "working" }
  | { status: "done"; user: User }
  /** Unknown, expired or already used. */
  | { status: "invalid" }
  /** 409: the address went to another account meanwhile (email change only). */
  | { status: "taken" }
  /** No answer, or the server failed: worth trying again. */
  | { status: "failed"; message: string };

/**
 * Posts an emailed link's token once (the page may render twice in development's StrictMode, the
 * link works only once) and reports what happened; `retry` posts it again after a failure.
 */
export function useEmailLink(token: string, post: (token: string) => Promise<User>, onDone: (user: User) => void) {
  const [outcome, setOutcome] = useState<EmailLinkOutcome>({ status: "working" });
  const started = useRef(false);
  const latest = useRef({ post, onDone });
  latest.current = { post, onDone };

  const run = useCallback(async () => {
    setOutcome({ status: "working" });
    try {
      const user = await latest.current.post(token);
      latest.current.onDone(user);
      setOutcome({ status: "done", user });
    } catch (error) {
      setOutcome(outcomeOf(error));
    }
  }, [token]);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void run();
  }, [run]);

  return { outcome, retry: run };
}

function outcomeOf(error: unknown): EmailLinkOutcome {
  if (error instanceof ApiError && error.code === "token_invalid") return { status: "invalid" };
  if (error instanceof ApiError && error.code === "email_taken") return { status: "taken" };
  if (error instanceof ApiError && error.status < 500) return { status: "failed", message: error.problem.detail };
  return { status: "failed", message: "Can't reach Taskvault right now. Check your connection and try again." };
}

/**
 * What an emailed link did, said in one place: a spinner while it works, then the outcome and
 * the way on (`next`). Focus moves to the outcome so that it is read out.
 */
export function EmailLinkResult({
  outcome,
  working,
  done,
  invalid,
  taken,
  retry,
  next,
}: {
  outcome: EmailLinkOutcome;
  working: string;
  done: (user: User) => ReactNode;
  invalid: ReactNode;
  taken?: ReactNode;
  retry(): void;
  next: ReactNode;
}) {
  if (outcome.status === "working") {
    return (
      <p className="py-2 text-sm text-slate-700 dark:text-slate-300">
        <Spinner label={working} />
      </p>
    );
  }
  return (
    <div ref={focusOnMount} tabIndex={-1} className="space-y-4 focus:outline-none">
      {outcome.status === "done" ? <FormAlert tone="info">{done(outcome.user)}</FormAlert> : null}
      {outcome.status === "invalid" ? <FormAlert>{invalid}</FormAlert> : null}
      {outcome.status === "taken" ? <FormAlert>{taken}</FormAlert> : null}
      {outcome.status === "failed" ? (
        <>
          <FormAlert>{outcome.message}</FormAlert>
          <Button className="w-full" onClick={retry}>
            Try again
          </Button>
        </>
      ) : null}
      {next}
    </div>
  );
}

/** The way on from an emailed link's page: `signedInTo` for someone signed in, else signing in. */
export function EmailLinkNext({ signedInTo }: { signedInTo: "tasks" | "account" }) {
  const signedIn = useSession().status === "signed-in";
  if (!signedIn) {
    return (
      <Link href={paths.signin.href()} className={buttonClass("primary", "w-full")}>
        Sign in
      </Link>
    );
  }
  return signedInTo === "tasks" ? (
    <Link href={paths.tasks.href()} className={buttonClass("primary", "w-full")}>
      Go to your tasks
    </Link>
  ) : (
    <Link href={paths.account.href()} className={buttonClass("primary", "w-full")}>
      Go to your account
    </Link>
  );
}

/** A link that came without its token (cut by a mail program, or half copied). */
export function IncompleteEmailLink({ signedInTo }: { signedInTo: "tasks" | "account" }) {
  return (
    <div className="space-y-4">
      <FormAlert>
        This link is incomplete. Open it again from the email, or copy the whole address into the browser.
      </FormAlert>
      <EmailLinkNext signedInTo={signedInTo} />
    </div>
  );
}
