import type { QueryClient } from "@tanstack/react-query";
import { createStore, type Store } from "./create-store.js";
import type { Session } from "./session.js";

const forgetters = new Set<() => void>();
// Bumped by every forgetUser(), so work started for a forgotten user can tell it is too late.
let generation = 0;

/**
 * A store that holds the signed-in user's data (a draft, a toast naming a task): forgetUser()
 * puts it back to `initial`. Declaring it this way is what keeps it from outliving a session.
 *
 * @example
 *   export const newTaskDraft = createUserStore(""); // empty again once the user is forgotten
 */
export function createUserStore<T>(initial: T): Store<T> {
  const store = createStore(initial);
  onForgetUser(() => store.set(initial));
  return store;
}

/** Registers something else to wipe when the user is forgotten; returns the unregistering function. */
export function onForgetUser(forget: () => void): () => void {
  forgetters.add(forget);
  return () => forgetters.delete(forget);
}

/**
 * Wipes everything this tab holds for the user whose session just ended: the query cache (tasks,
 * counts, the account) and its mutations, and every user store (drafts, pending deletes, toasts,
 * retryable failures). Toasts go without running their endings, so a pending delete is not sent:
 * the session that could send it is gone, and the task is kept, which loses nothing.
 */
export function forgetUser(queryClient: QueryClient): void {
  generation++;
  // Also cancels the reads in flight (silently), so a late answer lands nowhere.
  queryClient.clear();
  for (const forget of forgetters) forget();
}

/**
 * A check that tells whether the user has been forgotten since it was taken. Work started for the
 * signed-in user (a mutation) checks it before acting on its answer: a late answer must not put a
 * draft, a toast or a rolled-back cache entry of the previous user in front of the next one.
 *
 * @example
 *   const forgotten = forgottenSinceNow(); // in the hook that starts the work
 *   onError() { if (forgotten()) return; … }
 */
export function forgottenSinceNow(): () => boolean {
  const taken = generation;
  return () => taken !== generation;
}

/**
 * Calls forgetUser() whenever this tab stops being signed in as the user whose data it holds: a
 * sign-out here or in another tab, a session the server no longer renews (revoked or expired),
 * another user's sign-in. Returns the unsubscribing function.
 */
export function forgetUserWhenSessionEnds(session: Session, queryClient: QueryClient): () => void {
  let holding: string | null = null;
  return session.subscribe(() => {
    const snapshot = session.getSnapshot();
    const now = snapshot.status === "signed-in" ? snapshot.user.id : null;
    if (holding !== null && now !== holding) forgetUser(queryClient);
    holding = now;
  });
}
