import type { User } from "../../shared/auth.schemas.js";
import { PASSWORD_MAX } from "../../shared/auth.schemas.js";
import { codePointLength } from "../../shared/text.js";
import { weakPasswordReason } from "../auth/common-passwords.js";
import type { AuthModule } from "../auth/index.js";
import { hashPassword, verifyPassword } from "../auth/password-hash.js";
import { unauthorized } from "../auth/require-user.js";
import { findUserById } from "../auth/sessions.repo.js";
import { signinLimits } from "../auth/sign-in-limits.js";
import type { Limit } from "../auth/throttle.js";
import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import { queueEmail } from "../email/queue-email.js";
import { ApiError } from "../http/problem.js";
import type { Logger } from "../logger.js";
import {
  consumeAccountToken,
  deleteAllSessions,
  findAccountHolder,
  findPasswordHash,
  findUsableAccountToken,
  isEmailTaken,
  issueAccountToken,
  markEmailVerified,
  rehearseQueuedEmail,
  retireAccountTokens,
  setPasswordHash,
  switchEmail,
} from "./account-tokens.repo.js";
import { queueVerificationEmail } from "./email-verification.js";

const HOUR = 60 * 60;

/**
 * How often each emailing request may be made. Counted before any work, like sign-in attempts,
 * so a burst gets no more through than a sequence would; an unknown email counts like a known one.
 */
export const emailRequestLimits = {
  forgotPerEmail: { max: 5, windowSeconds: HOUR },
  forgotPerAddress: { max: 20, windowSeconds: HOUR },
  resendPerUser: { max: 5, windowSeconds: HOUR },
  changeEmailPerUser: { max: 5, windowSeconds: HOUR },
};

export const tokenInvalid = () =>
  new ApiError(400, "token_invalid", "This link is invalid, has expired or was already used. Ask for a new one.", {
    errors: [{ path: "token", message: "is invalid, expired or already used" }],
  });
const wrongPassword = () =>
  new ApiError(403, "wrong_password", "The password is not correct.", {
    errors: [{ path: "password", message: "is not correct" }],
  });
const emailTaken = (path: string) =>
  new ApiError(409, "email_taken", "An account with this email already exists.", {
    errors: [{ path, message: "is already registered" }],
  });
const accountGone = () => unauthorized(true, "The account of this access token no longer exists.");

/** Where a request that checks or sets a password comes from. */
export interface PasswordRequest {
  address: string;
  /** The device id of a valid device cookie for `email`, if the request carries one. */
  deviceFor?: (email: string) => string | undefined;
  /** Aborted when the client disconnects: its password is then not hashed. */
  signal?: AbortSignal | undefined;
}

/**
 * The flows that go through an emailed link: password reset, email verification, email change
 * (docs/decisions/012). Each token is written in the transaction that queues its email, stored as
 * a hash, and used in one atomic statement; every link is built from PUBLIC_URL at send time.
 */
export class EmailTokenService {
  constructor(
    private readonly deps: {
      config: Config;
      db: Database;
      logger: Logger;
      auth: Pick<AuthModule, "service" | "throttle" | "revocations">;
    },
  ) {}

  /**
   * Queues a reset link when an account has this email, and does the same work otherwise as far
   * as it can (the lookup, a transaction with an insert, rolled back), so that neither the answer
   * nor its timing tells whether the account exists. Nothing waits for SMTP.
   */
  async forgotPassword(email: string, from: { address: string }): Promise<void> {
    const { db } = this.deps;
    const { throttle } = this.deps.auth;
    const { forgotPerEmail, forgotPerAddress } = emailRequestLimits;
    await throttle.attempt([
      { name: "forgot-password-email", subject: email, ...forgotPerEmail },
      { name: "forgot-password-address", subject: from.address, ...forgotPerAddress },
    ]);
    const holder = await findAccountHolder(db, { email });
    if (!holder) {
      await rehearseQueuedEmail(db);
      return;
    }
    await db.transaction(async (tx) => {
      const token = await issueAccountToken(tx, { userId: holder.id, email: holder.email, purpose: "reset-password" });
      await queueEmail(tx, { kind: "reset-password", to: holder.email, name: holder.name, token, userId: holder.id });
    });
  }

  /**
   * Sets a new password through a reset link, and in the same transaction: uses the token, ends
   * every session of the user (the trigger records each revocation for other processes; this
   * one forgets them at once), retires other reset links and any pending email change, marks the
   * email verified (the link proved it) and queues the "password changed" notice.
   */
  async resetPassword(token: string, newPassword: string, from: PasswordRequest): Promise<void> {
    const { db, config } = this.deps;
    const { revocations, throttle } = this.deps.auth;
    // Checked before anything is hashed: a made-up token costs one indexed read.
    const owner = await findUsableAccountToken(db, token, "reset-password");
    const holder = owner && (await findAccountHolder(db, { id: owner.userId }));
    if (!owner || !holder || holder.email !== owner.email) throw tokenInvalid();
    const reason = weakPasswordReason(newPassword, holder.email);
    if (reason) {
      throw new ApiError(400, "weak_password", reason, { errors: [{ path: "newPassword", message: reason }] });
    }
    const passwordHash = await this.withHashSlot(from.signal, () => hashPassword(newPassword));
    const ended = await db.transaction(async (tx) => {
      const used = await consumeAccountToken(tx, token, "reset-password");
      if (!used) throw tokenInvalid();
      await setPasswordHash(tx, used.userId, passwordHash);
      await markEmailVerified(tx, used);
      await retireAccountTokens(tx, used.userId, ["reset-password", "change-email"]);
      const sessionIds = await deleteAllSessions(tx, used.userId);
      await queueEmail(tx, { kind: "password-changed", to: holder.email, name: holder.name, userId: holder.id });
      return sessionIds;
    });
    revocations.remember(ended);
    // The owner proved the address: strangers' failed sign-ins no longer hold the account shut.
    const [account] = signinLimits(config.rateLimits, {
      email: holder.email,
      address: from.address,
      deviceId: undefined,
    });
    if (account) await throttle.settle({ reset: [account] });
    this.deps.logger.info({ userId: holder.id, sessionsEnded: ended.length }, "password reset through an emailed link");
  }

  /** Marks the email verified through its link (24 h, single use). */
  async verifyEmail(token: string): Promise<User> {
    const userId = await this.deps.db.transaction(async (tx) => {
      const used = await consumeAccountToken(tx, token, "verify-email");
      // A link sent to an address the account no longer has verifies nothing.
      if (!used || !(await markEmailVerified(tx, used))) throw tokenInvalid();
      await retireAccountTokens(tx, used.userId, ["verify-email"]);
      return used.userId;
    });
    return this.userOrInvalid(userId);
  }

  /** Sends a new verification link, unless the email is verified already (then nothing is sent). */
  async resendVerification(userId: string): Promise<void> {
    const { db } = this.deps;
    const { throttle } = this.deps.auth;
    await throttle.attempt([{ name: "verify-resend-user", subject: userId, ...emailRequestLimits.resendPerUser }]);
    const holder = await findAccountHolder(db, { id: userId });
    if (!holder) throw accountGone();
    if (holder.emailVerified) return;
    await queueVerificationEmail(db, holder);
  }

  /**
   * Starts an email change: the password is checked like a sign-in (counted before the hash; a
   * wrong one stays counted), then a confirmation link goes to the new address and a notice to
   * the old one. The account keeps its address until the link is used (better-auth#7196); a new
   * request replaces the previous one's link.
   */
  async changeEmail(
    userId: string,
    body: { newEmail: string; password: string },
    from: PasswordRequest,
  ): Promise<void> {
    const { db, config } = this.deps;
    const { throttle } = this.deps.auth;
    const holder = await findAccountHolder(db, { id: userId });
    if (!holder) throw accountGone();
    if (body.newEmail === holder.email) {
      throw new ApiError(400, "validation_failed", "newEmail is already the account's email", {
        errors: [{ path: "newEmail", message: "is already your email" }],
      });
    }
    const deviceId = from.deviceFor?.(holder.email);
    const signin = signinLimits(config.rateLimits, { email: holder.email, address: from.address, deviceId });
    const perUser: Limit = { name: "change-email-user", subject: userId, ...emailRequestLimits.changeEmailPerUser };
    await this.withHashSlot(from.signal, async () => {
      await throttle.attempt(signin);
      if (!(await this.isPasswordOf(userId, body.password))) throw wrongPassword();
    });
    const [own, ...others] = signin;
    await throttle.settle({ reset: own ? [own] : [], giveBack: others });
    // Each request emails an address of the caller's choosing: a bound on how often, counted
    // before anything is queued.
    await throttle.attempt([perUser]);
    if (await isEmailTaken(db, body.newEmail, userId)) throw emailTaken("newEmail");
    await db.transaction(async (tx) => {
      await retireAccountTokens(tx, userId, ["change-email"]);
      const token = await issueAccountToken(tx, { userId, email: body.newEmail, purpose: "change-email" });
      await queueEmail(tx, { kind: "email-change", to: body.newEmail, name: "", token, userId });
      await queueEmail(tx, {
        kind: "email-change-notice",
        to: holder.email,
        name: holder.name,
        newEmail: body.newEmail,
        userId,
      });
    });
  }

  /**
   * Switches the account to the confirmed new address (verified). Every other emailed link of the
   * account dies with the old address. 409 when another account took the address meanwhile; the
   * link then stays unused.
   */
  async confirmEmail(token: string): Promise<User> {
    const userId = await this.deps.db.transaction(async (tx) => {
      const used = await consumeAccountToken(tx, token, "change-email");
      if (!used) throw tokenInvalid();
      if (await isEmailTaken(tx, used.email, used.userId)) throw emailTaken("token");
      if (!(await switchEmail(tx, used))) throw emailTaken("token");
      await retireAccountTokens(tx, used.userId, ["reset-password", "verify-email", "change-email"]);
      return used.userId;
    });
    return this.userOrInvalid(userId);
  }

  private async userOrInvalid(userId: string): Promise<User> {
    const user = await findUserById(this.deps.db, userId);
    if (!user) throw tokenInvalid();
    return user;
  }

  private async isPasswordOf(userId: string, password: string): Promise<boolean> {
    // No account has a password this long, so there is nothing to hash.
    if (codePointLength(password) > PASSWORD_MAX) return false;
    const hash = await findPasswordHash(this.deps.db, userId);
    return hash !== undefined && (await verifyPassword({ hash, password }));
  }

  /** Runs password work with a place in the bounded hash queue, or answers 503 at once. */
  private withHashSlot<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    return this.deps.auth.service.withHashSlot({ signal }, work);
  }
}
