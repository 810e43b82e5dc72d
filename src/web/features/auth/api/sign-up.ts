import { useMutation } from "@tanstack/react-query";
import type { z } from "zod";
import { type AuthResponse, authResponseSchema, type signupBodySchema } from "../../../../shared/auth.schemas.js";
import { api, session } from "../../../lib/api.js";

export type SignUpInput = z.input<typeof signupBodySchema>;

/** `POST /api/auth/signup`: creates the account and signs in (cookie-only refresh token). */
export async function signUp(body: SignUpInput): Promise<AuthResponse> {
  const { data, response } = await api.send("/api/auth/signup", {
    method: "POST",
    body,
    auth: false,
    headers: { "X-Refresh-Token": "cookie" },
    schema: authResponseSchema,
  });
  session.signedIn(data, response.headers.get("date"));
  return data;
}

export function useSignUp() {
  return useMutation({ mutationFn: signUp });
}
