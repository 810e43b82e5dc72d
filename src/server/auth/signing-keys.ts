import { createJwk, type JwtOptions, resolveSigningKey } from "better-auth/plugins/jwt";
import { asc, eq } from "drizzle-orm";
import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import { jwks } from "../db/schema/index.js";
import type { Logger } from "../logger.js";
import { type BetterAuth, createBetterAuth, jwtPluginOptions } from "./better-auth.js";

export interface SigningKeyInfo {
  kid: string;
  createdAt: Date;
  /** Signs new access tokens; every other key only verifies the tokens it signed. */
  current: boolean;
}

/** A request the key set cannot grant as asked; the message says why and what to do instead. */
export class SigningKeyError extends Error {
  override name = "SigningKeyError";
}

interface KeyRow {
  id: string;
  alg: string | null;
  createdAt: Date;
  expiresAt: Date | null;
}

// A new key's creation time must be later than the newest key's, or it would not take over.
// A clock this far behind is a mistake to fix; a few milliseconds is two rotations in a row.
const MAX_CLOCK_WAIT_MS = 1_000;

/**
 * The signing keys of Better Auth's JWT plugin, as an operator manages them (`npm run keys`).
 * Running processes pick up every change by polling (AccessTokens.watchKeys).
 *
 * No lock is needed to keep the key set valid with several operators or processes at once: only
 * `rotate` adds keys and only `retire` removes them, and `retire` removes only a key that has a
 * newer one. Having a newer key stays true for good, so the newest key, the one that signs, is
 * never removed, and the set never becomes empty.
 */
export class SigningKeys {
  constructor(
    private readonly db: Database,
    private readonly auth: BetterAuth,
    private readonly options: JwtOptions,
  ) {}

  /** Over the same database, secret and algorithm as the server with this configuration. */
  static forConfig(config: Config, db: Database, logger: Logger): SigningKeys {
    return new SigningKeys(db, createBetterAuth(config, db, logger), jwtPluginOptions(config));
  }

  /** Every key, oldest first. */
  async list(): Promise<SigningKeyInfo[]> {
    const rows = await this.rows();
    const current = currentKey(rows, this.configuredAlg());
    return rows.map((row) => ({ kid: row.id, createdAt: row.createdAt, current: row === current }));
  }

  /**
   * Adds a key, made and encrypted with the current secret the way Better Auth makes its first
   * one; being the newest, it signs every token issued from now on.
   */
  async rotate(): Promise<SigningKeyInfo> {
    const rows = await this.rows();
    const current = currentKey(rows, this.configuredAlg());
    const context = await this.auth.$context;
    if (current) await this.checkSecretDecrypts(context, current.id);
    await waitPast(rows.at(-1)?.createdAt);
    const created = await createJwk({ context } as never, this.options);
    return { kid: created.id, createdAt: created.createdAt, current: true };
  }

  /** Deletes a key that no longer signs: the tokens it signed are refused from then on. */
  async retire(kid: string): Promise<SigningKeyInfo> {
    const rows = await this.rows();
    const row = rows.find((r) => r.id === kid);
    if (!row) throw unknownKey(kid);
    if (rows.length === 1) {
      throw new SigningKeyError(`Key ${kid} is the only signing key and cannot be retired; rotate first.`);
    }
    if (row === currentKey(rows, this.configuredAlg())) {
      throw new SigningKeyError(
        `Key ${kid} signs new tokens and cannot be retired; rotate first, then retire it once its tokens have expired.`,
      );
    }
    const deleted = await this.db.delete(jwks).where(eq(jwks.id, kid)).returning({ id: jwks.id });
    // Someone else retired it between the read and the delete.
    if (deleted.length === 0) throw unknownKey(kid);
    return { kid, createdAt: row.createdAt, current: false };
  }

  private rows(): Promise<KeyRow[]> {
    return this.db
      .select({ id: jwks.id, alg: jwks.alg, createdAt: jwks.createdAt, expiresAt: jwks.expiresAt })
      .from(jwks)
      .orderBy(asc(jwks.createdAt), asc(jwks.id));
  }

  private configuredAlg(): string {
    return this.options.jwks?.keyPairConfig?.alg ?? "EdDSA";
  }

  // A key encrypted with a secret the servers do not have would stop them from signing: refuse
  // when this configuration cannot even read the key the servers sign with today.
  private async checkSecretDecrypts(context: unknown, kid: string): Promise<void> {
    try {
      await resolveSigningKey({ context } as never, this.options, { signingKeyId: kid });
    } catch (error) {
      throw new SigningKeyError(
        "AUTH_SECRET cannot decrypt the current signing key: run this with the same AUTH_SECRET (and AUTH_PREVIOUS_SECRETS) as the servers.",
        { cause: error },
      );
    }
  }
}

/**
 * The key Better Auth 1.7 signs with (resolveSigningKey without overrides, in
 * better-auth/dist/plugins/jwt/sign.mjs): the newest live key of the configured algorithm
 * (`alg` null counts as the configured one), else the newest live key. `rows` is oldest first.
 */
function currentKey(rows: KeyRow[], configuredAlg: string, now = new Date()): KeyRow | undefined {
  const live = rows.filter((row) => !row.expiresAt || row.expiresAt > now);
  const ofAlg = live.filter((row) => (row.alg ?? configuredAlg) === configuredAlg);
  return ofAlg.at(-1) ?? live.at(-1);
}

async function waitPast(newest: Date | undefined): Promise<void> {
  if (!newest) return;
  const ahead = newest.getTime() - Date.now();
  if (ahead < 0) return;
  if (ahead >= MAX_CLOCK_WAIT_MS) {
    throw new SigningKeyError(
      `The newest signing key was created at ${newest.toISOString()}, later than this machine's clock: fix the clock, or a new key would not take over.`,
    );
  }
  await new Promise((resolve) => setTimeout(resolve, ahead + 1));
}

function unknownKey(kid: string): SigningKeyError {
  return new SigningKeyError(`No signing key has the kid ${JSON.stringify(kid)}; see npm run keys -- list.`);
}
