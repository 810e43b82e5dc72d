import type { Database } from "../db/client.js";
import { queueEmail } from "../email/queue-email.js";
import type { Logger } from "../logger.js";
import { issueAccountToken } from "./account-tokens.repo.js";

/**
 * Queues a verification link (24 h, single use) to the account's address, the token and its email
 * in one transaction. Nothing waits for SMTP.
 */
export async function queueVerificationEmail(db: Database, holder: { id: string; email: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const token = await issueAccountToken(tx, { userId: holder.id, email: holder.email, purpose: "verify-email" });
    // No name: the address is not proven yet, and whoever typed it chose the name.
    await queueEmail(tx, { kind: "verify-email", to: holder.email, name: "", token, userId: holder.id });
  });
}

/**
 * The sign-up hook: queues the verification email of a new account. The account exists by now,
 * so a failure here must not fail the sign-up; it is logged, and "Send again" makes up for it.
 */
export function verificationOnSignup(
  db: Database,
  logger: Logger,
): (user: { id: string; email: string }) => Promise<void> {
  return async function queueVerificationOnSignup(user) {
    try {
      await queueVerificationEmail(db, user);
    } catch (error) {
      logger.warn(
        { userId: user.id, err: error instanceof Error ? error.message : String(error) },
        "could not queue the verification email of a new account",
      );
    }
  };
}
