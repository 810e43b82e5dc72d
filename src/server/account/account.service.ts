import type { AccountExport, AccountSession, ProfilePatch } from "../../shared/account.schemas.js";
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
import type { Caller } from "../http/app-env.js";
import { ApiError } from "../http/problem.js";
import type { Logger } from "../logger.js";
import { moveRemindersToZone } from "../tasks/reminder-zone.js";
import type { TaskRepository } from "../tasks/tasks.repository.js";
import {
  deleteOtherSessions,
  deleteSession,
  deleteUser,
  findPasswordHash,
  isSessionLive,
  listSessions,
  lockTimeZone,
  replacePassword,
  type StoredSession,
  updateProfile,
} from "./account.repository.js";
import { retireAccountTokens } from "./account-tokens.repo.js";
import { deviceLabel, maskedAddress } from "./session-view.js";

/** Where a password-checking request comes from: what its throttle and hash slot need. */
export interface PasswordAttempt {
  address: string;
  /** The device id of a valid device cookie for `email`, if the request carries one. */
  deviceFor: (email: string) => string | undefined;
  /** Aborted when the client disconnects: its password is then not hashed. */
  signal?: AbortSignal | undefined;
}

const wrongPassword = (field: string) =>
  new ApiError(403, "wrong_password", "The password is not correct.", {
    errors: [{ path: field, message: "is not correct" }],
  });
const accountGone = () => unauthorized(true, "The account of this access token no longer exists.");
export const sessionNotFound = () => new ApiError(404, "not_found", "No session of yours has this id.");

/**
 * What a signed-in person can do to their own account: profile, password, sessions, export,
 * deletion. Every method takes the caller (the verified access token) and acts on that user only.
 * Passwords are checked like a sign-in: counted by the sign-in throttle before the hash, hashed
 * in the bounded hash queue.
 */
export class AccountService {
  constructor(
    private readonly deps: {
      config: Config;
      db: Database;
      logger: Logger;
      auth: Pick<AuthModule, "service" | "revocations" | "throttle">;
      tasks: TaskRepository;
    },
  ) {}

  /**
   * The access token is valid and unrevoked here; this also asks the database whether its
   * session still exists. Sessions ended on another process reach this one's revocation list
   * only on its next poll; changing the password, ending sessions or deleting the account must
   * not slip through that window. A session found gone is remembered as revoked at once.
   */
  async requireLiveSession(caller: Caller): Promise<void> {
    const { db, config, auth } = this.deps;
    if (await isSessionLive(db, caller.userId, caller.sessionId, config.sessionMaxAge)) return;
    auth.revocations.remember([caller.sessionId]);
    throw unauthorized(true, "The session of this access token was signed out.");
  }

  /**
   * A new time zone moves the user's pending reminders counted in days (docs/api.md), in the
   * transaction that sets it, so that no reminder fires by a zone the account no longer has.
   */
  async updateProfile(caller: Caller, patch: ProfilePatch, now = new Date()): Promise<User> {
    const { db } = this.deps;
    const { timeZone } = patch;
    const user =
      timeZone === undefined
        ? await updateProfile(db, caller.userId, patch)
        : await db.transaction(async (tx) => {
            const previous = await lockTimeZone(tx, caller.userId);
            const updated = await updateProfile(tx, caller.userId, patch);
            if (updated && previous !== timeZone) await moveRemindersToZone(tx, caller.userId, timeZone, now);
            return updated;
          });
    if (!user) throw accountGone();
    return user;
  }

  /**
   * Sets a new password and ends every other session of the user, their access tokens revoked
   * at once; the caller's session stays. The notice is queued in the same transaction.
   */
  async changePassword(
    caller: Caller,
    body: { currentPassword: string; newPassword: string },
    from: PasswordAttempt,
  ): Promise<void> {
    const { db, auth } = this.deps;
    const user = await this.currentUser(caller);
    const reason = weakPasswordReason(body.newPassword, user.email);
    if (reason) {
      throw new ApiError(400, "weak_password", reason, { errors: [{ path: "newPassword", message: reason }] });
    }
    await this.withCheckedPassword(
      user,
      { password: body.currentPassword, field: "currentPassword" },
      from,
      async () => {
        const passwordHash = await hashPassword(body.newPassword);
        const changed = await db.transaction(async (tx) => {
          const result = await replacePassword(tx, user.id, caller.sessionId, passwordHash);
          if (result) {
            // Links made under the old password (a reset, a pending email change) die with it.
            await retireAccountTokens(tx, user.id, ["reset-password", "change-email"]);
            await queueEmail(tx, { kind: "password-changed", to: user.email, name: user.name, userId: user.id });
          }
          return result;
        });
        if (!changed) throw accountGone();
        auth.revocations.remember(changed.endedSessionIds);
      },
    );
  }

  /** The user's live sessions, the caller's first, then the most recently used. */
  async listSessions(caller: Caller): Promise<AccountSession[]> {
    const { db, config } = this.deps;
    const rows = await listSessions(db, caller.userId, config.sessionMaxAge);
    const current = rows.filter((row) => row.id === caller.sessionId);
    const others = rows.filter((row) => row.id !== caller.sessionId);
    return [...current, ...others].map((row) => toAccountSession(row, caller.sessionId));
  }

  /** Ends one of the user's sessions (the caller's own included: that is a sign-out). */
  async endSession(caller: Caller, sessionId: string): Promise<void> {
    if (!(await deleteSession(this.deps.db, caller.userId, sessionId))) throw sessionNotFound();
    this.deps.auth.revocations.remember([sessionId]);
  }

  /** Ends every session of the user but the caller's. */
  async endOtherSessions(caller: Caller): Promise<void> {
    const ended = await deleteOtherSessions(this.deps.db, caller.userId, caller.sessionId);
    this.deps.auth.revocations.remember(ended);
  }

  /** Everything we hold about the user that is theirs to read: no hash, token or device id. */
  async exportAccount(caller: Caller, now = new Date()): Promise<AccountExport> {
    const user = await this.currentUser(caller);
    const [stored, sessions] = await Promise.all([this.deps.tasks.forUser(user.id).all(), this.listSessions(caller)]);
    return { user, tasks: stored.map((s) => s.task), sessions, exportedAt: now.toISOString() };
  }

  /**
   * Deletes the user with their tasks, sessions and pending emails in one transaction, which
   * also queues the notice to the address that was theirs (it outlives the user). Every access
   * token of theirs is revoked here at once, elsewhere on the next poll (the sessions trigger).
   */
  async deleteAccount(caller: Caller, password: string, from: PasswordAttempt): Promise<void> {
    const { db, auth } = this.deps;
    const user = await this.currentUser(caller);
    await this.withCheckedPassword(user, { password, field: "password" }, from, async () => {
      const deleted = await db.transaction(async (tx) => {
        const gone = await deleteUser(tx, user.id);
        // Queued without the user's id, so that the deletion's cascade does not take it along.
        if (gone) await queueEmail(tx, { kind: "account-deleted", to: gone.email, name: gone.name });
        return gone;
      });
      if (!deleted) throw accountGone();
      auth.revocations.remember(deleted.endedSessionIds);
      this.deps.logger.info({ userId: user.id }, "account deleted by its owner");
    });
  }

  private async currentUser(caller: Caller): Promise<User> {
    const user = await findUserById(this.deps.db, caller.userId);
    if (!user) throw accountGone();
    return user;
  }

  /**
   * Runs `work` once `password` proved to be the user's, all in one place of the password-hash
   * queue (503 server_busy when it is full). The attempt is counted against the sign-in limits
   * before anything is hashed, so a burst of guesses gets no more than sequential ones would;
   * a wrong password is a 403 wrong_password that stays counted, a right one is settled as a
   * successful sign-in settles.
   */
  private async withCheckedPassword(
    user: User,
    { password, field }: { password: string; field: string },
    from: PasswordAttempt,
    work: () => Promise<void>,
  ): Promise<void> {
    const { auth, config } = this.deps;
    const deviceId = from.deviceFor(user.email);
    const limits = signinLimits(config.rateLimits, { email: user.email, address: from.address, deviceId });
    await auth.service.withHashSlot({ signal: from.signal, priority: deviceId !== undefined }, async () => {
      await auth.throttle.attempt(limits);
      if (!(await this.isPasswordOf(user.id, password))) throw wrongPassword(field);
      await work();
      await this.settle(limits);
    });
  }

  private async isPasswordOf(userId: string, password: string): Promise<boolean> {
    const hash = await findPasswordHash(this.deps.db, userId);
    // Deleted meanwhile (a concurrent deletion): the token's account is gone, which is a 401.
    if (hash === undefined) throw accountGone();
    // No account has a password this long, so there is nothing to hash.
    if (codePointLength(password) > PASSWORD_MAX) return false;
    return verifyPassword({ hash, password });
  }

  private async settle(limits: Limit[]): Promise<void> {
    const [own, ...others] = limits;
    await this.deps.auth.throttle.settle({ reset: own ? [own] : [], giveBack: others });
  }
}

function toAccountSession(row: StoredSession, currentSessionId: string): AccountSession {
  return {
    id: row.id,
    current: row.id === currentSessionId,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.updatedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    userAgent: deviceLabel(row.userAgent),
    ipAddress: maskedAddress(row.ipAddress),
  };
}
