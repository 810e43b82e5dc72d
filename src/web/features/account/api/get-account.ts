import { type QueryClient, queryOptions, useQuery } from "@tanstack/react-query";
import { meResponseSchema, type User } from "../../../../shared/auth.schemas.js";
import { api, session } from "../../../lib/api.js";
import { useCurrentUser } from "../../../lib/use-session.js";
import { accountKeys } from "./account-keys.js";

/** `GET /api/auth/me`: the signed-in user, fresh from the server. */
export async function getAccount(signal?: AbortSignal): Promise<User> {
  return (await api.request("/api/auth/me", { schema: meResponseSchema, signal })).user;
}

/** The account, shown at once from the session and refreshed from the server. */
export function useAccount() {
  const user = useCurrentUser();
  return useQuery({
    ...queryOptions({
      queryKey: accountKeys.user(user.id),
      async queryFn({ signal }) {
        const fresh = await getAccount(signal);
        // The header reads the session's copy: a rename on another device shows there too.
        session.userChanged(fresh);
        return fresh;
      },
    }),
    placeholderData: user,
  });
}

/**
 * The server answered with the user as it now is (renamed, verified, a new address): the account
 * page and the header show it at once. Only for the signed-in user; anyone else's answer (a link
 * opened while signed in as someone else) changes nothing here.
 */
export function rememberAccount(queryClient: QueryClient, user: User): void {
  const snapshot = session.getSnapshot();
  if (snapshot.status !== "signed-in" || snapshot.user.id !== user.id) return;
  queryClient.setQueryData(accountKeys.user(user.id), user);
  session.userChanged(user);
}
