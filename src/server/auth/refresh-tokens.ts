import { createHash, createHmac, hkdfSync } from "node:crypto";

/** The form a refresh token is stored in (sessions.token, retired_refresh_tokens): its SHA-256. */
export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * Each refresh replaces the session's refresh token by the next one in a chain:
 * next(T) = HMAC(key, T), with a key derived from AUTH_SECRET. Only hashes are stored, yet a
 * client that presents a just-retired token (two tabs, a retried request) can be answered with
 * the very token that replaced it, so every racer ends up holding the current one
 * (docs/decisions/009-refresh-token-rotation.md). Without the secret, a copy of the database
 * yields neither the current token nor the next.
 */
export class RefreshTokenChain {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync("sha256", secret, "", "taskvault refresh-token rotation", 32));
  }

  next(token: string): string {
    return createHmac("sha256", this.key).update(token).digest("base64url");
  }

  /**
   * Follows the chain from `token` for at most `steps` links and returns the first whose hash
   * is `currentHash`: the token a racing or retrying client should now hold.
   */
  findSuccessor(token: string, currentHash: string, steps: number): string | undefined {
    let candidate = token;
    for (let i = 0; i < steps; i++) {
      candidate = this.next(candidate);
      if (hashRefreshToken(candidate) === currentHash) return candidate;
    }
    return undefined;
  }
}
