import { useMutation } from "@tanstack/react-query";
import { paths } from "../../../config/paths.js";
import { session } from "../../../lib/api.js";
import { navigate } from "../../../lib/router.js";
import { endAllToasts } from "../../../lib/toasts.js";

/** How long signing out waits for the deletes the user made just before. */
export const FINISH_DELETES_MS = 3000;

/**
 * `POST /api/auth/signout` through the cookie; every open tab of the app signs out with it, and
 * each forgets the user (forgetUser). A delete whose undo toast is still open is sent first, while
 * the session can still send it, as closing the tab would; signing out waits for it a moment only,
 * since a person leaving a shared computer must not be kept signed in by a slow network.
 */
export async function signOut(): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const patience = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, FINISH_DELETES_MS);
  });
  await Promise.race([endAllToasts(), patience]);
  clearTimeout(timer);
  await session.signOut();
}

export function useSignOut() {
  return useMutation({
    mutationFn: signOut,
    onMutate: () => ({ from: window.location.pathname }),
    // The page's session gate has usually sent the tab to sign in already; and by the time a slow
    // sign-out is answered, the person may have gone on (to "Forgot password?"): stay there.
    onSettled(_data, _error, _variables, context) {
      if (window.location.pathname === context?.from) navigate(paths.signin.href(), { replace: true });
    },
  });
}
