import { useEffect, useState } from "react";
import { ApiError } from "../../../lib/api-error.js";
import { formatWait } from "../../../lib/use-form.js";
import { resendVerification } from "../api/resend-verification.js";

type State =
  | { status: "idle" | "sending" | "sent" }
  | { status: "wait"; until: number }
  | { status: "failed"; message: string };

/**
 * "Send again" for the verification link: then "Sent", or, when asked too often, when it can be
 * asked again (the server's Retry-After). The outcome is announced beside the button.
 */
export function ResendVerificationButton({ className = "" }: { className?: string }) {
  const [state, setState] = useState<State>({ status: "idle" });
  const now = useNow(state.status === "wait");
  const waiting = state.status === "wait" && state.until > now;

  async function send() {
    setState({ status: "sending" });
    try {
      await resendVerification();
      setState({ status: "sent" });
    } catch (error) {
      if (error instanceof ApiError && error.code === "rate_limited") {
        setState({ status: "wait", until: Date.now() + (error.retryAfterSeconds ?? 60) * 1000 });
      } else {
        setState({
          status: "failed",
          message: error instanceof ApiError ? error.problem.detail : "Can't reach Taskvault right now.",
        });
      }
    }
  }

  let message = "";
  if (state.status === "sent") message = "Sent. Check your inbox.";
  if (waiting && state.status === "wait")
    message = `You can ask again in ${formatWait(Math.ceil((state.until - now) / 1000))}.`;
  if (state.status === "failed") message = state.message;
  return (
    <span className={`inline-flex flex-wrap items-center gap-x-3 ${className}`}>
      <button
        type="button"
        onClick={send}
        disabled={state.status === "sending" || waiting}
        className="inline-flex min-h-11 items-center font-semibold text-indigo-700 underline underline-offset-2 disabled:cursor-not-allowed disabled:no-underline disabled:opacity-70 dark:text-indigo-300"
      >
        {state.status === "sending" ? "Sending…" : "Send again"}
      </button>
      <span aria-live="polite" className="text-sm">
        {message}
      </span>
    </span>
  );
}

/** The time, ticking once a second while `ticking`. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}
