import { type JwtOptions, resolveSigningKey, signJWT } from "better-auth/plugins/jwt";
import { type CryptoKey, importJWK, type JWK, type JWTPayload, jwtVerify, type KeyObject } from "jose";
import type { BetterAuth } from "./better-auth.js";

/** Only this algorithm is accepted; the header's `alg` never chooses the verification method. */
export const ACCESS_TOKEN_ALG = "EdDSA";
/** RFC 9068 explicit typing, so that no other JWT signed by our key passes as an access token. */
export const ACCESS_TOKEN_TYP = "at+jwt";
export const CLOCK_SKEW_SECONDS = 30;
/** How many verified tokens are remembered; the oldest entry goes first. */
const VERIFIED_CACHE_SIZE = 10_000;

export interface AccessClaims {
  userId: string;
  sessionId: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

type Key = CryptoKey | KeyObject;
type ResolvedKey = Awaited<ReturnType<typeof resolveSigningKey>>;

export class InvalidTokenError extends Error {
  override name = "InvalidTokenError";
}

/**
 * Signs access tokens with Better Auth's key (decrypted once, at start-up) and verifies them
 * against an in-memory copy of the public keys: no database round trip per request.
 */
export class AccessTokens {
  private publicKeys = new Map<string, Key>();
  // Verified tokens by their exact string: a repeat request skips the signature check (the
  // costliest part of a request). Expiry is still checked here and revocation by the caller.
  private readonly verified = new Map<string, AccessClaims>();
  private reload: Promise<void> | undefined;
  private lastReload = 0;

  private constructor(
    private readonly auth: BetterAuth,
    private readonly options: JwtOptions,
    private readonly signingKey: NonNullable<ResolvedKey>,
    private readonly issuer: string,
    private readonly audience: string,
    private readonly ttlSeconds: number,
  ) {}

  /**
   * Creates the first signing key when there is none, decrypts the current one, and loads the
   * public key set. A secret that cannot decrypt the stored key fails here, at start-up.
   */
  static async create(auth: BetterAuth, options: JwtOptions, ttlSeconds: number): Promise<AccessTokens> {
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
    const issuer = options.jwt?.issuer ?? "";
    const audience = String(options.jwt?.audience ?? "");
    const tokens = new AccessTokens(auth, options, key, issuer, audience, ttlSeconds);
    await tokens.loadPublicKeys();
    return tokens;
  }

  async issue(userId: string, sessionId: string): Promise<IssuedToken> {
    const context = await this.auth.$context;
    const iat = Math.floor(Date.now() / 1000);
    const token = await signJWT(
      { context } as never,
      {
        options: this.options,
        payload: { sub: userId, sid: sessionId, iat },
        header: { typ: ACCESS_TOKEN_TYP },
        resolvedKey: this.signingKey,
      } as never,
    );
    return { token, expiresAt: new Date((iat + this.ttlSeconds) * 1000) };
  }

  /** Verifies signature, algorithm, type, issuer, audience, expiry and required claims. */
  async verify(token: string): Promise<AccessClaims> {
    const cached = this.verified.get(token);
    if (cached) {
      if ((cached.exp + CLOCK_SKEW_SECONDS) * 1000 > Date.now()) return cached;
      this.verified.delete(token);
    }
    const claims = await this.verifySignature(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, claims);
    return claims;
  }

  private async verifySignature(token: string): Promise<AccessClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (header) => this.keyFor(header.kid), {
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
    if (typeof sub !== "string" || typeof sid !== "string" || typeof exp !== "number" || !sub || !sid) {
      throw new InvalidTokenError("invalid claims");
    }
    return { userId: sub, sessionId: sid, exp };
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
    if (Date.now() - this.lastReload > 5_000) {
      this.reload ??= this.loadPublicKeys().finally(() => {
        this.reload = undefined;
      });
      await this.reload;
    }
    const reloaded = this.publicKeys.get(kid);
    if (!reloaded) throw new InvalidTokenError("unknown kid");
    return reloaded;
  }

  private async loadPublicKeys(): Promise<void> {
    this.lastReload = Date.now();
    const { keys } = await this.publicJwks();
    const next = new Map<string, Key>();
    for (const jwk of keys) {
      if (!jwk.kid || jwk.alg !== ACCESS_TOKEN_ALG) continue;
      next.set(jwk.kid, (await importJWK(jwk, ACCESS_TOKEN_ALG)) as Key);
    }
    this.publicKeys = next;
  }
}
