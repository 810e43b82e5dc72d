import { queryOptions, useQuery } from "@tanstack/react-query";
import { meResponseSchema, type User } from "../../../../shared/auth.schemas.js";
import { api } from "../../../lib/api.js";
import { useCurrentUser } from "../../../lib/use-session.js";

/** `GET /api/auth/me`: the signed-in user, fresh from the server. */
export async function getAccount(signal?: AbortSignal): Promise<User> {
  return (await api.request("/api/auth/me", { schema: meResponseSchema, signal })).user;
}

/** The account, shown at once from the session and refreshed from the server. */
export function useAccount() {
  const user = useCurrentUser();
  return useQuery({
    ...queryOptions({ queryKey: ["account", user.id], queryFn: ({ signal }) => getAccount(signal) }),
    placeholderData: user,
  });
}
