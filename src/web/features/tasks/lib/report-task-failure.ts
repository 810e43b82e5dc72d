import { describeError, isRetryable } from "../../../lib/api-error.js";
import { clearNetworkFailure, reportNetworkFailure } from "../../../lib/network-problems.js";
import { showToast } from "../../../lib/toasts.js";

/**
 * Tells the user why a change was rolled back. A refusal is explained; a failure to reach the
 * server goes to the retry banner as well, with the change kept so Retry can send it again.
 */
export function reportTaskFailure(options: {
  error: unknown;
  /** What did not happen, e.g. `Couldn't complete “Buy milk”.` */
  message: string;
  /** Identifies the change, so that retrying twice never sends it twice. */
  key: string;
  retry(): void;
  /** Another way back to the typed data, e.g. reopening the edit dialog. */
  action?: { label: string; onAction(): void };
}): void {
  const { error, message, key, retry } = options;
  const retryable = isRetryable(error);
  if (retryable) reportNetworkFailure({ key, retry });
  showToast({
    tone: "error",
    message: `${message} ${describeError(error)}`,
    action:
      options.action ??
      (retryable
        ? {
            label: "Retry",
            onAction: () => {
              clearNetworkFailure(key);
              retry();
            },
          }
        : undefined),
  });
}

/** A task title as quoted in messages, shortened. */
export function quoteTitle(title: string): string {
  return `“${title.length > 40 ? `${title.slice(0, 39)}…` : title}”`;
}
