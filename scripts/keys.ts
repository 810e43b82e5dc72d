// Manages the signing keys of the access tokens, with the same configuration as the server
// (environment, .env, DATABASE_URL or the embedded database in DATA_DIR):
//
//   npm run keys -- list           every key, and which one signs new tokens
//   npm run keys -- rotate         a new key signs from now on; the old ones still verify
//   npm run keys -- retire <kid>   the key's tokens are refused from now on
//
// Running servers pick every change up within one second (on PostgreSQL). The embedded database
// serves one process: with it, stop the server first. Exit codes: 0 done, 1 refused or failed,
// 2 usage. See docs/decisions/011-signing-key-rotation.md.
import { existsSync } from "node:fs";
import { z } from "zod";
import { SigningKeyError, type SigningKeyInfo, SigningKeys } from "../src/server/auth/signing-keys.js";
import { type Config, ConfigError, loadConfig } from "../src/server/config.js";
import { type DatabaseHandle, openDatabase } from "../src/server/db/client.js";
import { createLogger } from "../src/server/logger.js";

const USAGE = "usage: npm run keys -- list | rotate | retire <kid>";
/** What GET /api/auth/jwks tells caches: `Cache-Control: public, max-age=300`. */
const JWKS_CACHE_SECONDS = 300;

const commandSchema = z.union([
  z.tuple([z.literal("list")]),
  z.tuple([z.literal("rotate")]),
  z.tuple([z.literal("retire"), z.string().trim().min(1).max(200)]),
]);
type Command = z.infer<typeof commandSchema>;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const parsed = commandSchema.safeParse(argv);
  if (!parsed.success) throw new UsageError(USAGE);
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadConfig(process.env);
  const database = await open(config);
  try {
    const keys = SigningKeys.forConfig(config, database.db, createLogger("error", process.stderr));
    await run(parsed.data, keys, config);
  } finally {
    await database.close();
  }
  return 0;
}

async function run(command: Command, keys: SigningKeys, config: Config): Promise<void> {
  const pickUp = config.databaseUrl
    ? "every server picks it up within one second"
    : "the server picks it up when it starts";
  if (command[0] === "list") {
    printKeys(await keys.list());
  } else if (command[0] === "rotate") {
    const before = await keys.list();
    const created = await keys.rotate();
    const wait = config.accessTokenTtl + JWKS_CACHE_SECONDS;
    say(`Created signing key ${created.kid}: it signs new access tokens (${pickUp}).`);
    for (const old of before.filter((key) => key.current)) {
      say(
        `Retire ${old.kid} in ${wait} s or later (access-token lifetime + JWKS cache): npm run keys -- retire ${old.kid}`,
      );
    }
  } else {
    const kid = command[1];
    const before = await keys.list();
    const retired = await keys.retire(kid);
    const successor = before.find((key) => key.createdAt > retired.createdAt);
    const wait = (config.accessTokenTtl + JWKS_CACHE_SECONDS) * 1000;
    if (successor && Date.now() - successor.createdAt.getTime() < wait) {
      process.stderr.write(
        `Note: ${kid} signed tokens until ${successor.createdAt.toISOString()}; those still unexpired are refused now, and their clients must refresh.\n`,
      );
    }
    say(`Retired signing key ${kid}: its tokens are refused (${pickUp}).`);
  }
}

function printKeys(keys: SigningKeyInfo[]): void {
  if (keys.length === 0) {
    say("No signing keys yet: the server creates the first one when it starts.");
    return;
  }
  const width = Math.max(3, ...keys.map((key) => key.kid.length));
  say(`${"KID".padEnd(width)}  ${"CREATED".padEnd(24)}  STATE`);
  for (const key of keys) {
    const state = key.current ? "current: signs new tokens" : "verifies the tokens it signed";
    say(`${key.kid.padEnd(width)}  ${key.createdAt.toISOString()}  ${state}`);
  }
}

async function open(config: Config): Promise<DatabaseHandle> {
  try {
    return await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  } catch (error) {
    // The only refusal here is the embedded database's lock: a server has DATA_DIR open.
    if (error instanceof ConfigError && !config.databaseUrl) {
      throw new ConfigError(
        `${error.message} Stop that server first: with the embedded database, keys can only be changed while no server runs.`,
      );
    }
    throw error;
  }
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** One line for the operator, no stack trace. */
function describe(error: unknown): string {
  if (error instanceof SigningKeyError || error instanceof ConfigError) return error.message;
  if (!(error instanceof Error)) return String(error);
  const code = (error.cause as { code?: string } | undefined)?.code ?? (error as { code?: string }).code;
  if (code === "42P01") return "The database has no tables yet: start the server once (it applies the migrations).";
  // A failed query's own message carries its SQL: the driver's cause says what went wrong.
  const message = (error.cause instanceof Error && error.cause.message) || error.message || code || error.name;
  return message.replace(/\s+/g, " ").trim();
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof UsageError ? error.message : `keys: ${describe(error)}`}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
