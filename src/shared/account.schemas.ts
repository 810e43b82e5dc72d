import { z } from "zod";
import { nameSchema, newPasswordSchema, userSchema } from "./auth.schemas.js";
import { taskSchema } from "./task.schemas.js";

export const TIME_ZONE_MAX = 64;
// The shape of an IANA name (Europe/Paris, America/Argentina/Buenos_Aires, Etc/GMT+5, UTC). It
// keeps out what some runtimes' Intl also accepts but is no IANA zone: offsets such as +01:00.
const TIME_ZONE_SHAPE = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/**
 * The runtime's canonical spelling of an IANA time zone, or undefined when Intl knows no such
 * zone. Case is normalised and links resolved (`us/pacific` → `America/Los_Angeles`); which name
 * of a renamed zone comes back is the runtime's ICU's choice (Node 20: `Asia/Kolkata` →
 * `Asia/Calcutta`), and either name keeps working everywhere.
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (name.length > TIME_ZONE_MAX || !TIME_ZONE_SHAPE.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export const timeZoneSchema = z
  .string({ error: "must be a string" })
  .transform((name, ctx) => {
    const canonical = canonicalTimeZone(name);
    if (canonical === undefined) {
      ctx.addIssue({ code: "custom", message: "must be an IANA time zone such as Europe/Paris" });
      return z.NEVER;
    }
    return canonical;
  })
  .meta({ description: "An IANA time zone (e.g. Europe/Paris); stored in its canonical spelling" });

/** PATCH /api/auth/me: only the fields given change. */
export const profilePatchSchema = z.strictObject({
  name: nameSchema.optional(),
  timeZone: timeZoneSchema.optional(),
});
export type ProfilePatch = z.infer<typeof profilePatchSchema>;

/** Like sign-in, the current password is checked only for its type: a wrong one is a 403. */
export const changePasswordBodySchema = z.strictObject({
  currentPassword: z.string({ error: "must be a string" }),
  newPassword: newPasswordSchema,
});
export type ChangePasswordBody = z.infer<typeof changePasswordBodySchema>;

export const deleteAccountBodySchema = z.strictObject({
  password: z.string({ error: "must be a string" }),
});
export type DeleteAccountBody = z.infer<typeof deleteAccountBodySchema>;

export const accountSessionSchema = z.object({
  id: z.string(),
  current: z.boolean().describe("The session of the access token that asked"),
  createdAt: z.string().describe("When the session was signed in (ISO 8601, UTC)"),
  lastUsedAt: z.string().describe("Its last sign-in or refresh (ISO 8601, UTC)"),
  expiresAt: z.string().describe("When it ends unless refreshed (ISO 8601, UTC)"),
  userAgent: z
    .string()
    .nullable()
    .describe("The device as a person reads it, e.g. `Firefox 132 on macOS`; null when unrecognised"),
  ipAddress: z
    .string()
    .nullable()
    .describe("The address it signed in from, masked: `203.0.113.x`, or an IPv6 /64 such as `2001:db8:1:2::/64`"),
});
export type AccountSession = z.infer<typeof accountSessionSchema>;

export const sessionListSchema = z.object({ sessions: z.array(accountSessionSchema) });

export const accountExportSchema = z.object({
  user: userSchema,
  tasks: z.array(taskSchema).describe("Every task, oldest first"),
  sessions: z.array(accountSessionSchema).describe("The live sessions, as GET /api/auth/sessions lists them"),
  exportedAt: z.string().describe("ISO 8601, UTC"),
});
export type AccountExport = z.infer<typeof accountExportSchema>;
