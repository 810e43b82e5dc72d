import { type JwtOptions, resolveSigningKey, signJWT } from "better-auth/plugins/jwt";
import { type CryptoKey, importJWK, type JWK, type JWTPayload, jwtVerify, type KeyObject } from "jose";
import type { Database } from "../db/client.js";
import { jwks } from "../db/schema/index.js";
import type { Caller } from "../http/app-env.js";
import type { Logger } from "../logger.js";
import type { BetterAuth } from "./better-auth.js";

/** Only this algorithm is accepted; the header's `alg` never chooses the verification method. */
export const ACCESS_TOKEN_ALG = "EdDSA";
/** RFC 9068 explicit typing, so that no other JWT signed by our key passes as an access token. */
export const ACCESS_TOKEN_TYP = "at+jwt";
export const CLOCK_SKEW_SECONDS = 30;
/** How many verified tokens are remembered; the oldest entry goes first. */
const VERIFIED_CACHE_SIZE = 10_000;
/**
 * How often each process looks for signing keys added or retired by `npm run keys`: a retired
 * key's tokens must be refused everywhere within one second, and a busy event loop or database
 * can delay a poll (the revocation poll uses the same margin).
 */
export const SIGNING_KEY_POLL_MS = 250;

/** The claims of a verified access token: the caller that HTTP handlers see (http/app-env.ts). */
export type AccessClaims = Caller;

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

type Key = CryptoKey | KeyObject;
type ResolvedKey = Awaited<ReturnType<typeof resolveSigningKey>>;

/** A verified token's claims and the key that signed it, so that retiring the key drops it. */
interface VerifiedToken {
  claims: AccessClaims;
  kid: string;
}

export class InvalidTokenError extends Error {
  override name = "InvalidTokenError";
}

/**
 * Signs access tokens with Better Auth's newest key and verifies them against an in-memory copy
 * of the public keys: no database round trip per request. `watchKeys` keeps both in step with
 * the `jwks` table (signing-key rotation, docs/decisions/011-signing-key-rotation.md).
 */
export class AccessTokens {
  private publicKeys = new Map<string, Key>();
  // Verified tokens by their exact string: a repeat request skips the signature check (the
  // costliest part of a request). Expiry is still checked here and revocation by the caller.
  private readonly verified = new Map<string, VerifiedToken>();
  private reload: Promise<void> | undefined;
  private lastReload = 0;
  /** The key ids in the table when the keys were last loaded, sorted and joined. */
  private loadedIds = "";
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private logger: Logger | undefined;

  private constructor(
    private readonly auth: BetterAuth,
    private readonly options: JwtOptions,
    private signingKey: NonNullable<ResolvedKey>,
    private readonly issuer: string,
    private readonly audience: string,
    private readonly ttlSeconds: number,
  ) {}

  /**
   * Creates the first signing key when there is none, decrypts the current one, and loads the
   * public key set. A secret that cannot decrypt the stored key fails here, at start-up.
   */
  static async create(auth: BetterAuth, options: JwtOptions, ttlSeconds: number): Promise<AccessTokens> {
    const key = await resolveCurrentKey(auth, options);
    const issuer = options.jwt?.issuer ?? "";
    const audience = String(options.jwt?.audience ?? "");
    const tokens = new AccessTokens(auth, options, key, issuer, audience, ttlSeconds);
    await tokens.loadPublicKeys();
    return tokens;
  }

  /**
   * Polls the key ids every `intervalMs` (one small select) and reloads only when the set
   * changed: a new key takes over signing, a retired key's tokens are refused from then on.
   */
  watchKeys(db: Database, logger: Logger, intervalMs = SIGNING_KEY_POLL_MS): void {
    this.logger = logger;
    this.pollTimer = setInterval(() => {
      if (this.polling) return;
      this.polling = true;
      this.pollKeys(db)
        .catch((error: unknown) => logger.warn({ err: errorMessage(error) }, "signing-key poll failed"))
        .finally(() => {
          this.polling = false;
        });
    }, intervalMs);
    this.pollTimer.unref();
  }

  stop(): void {
    clearInterval(this.pollTimer);
  }

  /** Signs an access token for the session; it never outlives `sessionEnd`. */
  async issue(userId: string, sessionId: string, sessionEnd: Date): Promise<IssuedToken> {
    const context = await this.auth.$context;
    const iat = Math.floor(Date.now() / 1000);
    const exp = Math.min(iat + this.ttlSeconds, Math.floor(sessionEnd.getTime() / 1000));
    const token = await signJWT(
      { context } as never,
      {
        options: this.options,
        payload: { sub: userId, sid: sessionId, iat, exp },
        header: { typ: ACCESS_TOKEN_TYP },
        resolvedKey: this.signingKey,
      } as never,
    );
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Verifies signature, algorithm, type, issuer, audience, expiry and required claims. */
  async verify(token: string): Promise<AccessClaims> {
    const cached = this.verified.get(token);
    if (cached) {
      if ((cached.claims.exp + CLOCK_SKEW_SECONDS) * 1000 > Date.now()) return cached.claims;
      this.verified.delete(token);
    }
    const verified = await this.verifySignature(token);
    // The key may have been retired while the signature was checked: the swap of the key set
    // and this check never interleave (both are synchronous), so no retired key's token is cached.
    if (!this.publicKeys.has(verified.kid)) throw new InvalidTokenError("retired kid");
    if (this.verified.size >= VERIFIED_CACHE_SIZE) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, verified);
    return verified.claims;
  }

  private async verifySignature(token: string): Promise<VerifiedToken> {
    let payload: JWTPayload;
    let kid: string | undefined;
    try {
      ({
        payload,
        protectedHeader: { kid },
      } = await jwtVerify(token, (header) => this.keyFor(header.kid), {
        algorithms: [ACCESS_TOKEN_ALG],
        typ: ACCESS_TOKEN_TYP,
        issuer: this.issuer,
        audience: this.audience,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ["sub", "sid", "exp", "iat"],
      }));
    } catch (error) {
      throw new InvalidTokenError("invalid token", { cause: error });
    }
    const { sub, sid, exp } = payload;
    if (typeof sub !== "string" || typeof sid !== "string" || typeof exp !== "number" || !sub || !sid || !kid) {
      throw new InvalidTokenError("invalid claims");
    }
    return { claims: { userId: sub, sessionId: sid, exp }, kid };
  }

  /** The public JWK Set, as `GET /api/auth/jwks` serves it. */
  async publicJwks(): Promise<{ keys: JWK[] }> {
    return (await this.auth.api.getJwks()) as { keys: JWK[] };
  }

  // Only keys from our own database are ever used: `jku`, `x5u` and `jwk` headers are ignored,
  // and an unknown `kid` triggers at most one reload every few seconds (single-flight).
  private async keyFor(kid: string | undefined): Promise<Key> {
    if (!kid) throw new InvalidTokenError("no kid");
    const known = this.publicKeys.get(kid);
    if (known) return known;
    // A key just added by another process is found here before this process's next poll.
    if (Date.now() - this.lastReload > 5_000) await this.reloadKeys();
    const reloaded = this.publicKeys.get(kid);
    if (!reloaded) throw new InvalidTokenError("unknown kid");
    return reloaded;
  }

  private async pollKeys(db: Database): Promise<void> {
    const rows = await db.select({ id: jwks.id }).from(jwks);
    const ids = rows
      .map((row) => row.id)
      .sort()
      .join(" ");
    if (ids === this.loadedIds) return;
    if (this.reload) {
      // A reload already running may have read the table before `ids`: compare again next time.
      await this.reload;
      return;
    }
    await this.reloadKeys();
    this.loadedIds = ids;
  }

  /** Single-flight: the poll and an unknown `kid` share one reload. */
  private reloadKeys(): Promise<void> {
    this.reload ??= this.loadAllKeys().finally(() => {
      this.reload = undefined;
    });
    return this.reload;
  }

  /**
   * Re-resolves the signing key (Better Auth's newest) and reloads the public keys, then swaps
   * both in one synchronous step and forgets verified tokens of keys that are gone.
   */
  private async loadAllKeys(): Promise<void> {
    let signingKey = this.signingKey;
    try {
      signingKey = await resolveCurrentKey(this.auth, this.options);
    } catch (error) {
      // Keep signing with the key we have; the public keys below are still refreshed, so a
      // retired key stops verifying whatever happens here.
      if (!this.logger) throw error;
      this.logger.error(
        { err: errorMessage(error) },
        "the newest signing key cannot be used; signing with the previous one",
      );
    }
    const next = await this.importPublicKeys();
    this.publicKeys = next;
    if (signingKey.kid !== this.signingKey.kid) {
      this.signingKey = signingKey;
      this.logger?.info({ kid: signingKey.kid }, "signing access tokens with a new key");
    }
    for (const [token, entry] of this.verified) if (!next.has(entry.kid)) this.verified.delete(token);
  }

  private async loadPublicKeys(): Promise<void> {
    this.publicKeys = await this.importPublicKeys();
  }

  private async importPublicKeys(): Promise<Map<string, Key>> {
    this.lastReload = Date.now();
    const { keys } = await this.publicJwks();
    const next = new Map<string, Key>();
    for (const jwk of keys) {
      if (!jwk.kid || jwk.alg !== ACCESS_TOKEN_ALG) continue;
      next.set(jwk.kid, (await importJWK(jwk, ACCESS_TOKEN_ALG)) as Key);
    }
    return next;
  }
}

/**
 * Better Auth's current signing key, decrypted: the newest live key of our algorithm (created
 * when there is none). A secret that cannot decrypt it is a configuration mistake.
 */
async function resolveCurrentKey(auth: BetterAuth, options: JwtOptions): Promise<NonNullable<ResolvedKey>> {
  const context = await auth.$context;
  let key: ResolvedKey;
  try {
    key = await resolveSigningKey({ context } as never, options);
  } catch (error) {
    throw new Error(
      "The signing key in the database cannot be decrypted with AUTH_SECRET. Set AUTH_SECRET back to the secret it was created with, or list that one in AUTH_PREVIOUS_SECRETS.",
      { cause: error },
    );
  }
  if (!key) throw new Error("No signing key could be resolved.");
  return key;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
