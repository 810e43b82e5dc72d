import { session } from "./api.js";
import { createStore, useStore } from "./create-store.js";

/**
 * A message for the next sign-in page of this tab ("Your account has been deleted."), kept in
 * memory rather than in the URL so that no link can make the page say it. It stays until someone
 * signs in, so that it never greets the next session.
 */
const notice = createStore<string | null>(null);

session.subscribe(() => {
  if (session.getSnapshot().status === "signed-in" && notice.get() !== null) notice.set(null);
});

/**
 * Leaves `message` for the sign-in page, shown instead of the session's own reason.
 *
 * @example
 *   leaveSigninNotice("Your password has been changed. Sign in with the new one.");
 *   navigate(paths.signin.href());
 */
export function leaveSigninNotice(message: string): void {
  notice.set(message);
}

export function useSigninNotice(): string | null {
  return useStore(notice);
}
