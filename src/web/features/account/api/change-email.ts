import type { z } from "zod";
import type { changeEmailBodySchema } from "../../../../shared/email-token.schemas.js";
import { api } from "../../../lib/api.js";
import { createUserStore } from "../../../lib/forget-user.js";

export type ChangeEmailInput = z.input<typeof changeEmailBodySchema>;

/**
 * `POST /api/auth/change-email`: 202, a confirmation link goes to the new address and a notice to
 * the old one; the account keeps its address until the link is opened. `403 wrong_password`,
 * `409 email_taken`.
 */
export async function changeEmail(body: ChangeEmailInput): Promise<void> {
  await api.request("/api/auth/change-email", { method: "POST", body });
}

/** The address a change was asked for in this tab, shown as waiting until it is confirmed. */
export const pendingEmail = createUserStore<string | null>(null);
