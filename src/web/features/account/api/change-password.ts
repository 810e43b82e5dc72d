import { useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type { changePasswordBodySchema } from "../../../../shared/account.schemas.js";
import { api } from "../../../lib/api.js";
import { useCurrentUser } from "../../../lib/use-session.js";
import { accountKeys } from "./account-keys.js";

export type ChangePasswordInput = z.input<typeof changePasswordBodySchema>;

/**
 * `POST /api/auth/change-password`: 204, this session stays and every other one is signed out.
 * `403 wrong_password` (counted like a failed sign-in, so 429 follows a few), `400 weak_password`.
 */
export async function changePassword(body: ChangePasswordInput): Promise<void> {
  await api.request("/api/auth/change-password", { method: "POST", body });
}

/** changePassword, after which the devices list shows the other sessions gone. */
export function useChangePassword() {
  const queryClient = useQueryClient();
  const user = useCurrentUser();
  return async (body: ChangePasswordInput) => {
    await changePassword(body);
    void queryClient.invalidateQueries({ queryKey: accountKeys.sessions(user.id) });
  };
}
