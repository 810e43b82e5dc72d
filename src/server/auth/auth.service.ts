import { isAPIError } from "better-auth/api";
import type { SigninBody, SignupBody, User } from "../../shared/auth.schemas.js";
import { NAME_MAX, PASSWORD_MAX } from "../../shared/auth.schemas.js";
import { codePointLength, isStorableText } from "../../shared/text.js";
import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import { ApiError } from "../http/problem.js";
import type { Logger } from "../logger.js";
import type { AccessTokens, IssuedToken } from "./access-tokens.js";
import { type BetterAuth, CLIENT_ADDRESS_HEADER } from "./better-auth.js";
import { weakPasswordReason } from "./common-passwords.js";
import { ClientGoneError, type HashTicket, ServerBusyError } from "./hash-queue.js";
import { hashPassword, hashQueue } from "./password-hash.js";
import { RefreshTokenChain } from "./refresh-tokens.js";
import type { RevocationList } from "./revocations.js";
import {
  adoptNewSession,
  deleteSessions,
  endSessionsBeyond,
  findLiveSessionByToken,
  findRetiredToken,
  findUserById,
  rotateRefreshToken,
  toUser,
} from "./sessions.repo.js";
import { signinLimits } from "./sign-in-limits.js";
import type { Throttle } from "./throttle.js";

export interface RequestOrigin {
  address: string;
  userAgent: string | undefined;
  /** Aborted when the client disconnects: its password is then not hashed. */
  signal?: AbortSignal | undefined;
}

export interface SigninAttempt extends RequestOrigin {
  /** The id of a valid device cookie bound to the account being signed in to. */
  deviceId: string | undefined;
}

export interface SignedIn extends IssuedToken {
  user: User;
  refreshToken: string;
}

export interface Refreshed extends IssuedToken {
  refreshToken: string;
}

/** How many links of the rotation chain a retired token may be behind and still be answered. */
const GRACE_CHAIN_STEPS = 8;

const invalidCredentials = () => new ApiError(401, "invalid_credentials", "Invalid email or password.");
export const sessionExpired = () =>
  new ApiError(401, "unauthorized", "The session has expired or was signed out. Sign in again.");
/**
 * 503 with Retry-After. A refusal sent before the request's body was read also closes the
 * connection (RFC 9112 section 9.6): the unread body would otherwise have to be drained first,
 * and a client hammering the server must come back through the kernel's accept queue.
 */
const serverBusy = (bodyUnread = false) =>
  new ApiError(503, "server_busy", "The server is busy signing others in. Try again in a moment.", {
    headers: { "Retry-After": "1", ...(bodyUnread ? { Connection: "close" } : {}) },
  });

/**
 * The rules of signing up, in and out. Better Auth does the account work (users, password
 * hashes, sessions); this adds what the contract asks on top: validation, weak passwords,
 * throttling, load shedding, refresh-token rotation, access tokens and revocation.
 */
export class AuthService {
  private readonly chain: RefreshTokenChain;

  constructor(
    private readonly deps: {
      config: Config;
      db: Database;
      logger: Logger;
      betterAuth: BetterAuth;
      tokens: AccessTokens;
      revocations: RevocationList;
      throttle: Throttle;
      /** Called once a new account exists (queues its verification email); must not throw. */
      onSignedUp?: (user: User) => Promise<void>;
    },
  ) {
    this.chain = new RefreshTokenChain(deps.config.secrets[0] ?? "");
  }

  async signup(body: SignupBody, from: RequestOrigin): Promise<SignedIn> {
    const { betterAuth, throttle, config } = this.deps;
    const reason = weakPasswordReason(body.password, body.email);
    if (reason) {
      throw new ApiError(400, "weak_password", reason, { errors: [{ path: "password", message: reason }] });
    }
    return this.withHashSlot({ signal: from.signal }, async () => {
      const limits = config.rateLimits;
      await throttle.attempt([
        {
          name: "signup-address",
          subject: from.address,
          max: limits.signupsPerAddress,
          windowSeconds: limits.signupWindowSeconds,
        },
      ]);
      // The default keeps the name rule (at most NAME_MAX code points) for long local parts.
      const localPart = body.email.slice(0, body.email.lastIndexOf("@"));
      const name = body.name ?? Array.from(localPart).slice(0, NAME_MAX).join("");
      let result: { token: string | null; user: Parameters<typeof toUser>[0] };
      try {
        result = await betterAuth.api.signUpEmail({
          body: { email: body.email, password: body.password, name },
          headers: headersFor(from),
        });
      } catch (error) {
        throw await this.signupError(error, body.email);
      }
      if (!result.token) throw new Error("sign-up created no session");
      const user = toUser(result.user);
      await this.deps.onSignedUp?.(user);
      return this.startSession(user, result.token);
    });
  }

  async signin(body: SigninBody, from: SigninAttempt): Promise<SignedIn> {
    const { betterAuth, throttle, config } = this.deps;
    const email = body.email.toLowerCase();
    const limits = signinLimits(config.rateLimits, { email, address: from.address, deviceId: from.deviceId });
    return this.withHashSlot({ signal: from.signal, priority: from.deviceId !== undefined }, async () => {
      // Counted before the hash, so that concurrent attempts cannot all pass one check.
      await throttle.attempt(limits);
      // No account has a password this long, so there is nothing to hash.
      if (codePointLength(body.password) > PASSWORD_MAX) throw invalidCredentials();
      let result: { token: string; user: Parameters<typeof toUser>[0] };
      try {
        result = await betterAuth.api.signInEmail({
          body: { email, password: body.password },
          headers: headersFor(from),
        });
      } catch (error) {
        if (!isAPIError(error)) throw error;
        // An address Better Auth finds malformed still costs one hash, like any unknown email.
        if (isRejectedEmail(error)) await hashPassword(body.password);
        throw invalidCredentials();
      }
      // The owner got in: strangers' failures against the account (or this device) are
      // forgotten, and this attempt is given back to the address.
      const [own, ...others] = limits;
      await throttle.settle({ reset: own ? [own] : [], giveBack: others });
      return this.startSession(toUser(result.user), result.token);
    });
  }

  /**
   * A new access token and a new refresh token for a live session (rotation, RFC 9700 4.14).
   * A token retired less than REFRESH_REUSE_GRACE seconds ago is answered with the token that
   * replaced it (two tabs or a retry racing); presented later, it means that someone else holds
   * a copy, and the whole session is revoked.
   */
  async refresh(presented: string): Promise<Refreshed> {
    const { db, tokens, config, revocations } = this.deps;
    if (!isStorableText(presented)) throw sessionExpired();
    const lifetimes = { ttl: config.sessionTtl, maxAge: config.sessionMaxAge };
    const next = this.chain.next(presented);
    const rotated = await rotateRefreshToken(db, presented, next, lifetimes);
    if (rotated) {
      if (revocations.isRevoked(rotated.id)) throw sessionExpired();
      return { ...(await tokens.issue(rotated.userId, rotated.id, rotated.expiresAt)), refreshToken: next };
    }
    const retired = await findRetiredToken(db, presented, config.refreshReuseGrace, config.sessionMaxAge);
    if (!retired?.live || revocations.isRevoked(retired.id)) throw sessionExpired();
    if (retired.inGrace) {
      const current = this.chain.findSuccessor(presented, retired.currentHash, GRACE_CHAIN_STEPS);
      if (!current) throw sessionExpired();
      return { ...(await tokens.issue(retired.userId, retired.id, retired.expiresAt)), refreshToken: current };
    }
    await this.endSessions([retired.id]);
    this.deps.logger.warn(
      { userId: retired.userId, sessionId: retired.id },
      "a retired refresh token was presented again: session revoked",
    );
    throw sessionExpired();
  }

  /**
   * Deletes the sessions and revokes their access tokens, here at once and elsewhere on the
   * next poll (a trigger on session deletion records each one). 401 when none was still alive.
   */
  async signout(sessionIds: string[]): Promise<void> {
    const ended = await this.endSessions(sessionIds);
    if (ended.length === 0) throw sessionExpired();
  }

  /**
   * The live session a sign-out's cookie names: by its current refresh token, or by one it
   * retired (a tab whose cookie is a rotation behind). Ending a session is what the reuse of a
   * retired token leads to anyway, so a retired token may always end its own session.
   */
  async sessionIdForRefreshToken(refreshToken: string): Promise<string | undefined> {
    const { db, config } = this.deps;
    const live = await findLiveSessionByToken(db, refreshToken, config.sessionMaxAge);
    if (live) return live.id;
    if (!isStorableText(refreshToken)) return undefined;
    const retired = await findRetiredToken(db, refreshToken, config.refreshReuseGrace, config.sessionMaxAge);
    return retired?.live ? retired.id : undefined;
  }

  async me(userId: string): Promise<User> {
    const user = await findUserById(this.deps.db, userId);
    if (!user) throw sessionExpired();
    return user;
  }

  private async endSessions(sessionIds: string[]): Promise<string[]> {
    const ended = await deleteSessions(this.deps.db, sessionIds);
    this.deps.revocations.remember(sessionIds);
    return ended;
  }

  /**
   * Refuses a sign-in or sign-up at the door while the hash queue is full, before its body is
   * even read: in a storm, what the server spends on each refused request decides how long
   * everyone else waits. `mayBeTrusted`: the request carries a device cookie (not yet checked
   * against the account), so it may belong in the trusted lane, which is judged later.
   */
  refuseWhileBusy(mayBeTrusted: boolean): void {
    if (hashQueue.isFull(false) && (!mayBeTrusted || hashQueue.isFull(true))) throw serverBusy(true);
  }

  /**
   * Runs a sign-in or sign-up (or any request that checks a password: changing it, deleting the
   * account) with a place in the password-hash queue, or answers 503 at once.
   */
  async withHashSlot<T>(ticket: HashTicket, work: () => Promise<T>): Promise<T> {
    try {
      return await hashQueue.admit(ticket, work);
    } catch (error) {
      // A client that went away reads no answer; 503 keeps the log free of a false 500.
      if (error instanceof ServerBusyError || error instanceof ClientGoneError) throw serverBusy();
      throw error;
    }
  }

  private async startSession(user: User, betterAuthToken: string): Promise<SignedIn> {
    const { db, config, tokens } = this.deps;
    const session = await adoptNewSession(db, betterAuthToken, config.sessionMaxAge);
    // Ended before we could take it over: every session of the user was ended meanwhile (a
    // password reset, "sign out everywhere"), which this sign-in must not outlive.
    if (!session) throw sessionExpired();
    if (session.sessionCount > config.maxSessionsPerUser) {
      const ended = await endSessionsBeyond(db, user.id, config.maxSessionsPerUser);
      this.deps.revocations.remember(ended);
    }
    const issued = await tokens.issue(user.id, session.id, session.expiresAt);
    return { ...issued, user, refreshToken: betterAuthToken };
  }

  private async signupError(error: unknown, email: string): Promise<unknown> {
    if (!isAPIError(error)) return error;
    const code = error.body?.code;
    if (code === "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL" || code === "USER_ALREADY_EXISTS") return emailTaken();
    // Two concurrent sign-ups with one email: the loser's insert fails on the unique index.
    if (code === "FAILED_TO_CREATE_USER" && (await this.emailExists(email))) return emailTaken();
    if (isRejectedEmail(error)) {
      return new ApiError(400, "validation_failed", "email must be a valid email address", {
        errors: [{ path: "email", message: "must be a valid email address" }],
      });
    }
    this.deps.logger.error({ code }, "sign-up failed in the auth library");
    return error;
  }

  private async emailExists(email: string): Promise<boolean> {
    const ctx = await this.deps.betterAuth.$context;
    return (await ctx.internalAdapter.findUserByEmail(email)) !== null;
  }
}

/**
 * Better Auth's own email check is stricter than the contract's shape rule (it refuses `!` or
 * non-ASCII in the local part, one-letter top-level domains): it answers INVALID_EMAIL, or
 * VALIDATION_ERROR naming body.email. Either is a bad email, never a crash.
 */
function isRejectedEmail(error: { body?: { code?: string; message?: string } | undefined }): boolean {
  const code = error.body?.code;
  return code === "INVALID_EMAIL" || (code === "VALIDATION_ERROR" && /\bemail\b/i.test(error.body?.message ?? ""));
}

function emailTaken(): ApiError {
  return new ApiError(409, "email_taken", "An account with this email already exists.", {
    errors: [{ path: "email", message: "is already registered" }],
  });
}

function headersFor(from: RequestOrigin): Headers {
  // Better Auth records only a valid IP (else null, or 127.0.0.1 outside production): an IPv6
  // client's /64 key goes as the /64's first address, which it stores expanded.
  const address = from.address.endsWith("/64") ? from.address.slice(0, -3) : from.address;
  const headers = new Headers({ [CLIENT_ADDRESS_HEADER]: address });
  if (from.userAgent) headers.set("user-agent", from.userAgent.slice(0, 512));
  return headers;
}
