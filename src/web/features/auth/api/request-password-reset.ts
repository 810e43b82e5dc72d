import type { z } from "zod";
import type { forgotPasswordBodySchema } from "../../../../shared/email-token.schemas.js";
import { api } from "../../../lib/api.js";

export type ForgotPasswordInput = z.input<typeof forgotPasswordBodySchema>;

/**
 * `POST /api/auth/forgot-password` (public): 202 whether or not the address has an account, so
 * the page can only ever say that a link was sent if there is one.
 */
export async function requestPasswordReset(body: ForgotPasswordInput): Promise<void> {
  await api.request("/api/auth/forgot-password", { method: "POST", body, auth: false });
}
