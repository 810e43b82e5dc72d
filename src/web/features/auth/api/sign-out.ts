import { useMutation } from "@tanstack/react-query";
import { paths } from "../../../config/paths.js";
import { session } from "../../../lib/api.js";
import { navigate } from "../../../lib/router.js";

/** `POST /api/auth/signout` through the cookie; every open tab of the app signs out with it. */
export function signOut(): Promise<void> {
  return session.signOut();
}

export function useSignOut() {
  return useMutation({
    mutationFn: signOut,
    onSettled: () => navigate(paths.signin.href(), { replace: true }),
  });
}
