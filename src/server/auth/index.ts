import { sql } from "drizzle-orm";
import { verificationOnSignup } from "../account/email-verification.js";
import type { Config } from "../config.js";
import type { DatabaseHandle } from "../db/client.js";
import type { Logger } from "../logger.js";
import { AccessTokens, CLOCK_SKEW_SECONDS } from "./access-tokens.js";
import { AuthService } from "./auth.service.js";
import { createBetterAuth, jwtPluginOptions } from "./better-auth.js";
import { preloadCommonPasswords } from "./common-passwords.js";
import { RevocationList } from "./revocations.js";
import { Throttle } from "./throttle.js";

/** How often each process reads revocations made elsewhere (other processes, deleted users). */
export const REVOCATION_POLL_MS = 250;
// Any constant works; it only has to be the same in every process of this app.
const KEY_CREATION_LOCK = 7_301_244_113;

export interface AuthModule {
  service: AuthService;
  tokens: AccessTokens;
  revocations: RevocationList;
  throttle: Throttle;
  /** Stops the background timers. */
  stop(): void;
}

/**
 * Assembles the auth layer: Better Auth, the signing key (created on first start), the
 * in-memory public keys, the revocation list and the throttle.
 */
export async function createAuth(deps: {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
}): Promise<AuthModule> {
  const { config, database, logger } = deps;
  const db = database.db;
  const betterAuth = createBetterAuth(config, db, logger);
  const tokens = await underKeyCreationLock(database, () =>
    AccessTokens.create(betterAuth, jwtPluginOptions(config), config.accessTokenTtl),
  );
  // Keys added or retired by `npm run keys` (docs/decisions/011) reach this process within a second.
  tokens.watchKeys(db, logger);
  const revocations = new RevocationList(db, logger, config.accessTokenTtl + CLOCK_SKEW_SECONDS);
  await revocations.sync();
  // Also with PGlite: a session deleted outside this process's sign-out (an operator deleting a
  // user) reaches memory only through the table.
  revocations.start(REVOCATION_POLL_MS);
  // Ended throttle windows are purged by the housekeeping job (src/server/ops/housekeeping.ts).
  const throttle = new Throttle(db);
  preloadCommonPasswords();
  const service = new AuthService({
    config,
    db,
    logger,
    betterAuth,
    tokens,
    revocations,
    throttle,
    onSignedUp: verificationOnSignup(db, logger),
  });
  return {
    service,
    tokens,
    revocations,
    throttle,
    stop() {
      revocations.stop();
      tokens.stop();
    },
  };
}

/**
 * Processes that start together on an empty database would each create a signing key, and then
 * reject each other's tokens until their next key reload. On PostgreSQL the first start creates
 * the key under a transaction-scoped advisory lock, so the others find and share it. The lock
 * holds one pooled connection while the key is created on another: the pool needs two.
 */
async function underKeyCreationLock<T>(database: DatabaseHandle, create: () => Promise<T>): Promise<T> {
  if (database.driver !== "postgres") return create();
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${KEY_CREATION_LOCK})`);
    return create();
  });
}
