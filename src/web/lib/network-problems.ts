import { createUserStore } from "./forget-user.js";

/** Something that failed for want of an answer, and how to try it again. */
export interface FailedAction {
  key: string;
  retry(): void;
}

// A retry sends the user's change again: it must not survive the session that made it.
export const networkProblems = createUserStore<FailedAction[]>([]);

/**
 * Records a failure to reach the server: the banner offers to retry it. A later failure with
 * the same key replaces the earlier one, so one retry never runs the same thing twice.
 */
export function reportNetworkFailure(action: FailedAction): void {
  networkProblems.set((actions) => [...actions.filter((a) => a.key !== action.key), action]);
}

/** Forgets a failure that no longer needs retrying (it succeeded, or its data is gone). */
export function clearNetworkFailure(key: string): void {
  if (networkProblems.get().some((a) => a.key === key)) {
    networkProblems.set((actions) => actions.filter((a) => a.key !== key));
  }
}

/** Runs every recorded retry once. */
export function retryNetworkFailures(): void {
  const actions = networkProblems.get();
  networkProblems.set([]);
  for (const action of actions) action.retry();
}
