import { useMutation } from "@tanstack/react-query";
import type { z } from "zod";
import { type AuthResponse, authResponseSchema, type signinBodySchema } from "../../../../shared/auth.schemas.js";
import { api, session } from "../../../lib/api.js";

export type SignInInput = z.input<typeof signinBodySchema>;

/** `POST /api/auth/signin`; the refresh token stays in the HttpOnly cookie, never in JavaScript. */
export async function signIn(body: SignInInput): Promise<AuthResponse> {
  const { data, response } = await api.send("/api/auth/signin", {
    method: "POST",
    body,
    auth: false,
    headers: { "X-Refresh-Token": "cookie" },
    schema: authResponseSchema,
  });
  session.signedIn(data, response.headers.get("date"));
  return data;
}

export function useSignIn() {
  return useMutation({ mutationFn: signIn });
}
