import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type AccountSession, sessionListSchema } from "../../../../shared/account.schemas.js";
import { api } from "../../../lib/api.js";
import { forgottenSinceNow } from "../../../lib/forget-user.js";
import { isApiError } from "../../../lib/form-errors.js";
import { useCurrentUser } from "../../../lib/use-session.js";
import { accountKeys } from "./account-keys.js";

/** `GET /api/auth/sessions`: every live session of the user, this one marked `current`. */
export async function listSessions(signal?: AbortSignal): Promise<AccountSession[]> {
  return (await api.request("/api/auth/sessions", { schema: sessionListSchema, signal })).sessions;
}

/** The devices, this one first, then the most recently used. */
export function useSessions() {
  const user = useCurrentUser();
  return useQuery({
    ...queryOptions({ queryKey: accountKeys.sessions(user.id), queryFn: ({ signal }) => listSessions(signal) }),
    select: sortSessions,
  });
}

export function sortSessions(sessions: AccountSession[]): AccountSession[] {
  return [...sessions].sort(
    (a, b) => Number(b.current) - Number(a.current) || Date.parse(b.lastUsedAt) - Date.parse(a.lastUsedAt),
  );
}

/** `DELETE /api/auth/sessions/{id}`: signs that device out; its tokens stop working at once. */
export async function endSession(id: string): Promise<void> {
  await api.request(`/api/auth/sessions/${encodeURIComponent(id)}`, { method: "DELETE" });
}

/** `DELETE /api/auth/sessions`: signs out every device but this one. */
export async function endOtherSessions(): Promise<void> {
  await api.request("/api/auth/sessions", { method: "DELETE" });
}

/**
 * Signs out one device (`id`) or every other one (no id). The row goes at once; a refusal puts it
 * back (the list is read again either way). A 404 means it had already ended: nothing to undo.
 */
export function useEndSessions() {
  const queryClient = useQueryClient();
  const user = useCurrentUser();
  const key = accountKeys.sessions(user.id);
  const forgotten = forgottenSinceNow();
  return useMutation({
    mutationFn: (id: string | undefined) => (id === undefined ? endOtherSessions() : endSession(id)),
    async onMutate(id) {
      await queryClient.cancelQueries({ queryKey: key });
      const before = queryClient.getQueryData<AccountSession[]>(key);
      queryClient.setQueryData<AccountSession[]>(key, (sessions) =>
        sessions?.filter((s) => (id === undefined ? s.current : s.id !== id)),
      );
      return { before };
    },
    onError(error, _id, context) {
      // A late answer must not put this user's devices back in the cache for the next person.
      if (forgotten() || isApiError(error, "not_found")) return;
      if (context?.before) queryClient.setQueryData(key, context.before);
    },
    onSettled: () => (forgotten() ? undefined : queryClient.invalidateQueries({ queryKey: key })),
  });
}
