import { api } from "../../../lib/api.js";

/**
 * `POST /api/auth/verify-email/resend`: 202, a new link is on its way (or the address is already
 * verified and nothing is sent); `429` with Retry-After when asked too often.
 */
export async function resendVerification(): Promise<void> {
  await api.request("/api/auth/verify-email/resend", { method: "POST" });
}
