import { resolveSigningKey } from "better-auth/plugins/jwt";
import { type JWTHeaderParameters, type JWTPayload, SignJWT } from "jose";
import { createBetterAuth, jwtPluginOptions } from "../../src/server/auth/better-auth.js";
import { createLogger } from "../../src/server/logger.js";
import type { TestApp } from "../helpers/test-app.js";

export interface ServerSigner {
  kid: string;
  /** Signs exactly these claims with the server's own private key: no defaults are added. */
  sign(payload: JWTPayload, header?: Partial<JWTHeaderParameters>): Promise<string>;
}

/**
 * The app's real signing key, decrypted from its database with the test secret. With it a test
 * can make a token whose signature is valid and whose claims are wrong in exactly one way, so
 * that each claim check (exp, iss, aud, sid, ...) is tested on its own.
 */
export async function serverSigner(t: TestApp): Promise<ServerSigner> {
  const betterAuth = createBetterAuth(t.config, t.database.handle.db, createLogger("silent"));
  const context = await betterAuth.$context;
  const key = await resolveSigningKey({ context } as never, jwtPluginOptions(t.config));
  if (!key) throw new Error("the app has no signing key");
  return {
    kid: key.kid,
    sign(payload, header = {}) {
      return new SignJWT(payload)
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "at+jwt", ...header })
        .sign(key.privateKey);
    },
  };
}

/** The claims the app itself puts in an access token, for a given user and session. */
export function validClaims(t: TestApp, sub: string, sid: string, now = Math.floor(Date.now() / 1000)): JWTPayload {
  return {
    sub,
    sid,
    iat: now,
    exp: now + t.config.accessTokenTtl,
    iss: t.config.publicUrl,
    aud: `${t.config.publicUrl}/api`,
  };
}
