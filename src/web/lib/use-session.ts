import { useSyncExternalStore } from "react";
import type { User } from "../../shared/auth.schemas.js";
import { session } from "./api.js";
import { onForgetUser } from "./forget-user.js";
import type { SessionSnapshot } from "./session.js";

/** The session's state: loading, unreachable, signed out (and why) or signed in (and who). */
export function useSession(): SessionSnapshot {
  return useSyncExternalStore(session.subscribe, session.getSnapshot);
}

let lastUser: User | null = null;
onForgetUser(() => {
  lastUser = null;
});

/**
 * The signed-in user, for pages behind RequireSession. While a sign-out is being rendered away it
 * is still the user who was signed in, never someone else.
 */
export function useCurrentUser(): User {
  const snapshot = useSession();
  if (snapshot.status === "signed-in") lastUser = snapshot.user;
  if (!lastUser) throw new Error("useCurrentUser outside a signed-in page");
  return lastUser;
}
