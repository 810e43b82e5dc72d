import type { z } from "zod";
import type { AuthResponse, signinBodySchema } from "../../../../shared/auth.schemas.js";
import { startSession } from "./start-session.js";

export type SignInInput = z.input<typeof signinBodySchema>;

/** `POST /api/auth/signin`. */
export function signIn(body: SignInInput): Promise<AuthResponse> {
  return startSession("/api/auth/signin", body);
}
