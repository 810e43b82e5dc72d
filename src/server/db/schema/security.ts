import { bigserial, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Fixed-window throttle counters shared by every server process. `key` names the limit and a
 * hash of its subject (an address or an email), so no address or email is stored in clear.
 */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    count: integer("count").notNull(),
    resetAt: timestamp("reset_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [index("rate_limits_reset_at_idx").on(t.resetAt)],
);

/**
 * Sessions that ended (signed out, or deleted with their user: a trigger writes a row for every
 * deleted session) while their access tokens may still be unexpired. Each process
 * keeps these in memory and polls for new rows (by `seq`, and by `revoked_at` for rows that
 * committed out of order), so a revocation reaches every process.
 */
export const sessionRevocations = pgTable(
  "session_revocations",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    sessionId: text("session_id").notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    // Remembered at least until this and for the access-token lifetime after revoked_at; then
    // every access token of the session has expired anyway and the row can go.
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    index("session_revocations_expires_at_idx").on(t.expiresAt),
    index("session_revocations_revoked_at_idx").on(t.revokedAt),
  ],
);
