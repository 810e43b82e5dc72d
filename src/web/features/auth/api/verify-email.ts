import { meResponseSchema, type User } from "../../../../shared/auth.schemas.js";
import { api } from "../../../lib/api.js";

/**
 * `POST /api/auth/verify-email` (public) with the emailed token: the user, now verified.
 * `400 token_invalid` for an unknown, expired (24 h) or used link.
 */
export async function verifyEmail(token: string): Promise<User> {
  return (
    await api.request("/api/auth/verify-email", {
      method: "POST",
      body: { token },
      auth: false,
      schema: meResponseSchema,
    })
  ).user;
}

/**
 * `POST /api/auth/confirm-email` (public) with the token emailed to the new address: the user
 * with that address. `400 token_invalid`; `409 email_taken` when another account took it meanwhile.
 */
export async function confirmEmail(token: string): Promise<User> {
  return (
    await api.request("/api/auth/confirm-email", {
      method: "POST",
      body: { token },
      auth: false,
      schema: meResponseSchema,
    })
  ).user;
}
