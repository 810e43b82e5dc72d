import { createHash } from "node:crypto";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { type JwtOptions, jwt } from "better-auth/plugins/jwt";
import { PASSWORD_MAX, PASSWORD_MIN } from "../../shared/auth.schemas.js";
import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import { accounts, jwks, sessions, users, verifications } from "../db/schema/index.js";
import type { Logger } from "../logger.js";
import { hashPassword, verifyPassword } from "./password-hash.js";

/** The header through which we hand Better Auth the client address we resolved ourselves. */
export const CLIENT_ADDRESS_HEADER = "x-taskvault-client-address";

/**
 * A stable version number per secret, so that AUTH_PREVIOUS_SECRETS can list old secrets in any
 * order and Better Auth still finds the one that encrypted a value.
 */
export function secretVersion(secret: string): number {
  return Number.parseInt(createHash("sha256").update(secret).digest("hex").slice(0, 7), 16);
}

export function jwtPluginOptions(config: Config): JwtOptions {
  return {
    jwks: { keyPairConfig: { alg: "EdDSA", crv: "Ed25519" } },
    jwt: {
      issuer: config.publicUrl,
      audience: `${config.publicUrl}/api`,
      // A string: a number would be read as an absolute timestamp.
      expirationTime: `${config.accessTokenTtl}s`,
    },
  };
}

/**
 * Better Auth as a library: accounts, password hashing, sessions and signing keys. Its HTTP
 * handler is never mounted; our routes call `auth.api.*` (see docs/decisions/002-better-auth-as-a-library.md).
 */
export function createBetterAuth(config: Config, db: Database, logger: Logger) {
  const [current = "", ...previous] = config.secrets;
  return betterAuth({
    appName: "Taskvault",
    baseURL: config.publicUrl,
    secret: current,
    secrets: [current, ...previous].map((value) => ({ version: secretVersion(value), value })),
    database: drizzleAdapter(db, {
      provider: "pg",
      schema: { user: users, session: sessions, account: accounts, verification: verifications, jwks },
      transaction: true,
    }),
    emailAndPassword: {
      enabled: true,
      autoSignIn: true,
      // Our schemas count code points; Better Auth counts UTF-16 units, where one code point
      // takes up to two. Its bounds must never be tighter than ours (128 emoji are 256 units).
      minPasswordLength: PASSWORD_MIN,
      maxPasswordLength: PASSWORD_MAX * 2,
      password: { hash: hashPassword, verify: verifyPassword },
    },
    // Declared so that the users Better Auth returns (sign-up, sign-in) carry it; set only
    // through PATCH /api/auth/me, never from a sign-up body.
    user: { additionalFields: { timeZone: { type: "string", required: false, defaultValue: "UTC", input: false } } },
    session: {
      expiresIn: config.sessionTtl,
      // A signed-out session must never come back from a cookie cache.
      cookieCache: { enabled: false },
    },
    advanced: {
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
    },
    plugins: [jwt(jwtPluginOptions(config))],
    telemetry: { enabled: false },
    logger: {
      level: config.logLevel === "info" ? "warn" : config.logLevel,
      // Better Auth passes emails and SQL parameters as extra arguments: keep the message only,
      // and mask any address written into the message itself.
      log: (level, message) => {
        const log = logger[level] ?? logger.info;
        log.call(logger, { source: "better-auth" }, String(message).replace(/[^\s@]+@[^\s@]+/g, "[email]"));
      },
    },
  });
}

export type BetterAuth = ReturnType<typeof createBetterAuth>;
