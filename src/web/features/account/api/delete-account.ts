import type { z } from "zod";
import type { deleteAccountBodySchema } from "../../../../shared/account.schemas.js";
import { api } from "../../../lib/api.js";

export type DeleteAccountInput = z.input<typeof deleteAccountBodySchema>;

/**
 * `DELETE /api/auth/account` with the password: 204, the user, their tasks and sessions are gone
 * and every token is revoked. `403 wrong_password`.
 */
export async function deleteAccount(body: DeleteAccountInput): Promise<void> {
  await api.request("/api/auth/account", { method: "DELETE", body });
}
