import { isAPIError } from "better-auth/api";
import type { SigninBody, SignupBody, User } from "../../shared/auth.schemas.js";
import { NAME_MAX, PASSWORD_MAX } from "../../shared/auth.schemas.js";
import { codePointLength } from "../../shared/text.js";
import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import { ApiError } from "../http/problem.js";
import type { Throttle } from "../http/throttle.js";
import type { Logger } from "../logger.js";
import type { AccessTokens, IssuedToken } from "./access-tokens.js";
import { type BetterAuth, CLIENT_ADDRESS_HEADER } from "./better-auth.js";
import { weakPasswordReason } from "./common-passwords.js";
import { hashPassword } from "./password-hash.js";
import type { RevocationList } from "./revocations.js";
import { deleteSession, extendSession, findLiveSessionByToken, findUserById, toUser } from "./sessions.repo.js";

export interface RequestOrigin {
  address: string;
  userAgent: string | undefined;
}

export interface SignedIn extends IssuedToken {
  user: User;
  refreshToken: string;
}

export interface Refreshed extends IssuedToken {
  refreshToken: string;
}

const invalidCredentials = () => new ApiError(401, "invalid_credentials", "Invalid email or password.");
export const sessionExpired = () =>
  new ApiError(401, "unauthorized", "The session has expired or was signed out. Sign in again.");

/**
 * The rules of signing up, in and out. Better Auth does the account work (users, password
 * hashes, sessions); this adds what the contract asks on top: validation, weak passwords,
 * throttling, access tokens and revocation.
 */
export class AuthService {
  constructor(
    private readonly deps: {
      config: Config;
      db: Database;
      logger: Logger;
      betterAuth: BetterAuth;
      tokens: AccessTokens;
      revocations: RevocationList;
      throttle: Throttle;
    },
  ) {}

  async signup(body: SignupBody, from: RequestOrigin): Promise<SignedIn> {
    const { betterAuth, throttle, config } = this.deps;
    const reason = weakPasswordReason(body.password, body.email);
    if (reason) {
      throw new ApiError(400, "weak_password", reason, { errors: [{ path: "password", message: reason }] });
    }
    const limits = config.rateLimits;
    await throttle.consume({
      name: "signup-address",
      subject: from.address,
      max: limits.signupsPerAddress,
      windowSeconds: limits.signupWindowSeconds,
    });
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
    return this.startSession(toUser(result.user), result.token);
  }

  async signin(body: SigninBody, from: RequestOrigin): Promise<SignedIn> {
    const { betterAuth, throttle, config } = this.deps;
    const email = body.email.toLowerCase();
    const limits = config.rateLimits;
    const account = {
      name: "signin-account",
      subject: email,
      max: limits.signinFailuresPerAccount,
      windowSeconds: limits.signinWindowSeconds,
    };
    const address = {
      name: "signin-address",
      subject: from.address,
      max: limits.signinFailuresPerAddress,
      windowSeconds: limits.signinWindowSeconds,
    };
    const counted = await throttle.assertAllowed([account, address]);
    // No account has a password this long, so there is nothing to hash.
    if (codePointLength(body.password) > PASSWORD_MAX) {
      await throttle.hit([account, address]);
      throw invalidCredentials();
    }
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
      await throttle.hit([account, address]);
      throw invalidCredentials();
    }
    // Most sign-ins follow no failure: then there is no counter to clear, and no round trip.
    if (counted.has(account.name)) await throttle.clear(account);
    return this.startSession(toUser(result.user), result.token);
  }

  /** A new access token for a live session; the session's lifetime slides forward. */
  async refresh(refreshToken: string): Promise<Refreshed> {
    const { db, tokens, config, revocations } = this.deps;
    const session = await findLiveSessionByToken(db, refreshToken);
    if (!session || revocations.isRevoked(session.id)) throw sessionExpired();
    await extendSession(db, session.id, new Date(Date.now() + config.sessionTtl * 1000));
    const issued = await tokens.issue(session.userId, session.id);
    return { ...issued, refreshToken };
  }

  /** Deletes the session and revokes its access tokens, here at once and elsewhere on the next poll. */
  async signout(sessionId: string): Promise<void> {
    const { db, revocations } = this.deps;
    // The database records the revocation for other processes (a trigger on session deletion).
    const deleted = await deleteSession(db, sessionId);
    revocations.remember([sessionId]);
    if (!deleted) throw sessionExpired();
  }

  async sessionIdForRefreshToken(refreshToken: string): Promise<string> {
    const session = await findLiveSessionByToken(this.deps.db, refreshToken);
    if (!session) throw sessionExpired();
    return session.id;
  }

  async me(userId: string): Promise<User> {
    const user = await findUserById(this.deps.db, userId);
    if (!user) throw sessionExpired();
    return user;
  }

  private async startSession(user: User, refreshToken: string): Promise<SignedIn> {
    const session = await findLiveSessionByToken(this.deps.db, refreshToken);
    if (!session) throw new Error("the new session was not found");
    const issued = await this.deps.tokens.issue(user.id, session.id);
    return { ...issued, user, refreshToken };
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
  const headers = new Headers({ [CLIENT_ADDRESS_HEADER]: from.address });
  if (from.userAgent) headers.set("user-agent", from.userAgent.slice(0, 512));
  return headers;
}
