import { z } from "zod";
import { hasLengthBetween, isStorableText } from "./text.js";

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const EMAIL_MAX = 254;
export const NAME_MAX = 100;

const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/u;

/** True when the address has the shape the contract accepts (one @, a local part, a dotted domain). */
export function isEmailShape(email: string): boolean {
  return email.length <= EMAIL_MAX && EMAIL_SHAPE.test(email) && isStorableText(email) && !/\p{Cc}/u.test(email);
}

export const emailSchema = z
  .string({ error: "must be a string" })
  .trim()
  .max(EMAIL_MAX, { error: `must be at most ${EMAIL_MAX} characters` })
  .refine(isEmailShape, { error: "must be a valid email address" })
  .transform((email) => email.toLowerCase());

export const newPasswordSchema = z
  .string({ error: "must be a string" })
  .refine((p) => hasLengthBetween(p, PASSWORD_MIN, PASSWORD_MAX), {
    error: `must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`,
  });

export const nameSchema = z
  .string({ error: "must be a string" })
  .trim()
  .refine((n) => hasLengthBetween(n, 1, NAME_MAX), { error: `must be 1 to ${NAME_MAX} characters` })
  .refine(isStorableText, { error: "must not contain NUL or unpaired surrogate characters" });

export const signupBodySchema = z.strictObject({
  email: emailSchema,
  password: newPasswordSchema,
  name: nameSchema.optional(),
});
export type SignupBody = z.infer<typeof signupBodySchema>;

/**
 * Sign-in checks only types: any email or password that breaks the sign-up rules (too long,
 * malformed) simply matches no account and gets the same 401 as a wrong password. The 64 KiB body
 * limit bounds their size.
 */
export const signinBodySchema = z.strictObject({
  email: z.string({ error: "must be a string" }).trim(),
  password: z.string({ error: "must be a string" }),
});
export type SigninBody = z.infer<typeof signinBodySchema>;

export const refreshBodySchema = z.strictObject({
  refreshToken: z
    .string({ error: "must be a string" })
    .min(1, { error: "must not be empty" })
    .max(512, { error: "is too long" })
    .optional(),
});
export type RefreshBody = z.infer<typeof refreshBodySchema>;

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  emailVerified: z.boolean(),
  createdAt: z.string().describe("ISO 8601, UTC, milliseconds"),
  timeZone: z.string().describe("IANA time zone that recurring tasks are computed in; `UTC` until set"),
});
export type User = z.infer<typeof userSchema>;

export const tokenResponseSchema = z.object({
  token: z.string().describe("Access token (JWT), sent as Authorization: Bearer"),
  tokenType: z.literal("Bearer"),
  expiresAt: z.string().describe("When the access token expires (ISO 8601, UTC)"),
  refreshToken: z
    .string()
    .optional()
    .describe("The session's refresh token; omitted when the request sent X-Refresh-Token: cookie"),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const authResponseSchema = tokenResponseSchema.extend({ user: userSchema });
export type AuthResponse = z.infer<typeof authResponseSchema>;

export const meResponseSchema = z.object({ user: userSchema });
