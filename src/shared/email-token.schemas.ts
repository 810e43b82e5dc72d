import { z } from "zod";
import { emailSchema, newPasswordSchema } from "./auth.schemas.js";

/**
 * A token from an emailed link. Ours are 43 characters (32 random bytes, base64url); anything of
 * another shape is simply no token of ours (400 token_invalid), so only a bound is checked here.
 */
export const emailedTokenSchema = z
  .string({ error: "must be a string" })
  .min(1, { error: "must not be empty" })
  .max(256, { error: "is too long" })
  .meta({ description: "The token of the emailed link (its `token` query parameter)" });

/** POST /api/auth/forgot-password */
export const forgotPasswordBodySchema = z.strictObject({ email: emailSchema });
export type ForgotPasswordBody = z.infer<typeof forgotPasswordBodySchema>;

/** POST /api/auth/reset-password */
export const resetPasswordBodySchema = z.strictObject({ token: emailedTokenSchema, newPassword: newPasswordSchema });
export type ResetPasswordBody = z.infer<typeof resetPasswordBodySchema>;

/** POST /api/auth/verify-email and POST /api/auth/confirm-email */
export const emailedTokenBodySchema = z.strictObject({ token: emailedTokenSchema });
export type EmailedTokenBody = z.infer<typeof emailedTokenBodySchema>;

/** POST /api/auth/change-email: like sign-in, the password is checked only for its type. */
export const changeEmailBodySchema = z.strictObject({
  newEmail: emailSchema,
  password: z.string({ error: "must be a string" }),
});
export type ChangeEmailBody = z.infer<typeof changeEmailBodySchema>;

/** The `202` answer of the requests that send an email: the same whatever happened behind it. */
export const acceptedSchema = z.object({
  status: z.literal("accepted"),
  detail: z.string(),
});
export type Accepted = z.infer<typeof acceptedSchema>;
