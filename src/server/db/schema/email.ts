import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { users } from "./auth.js";

/**
 * The transactional outbox (docs/decisions/012): an email is a row written in the same transaction
 * as whatever it announces (the token its link carries), and a sender in every server process
 * delivers due rows afterwards. `payload` holds what the template needs, a live link's token
 * included, so it is wiped once the email is sent or given up.
 */
export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    // Deleting the account deletes its pending emails; the notice of the deletion itself has none.
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    recipient: text("recipient").notNull(),
    payload: jsonb("payload").$type<Record<string, string>>(),
    // pending, sent or failed.
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    // When the sender may next try it; a claimed row is pushed a lease ahead, so that no other
    // process takes it while it is being sent.
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    index("email_outbox_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index("email_outbox_finished_idx").on(t.finishedAt).where(sql`${t.status} <> 'pending'`),
    index("email_outbox_user_id_idx").on(t.userId),
  ],
);

/**
 * Single-use tokens sent by email (password reset, email verification, email change), stored
 * only as their SHA-256: a copy of this table opens no account. `email` is the address the link
 * was sent to (for a change, the new address).
 */
export const accountTokens = pgTable(
  "account_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // reset-password, verify-email or change-email.
    purpose: text("purpose").notNull(),
    email: text("email").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("account_tokens_user_id_idx").on(t.userId), index("account_tokens_expires_at_idx").on(t.expiresAt)],
);
