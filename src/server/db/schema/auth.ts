import { bigint, boolean, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

// Better Auth's tables (user, session, account, verification, jwks), owned by us from here on.
// The property names are the fields Better Auth expects; the columns are snake_case and every
// time is a timestamptz.

const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();

export const users = pgTable("users", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  // Always stored lower-cased, so this unique constraint is case-insensitive uniqueness.
  email: text("email").notNull().unique(),
  emailVerified: boolean("email_verified").notNull().default(false),
  image: text("image"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  // How many tasks the user has, kept by triggers on tasks (migration 0003) so that the quota
  // check is one locked row, not a count of the user's tasks on every create.
  taskCount: integer("task_count").notNull().default(0),
  // The IANA time zone that recurring tasks are computed in (PATCH /api/auth/me).
  timeZone: text("time_zone").notNull().default("UTC"),
  // The user's last task-change sequence number (task_changes.seq), bumped by a trigger on tasks
  // (migration 0006) under this row's lock, so one user's changes are numbered in commit order.
  changeSeq: bigint("change_seq", { mode: "number" }).notNull().default(0),
});

export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    // SHA-256 (hex) of the current refresh token. The token itself is held only by the session's
    // owner: a copy of this table hands out no live session (docs/decisions/009).
    token: text("token").notNull().unique(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId), index("sessions_expires_at_idx").on(t.expiresAt)],
);

/**
 * Refresh tokens retired by rotation (their SHA-256), kept for the life of their session so that
 * a retired token presented again is recognised: within REFRESH_REUSE_GRACE it is a race or a
 * retry, after it a theft, and the session is revoked (RFC 9700 section 4.14).
 */
export const retiredRefreshTokens = pgTable(
  "retired_refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    retiredAt: timestamp("retired_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("retired_refresh_tokens_session_id_idx").on(t.sessionId)],
);

export const accounts = pgTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: timestamp("access_token_expires_at", { withTimezone: true, mode: "date" }),
    refreshTokenExpiresAt: timestamp("refresh_token_expires_at", { withTimezone: true, mode: "date" }),
    scope: text("scope"),
    // The password hash (argon2id, PHC string). Never leaves the server.
    password: text("password"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("accounts_user_id_idx").on(t.userId)],
);

export const verifications = pgTable(
  "verifications",
  {
    id: text("id").primaryKey(),
    identifier: text("identifier").notNull(),
    value: text("value").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("verifications_identifier_idx").on(t.identifier)],
);

/** Signing keys of Better Auth's JWT plugin; the private key is encrypted with AUTH_SECRET. */
export const jwks = pgTable("jwks", {
  id: text("id").primaryKey(),
  publicKey: text("public_key").notNull(),
  privateKey: text("private_key").notNull(),
  alg: text("alg"),
  crv: text("crv"),
  createdAt: createdAt(),
  expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
});
