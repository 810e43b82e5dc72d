import type { Database } from "../db/client.js";
import { emailOutbox } from "../db/schema/index.js";

/** Every email the app sends, one template each (src/server/email/templates.ts). */
export const emailKinds = [
  "verify-email",
  "reset-password",
  "email-change",
  "email-change-notice",
  "password-changed",
  "account-deleted",
  "task-reminder",
] as const;
export type EmailKind = (typeof emailKinds)[number];

interface Addressed {
  /** The recipient's address. */
  to: string;
  /** The account holder's name, for the greeting of emails to an address the account has proven. */
  name: string;
  /** The account the email belongs to: deleting the account deletes the email while it is pending. */
  userId?: string;
}

/** What each kind needs; the links are built at send time from PUBLIC_URL, never from a request. */
export type EmailMessage =
  | (Addressed & { kind: "verify-email" | "reset-password" | "email-change"; token: string })
  | (Addressed & { kind: "email-change-notice"; newEmail: string })
  | (Addressed & { kind: "password-changed" })
  // Only ever to a verified address (src/server/reminders): the due time is written in `timeZone`.
  | (Addressed & { kind: "task-reminder"; title: string; dueAt: string; timeZone: string })
  // Sent as the account goes: it belongs to no account, so the deletion does not take it along.
  | (Omit<Addressed, "userId"> & { kind: "account-deleted" });

/** Anything that can insert: the database, or (as it should be) the caller's transaction. */
export type Inserter = Pick<Database, "insert">;

type Listener = () => void;
const listeners = new Set<Listener>();

/**
 * Queues an email in the caller's transaction: it is sent only if that transaction commits, and
 * then surely (docs/decisions/012). Nothing waits for SMTP; a sender in some server process
 * delivers it within about a second.
 *
 * @example
 *   await db.transaction(async (tx) => {
 *     await tx.update(accounts).set({ password: hash }).where(...);
 *     await queueEmail(tx, { kind: "password-changed", to: user.email, name: user.name, userId: user.id });
 *   });
 */
export async function queueEmail(tx: Inserter, message: EmailMessage): Promise<void> {
  const { kind, to, userId, ...payload } = message as EmailMessage & { userId?: string };
  await tx.insert(emailOutbox).values({ kind, recipient: to, userId: userId ?? null, payload });
  // The row is not committed yet: senders of this process look again shortly after.
  for (const listener of listeners) listener();
}

/** Calls `listener` whenever an email is queued in this process (the sender's nudge). */
export function onEmailQueued(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
