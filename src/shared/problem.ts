import { z } from "zod";

/** The stable, machine-readable error codes of the contract. */
export const problemCodes = [
  "invalid_json",
  "validation_failed",
  "unsupported_media_type",
  "payload_too_large",
  "unauthorized",
  "invalid_credentials",
  "forbidden",
  "not_found",
  "email_taken",
  "weak_password",
  "precondition_failed",
  "rate_limited",
  "internal",
  "server_busy",
  "token_invalid",
  "wrong_password",
  "quota_exceeded",
] as const;
export type ProblemCode = (typeof problemCodes)[number];

export const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });
export type FieldError = z.infer<typeof fieldErrorSchema>;

/** An RFC 9457 problem document, as every error response carries it. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.enum(problemCodes),
  detail: z.string(),
  errors: z.array(fieldErrorSchema).optional(),
});
export type Problem = z.infer<typeof problemSchema>;
