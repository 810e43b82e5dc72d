import type { z } from "zod";
import type { resetPasswordBodySchema } from "../../../../shared/email-token.schemas.js";
import { api } from "../../../lib/api.js";

export type ResetPasswordInput = z.input<typeof resetPasswordBodySchema>;

/**
 * `POST /api/auth/reset-password` (public) with the emailed token: 204, and every session of the
 * account is signed out. `400 token_invalid` for an unknown, expired or used link.
 */
export async function resetPassword(body: ResetPasswordInput): Promise<void> {
  await api.request("/api/auth/reset-password", { method: "POST", body, auth: false });
}
