import { type AuthResponse, authResponseSchema } from "../../../../shared/auth.schemas.js";
import { api, session } from "../../../lib/api.js";

/**
 * Signs up or in: the one way a session starts in the browser. The refresh token stays in the
 * HttpOnly cookie (`X-Refresh-Token: cookie`), never in JavaScript; the access token goes to the
 * in-memory session, its clock aligned with the server's Date.
 */
export async function startSession(
  path: "/api/auth/signin" | "/api/auth/signup",
  body: unknown,
): Promise<AuthResponse> {
  const { data, response } = await api.send(path, {
    method: "POST",
    body,
    auth: false,
    headers: { "X-Refresh-Token": "cookie" },
    schema: authResponseSchema,
  });
  session.signedIn(data, response.headers.get("date"));
  return data;
}
