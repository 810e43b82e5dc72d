import type { Config } from "../config.js";
import type { DatabaseHandle } from "../db/client.js";
import { Throttle } from "../http/throttle.js";
import type { Logger } from "../logger.js";
import { AccessTokens, CLOCK_SKEW_SECONDS } from "./access-tokens.js";
import { AuthService } from "./auth.service.js";
import { createBetterAuth, jwtPluginOptions } from "./better-auth.js";
import { preloadCommonPasswords } from "./common-passwords.js";
import { RevocationList } from "./revocations.js";

/** How often each process reads revocations made by the others (PostgreSQL only). */
export const REVOCATION_POLL_MS = 250;
const THROTTLE_PRUNE_MS = 10 * 60_000;

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
  const tokens = await AccessTokens.create(betterAuth, jwtPluginOptions(config), config.accessTokenTtl);
  const revocations = new RevocationList(db, logger, config.accessTokenTtl + CLOCK_SKEW_SECONDS);
  await revocations.sync();
  // With PGlite there is one process, so its memory already knows every revocation.
  revocations.start(database.driver === "postgres" ? REVOCATION_POLL_MS : undefined);
  const throttle = new Throttle(db);
  const pruneTimer = setInterval(() => {
    throttle.prune().catch((error: unknown) => logger.warn({ err: String(error) }, "throttle prune failed"));
  }, THROTTLE_PRUNE_MS);
  pruneTimer.unref();
  preloadCommonPasswords();
  const service = new AuthService({ config, db, logger, betterAuth, tokens, revocations, throttle });
  return {
    service,
    tokens,
    revocations,
    throttle,
    stop() {
      revocations.stop();
      clearInterval(pruneTimer);
    },
  };
}
