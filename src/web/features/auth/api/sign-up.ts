import type { z } from "zod";
import type { AuthResponse, signupBodySchema } from "../../../../shared/auth.schemas.js";
import { startSession } from "./start-session.js";

export type SignUpInput = z.input<typeof signupBodySchema>;

/** `POST /api/auth/signup`: creates the account and signs in. */
export function signUp(body: SignUpInput): Promise<AuthResponse> {
  return startSession("/api/auth/signup", body);
}
