import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";

/** Headers that may carry the client address when a proxy we run sets them. */
export const trustedProxyHeaders = ["x-forwarded-for", "x-real-ip", "forwarded", "cf-connecting-ip"] as const;
export type TrustProxyHeader = (typeof trustedProxyHeaders)[number];

const wholeNumber = (name: string, fallback: number, { min, unit }: { min: number; unit: string }) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      if (!/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) {
        const least = min > 0 ? ` of at least ${min}` : "";
        ctx.addIssue({ code: "custom", message: `${name} must be a whole number${least} ${unit}, got "${v}"` });
        return z.NEVER;
      }
      return Number(v);
    });
const seconds = (name: string, fallback: number, min = 1) => wholeNumber(name, fallback, { min, unit: "seconds" });

const postgresUrl = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return undefined;
      try {
        const url = new URL(v);
        if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") throw new Error("protocol");
        return v;
      } catch {
        ctx.addIssue({ code: "custom", message: `${name} must be a postgres:// or postgresql:// URL` });
        return z.NEVER;
      }
    });

const flag = (name: string, fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      const value = v.trim().toLowerCase();
      if (["true", "1", "yes"].includes(value)) return true;
      if (["false", "0", "no"].includes(value)) return false;
      ctx.addIssue({ code: "custom", message: `${name} must be true or false, got "${v}"` });
      return z.NEVER;
    });

// The password in SMTP_URL must never reach a log or an error message: neither names the value.
const smtpUrl = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === "") return undefined;
    try {
      const url = new URL(v);
      if ((url.protocol !== "smtp:" && url.protocol !== "smtps:") || !url.hostname) throw new Error("protocol");
      return v;
    } catch {
      ctx.addIssue({
        code: "custom",
        message: "SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.com:587",
      });
      return z.NEVER;
    }
  });

// An address, or a display name and an address in angle brackets; no line breaks (header injection).
const EMAIL_FROM_SHAPE = /^(?:[^<>\r\n]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/;
const emailFrom = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === "") return undefined;
    if (!EMAIL_FROM_SHAPE.test(v.trim())) {
      ctx.addIssue({
        code: "custom",
        message: `EMAIL_FROM must be an address or Name <address>, e.g. Taskvault <no-reply@todo.example.com>, got "${v}"`,
      });
      return z.NEVER;
    }
    return v.trim();
  });

const envSchema = z.object({
  NODE_ENV: z.string().optional(),
  PORT: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return 3000;
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < 0 || n > 65535) {
        ctx.addIssue({ code: "custom", message: `PORT must be a port number (0-65535), got "${v}"` });
        return z.NEVER;
      }
      return n;
    }),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: postgresUrl("DATABASE_URL"),
  DATABASE_DIRECT_URL: postgresUrl("DATABASE_DIRECT_URL"),
  MIGRATE_ON_START: flag("MIGRATE_ON_START", true),
  METRICS_TOKEN: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return undefined;
      if (v.length < 16) {
        ctx.addIssue({
          code: "custom",
          message: "METRICS_TOKEN must be at least 16 characters (try: openssl rand -hex 24)",
        });
        return z.NEVER;
      }
      return v;
    }),
  WEB_CONCURRENCY: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return 1;
      if (v.trim().toLowerCase() === "auto") return "auto" as const;
      if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 256) {
        ctx.addIssue({
          code: "custom",
          message: `WEB_CONCURRENCY must be auto or a number of processes (1-256), got "${v}"`,
        });
        return z.NEVER;
      }
      return Number(v);
    }),
  DATA_DIR: z.string().min(1).default("./data"),
  AUTH_SECRET: z.string().optional(),
  BETTER_AUTH_SECRET: z.string().optional(),
  AUTH_PREVIOUS_SECRETS: z.string().optional(),
  PUBLIC_URL: z.string().optional(),
  CORS_ORIGINS: z.string().optional(),
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return undefined;
      const header = v.trim().toLowerCase();
      if (!(trustedProxyHeaders as readonly string[]).includes(header)) {
        ctx.addIssue({
          code: "custom",
          message: `TRUST_PROXY must be one of ${trustedProxyHeaders.join(", ")}, got "${v}"`,
        });
        return z.NEVER;
      }
      return header as TrustProxyHeader;
    }),
  ACCESS_TOKEN_TTL: seconds("ACCESS_TOKEN_TTL", 900),
  SESSION_TTL: seconds("SESSION_TTL", 604800),
  SESSION_MAX_AGE: seconds("SESSION_MAX_AGE", 2_592_000),
  REFRESH_REUSE_GRACE: seconds("REFRESH_REUSE_GRACE", 10, 0),
  MAX_SESSIONS_PER_USER: wholeNumber("MAX_SESSIONS_PER_USER", 50, { min: 1, unit: "sessions" }),
  MAX_TASKS_PER_USER: wholeNumber("MAX_TASKS_PER_USER", 10_000, { min: 1, unit: "tasks" }),
  SMTP_URL: smtpUrl,
  EMAIL_FROM: emailFrom,
  REMINDER_POLL_MS: wholeNumber("REMINDER_POLL_MS", 1000, { min: 10, unit: "milliseconds" }),
  LOG_LEVEL: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const level = v === undefined || v === "" ? "info" : v.toLowerCase();
      if (!["debug", "info", "warn", "error"].includes(level)) {
        ctx.addIssue({ code: "custom", message: `LOG_LEVEL must be debug, info, warn or error, got "${v}"` });
        return z.NEVER;
      }
      return level as LogLevel;
    }),
});

export type LogLevel = "debug" | "info" | "warn" | "error";

/** Limits for the database-backed throttles (see docs/decisions/004-throttling.md). */
export interface RateLimits {
  /** Failed sign-ins allowed per account in one window. */
  signinFailuresPerAccount: number;
  /** Failed sign-ins allowed per trusted device (a device cookie for the account) in one window. */
  signinFailuresPerDevice: number;
  /** Failed sign-ins allowed per client address in one window (password spraying). */
  signinFailuresPerAddress: number;
  signinWindowSeconds: number;
  /** Sign-up attempts allowed per client address in one window. */
  signupsPerAddress: number;
  signupWindowSeconds: number;
}

export const defaultRateLimits: RateLimits = {
  signinFailuresPerAccount: 10,
  signinFailuresPerDevice: 10,
  signinFailuresPerAddress: 50,
  signinWindowSeconds: 15 * 60,
  signupsPerAddress: 20,
  signupWindowSeconds: 60 * 60,
};

export interface Config {
  production: boolean;
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /**
   * A direct (unpooled) URL of the same database, for migrations and anything that holds a session
   * (advisory locks, LISTEN), which a pooler in transaction mode breaks. Absent: databaseUrl.
   */
  databaseDirectUrl: string | undefined;
  /** Apply migrations at start (the default), or only check that `npm run migrate` applied them. */
  migrateOnStart: boolean;
  /** Server processes sharing the port (node:cluster); 1 means no cluster at all. */
  webConcurrency: number;
  /** The Bearer token GET /api/metrics requires; unset, the endpoint does not exist. */
  metricsToken: string | undefined;
  dataDir: string;
  /** Current secret first, then older ones still accepted for decryption. */
  secrets: string[];
  /** True when the secret was generated into DATA_DIR rather than configured. */
  secretGenerated: boolean;
  publicUrl: string;
  corsOrigins: string[];
  trustProxy: TrustProxyHeader | undefined;
  accessTokenTtl: number;
  /** Sliding idle lifetime of a session, seconds. */
  sessionTtl: number;
  /** Absolute lifetime of a session from its creation, however often refreshed, seconds. */
  sessionMaxAge: number;
  /** Seconds a rotated refresh token is still accepted (two tabs or a retry racing). */
  refreshReuseGrace: number;
  maxSessionsPerUser: number;
  maxTasksPerUser: number;
  logLevel: LogLevel;
  /** Where email is sent (smtp:// or smtps://); unset: .eml files in DATA_DIR/outbox/. */
  smtpUrl: string | undefined;
  /** The From header of every email. */
  emailFrom: string;
  /** How often each process looks for reminders that came due (src/server/reminders/). */
  reminderPollMs: number;
  rateLimits: RateLimits;
}

/** A configuration problem the operator must fix; main.ts prints its message alone. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const MIN_SECRET_LENGTH = 32;

function parseOrigin(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be a URL like https://todo.example.com, got "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`${name} must use http or https, got "${value}"`);
  }
  return url.origin;
}

/**
 * DATA_DIR holds the embedded database and the generated secret: only its owner may read it. A
 * directory we create is 0700; one the operator made is left as they made it.
 */
export function ensureDataDir(dataDir: string): void {
  if (existsSync(dataDir)) return;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask; say it once more, exactly.
  chmodSync(dataDir, 0o700);
}

/**
 * The secret generated for a machine without AUTH_SECRET, in DATA_DIR/auth-secret (0600). It is
 * written to a temporary file and then linked into place, which fails if the file exists: two
 * processes starting at once end up sharing one complete secret, never a half-written one.
 */
function readOrCreateLocalSecret(dataDir: string): string {
  const file = join(dataDir, "auth-secret");
  if (!existsSync(file)) {
    ensureDataDir(dataDir);
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    writeFileSync(temporary, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
    try {
      linkSync(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      rmSync(temporary, { force: true });
    }
  }
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `${file} holds ${secret.length === 0 ? "an empty secret" : "a secret shorter than 32 characters"}: delete it to generate a new one, or set AUTH_SECRET`,
    );
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return secret;
}

function resolveSecrets(env: z.infer<typeof envSchema>, production: boolean, dataDir: string) {
  const configured = env.AUTH_SECRET || env.BETTER_AUTH_SECRET;
  const configuredName = env.AUTH_SECRET ? "AUTH_SECRET" : "BETTER_AUTH_SECRET";
  const previous = (env.AUTH_PREVIOUS_SECRETS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of [configured, ...previous]) {
    if (s !== undefined && s.length < MIN_SECRET_LENGTH) {
      const name = s === configured ? configuredName : "AUTH_PREVIOUS_SECRETS";
      throw new ConfigError(`${name} must be at least ${MIN_SECRET_LENGTH} characters (try: openssl rand -base64 32)`);
    }
  }
  if (configured) return { secrets: [configured, ...previous], generated: false };
  if (production) {
    throw new ConfigError("AUTH_SECRET is required when NODE_ENV=production (try: openssl rand -base64 32)");
  }
  return { secrets: [readOrCreateLocalSecret(dataDir), ...previous], generated: true };
}

/**
 * `auto` is every core this process may use on PostgreSQL, and 1 on the embedded database, which
 * one process owns (its data dir is locked): more than one there is a mistake to name at start.
 */
function resolveWebConcurrency(value: number | "auto", databaseUrl: string | undefined): number {
  if (!databaseUrl) {
    if (value === "auto" || value === 1) return 1;
    throw new ConfigError(
      `WEB_CONCURRENCY=${value} needs DATABASE_URL: the embedded database (PGlite) serves one process; set DATABASE_URL or leave WEB_CONCURRENCY unset`,
    );
  }
  return value === "auto" ? availableParallelism() : value;
}

/**
 * Parses the environment once. Throws ConfigError with a one-line message naming the variable.
 *
 * @example
 *   const config = loadConfig(process.env); // { port: 3000, host: "127.0.0.1", ... }
 */
export function loadConfig(environment: Record<string, string | undefined>, overrides: Partial<Config> = {}): Config {
  const parsed = envSchema.safeParse(environment);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? "environment");
    const message = issue?.message ?? "invalid";
    throw new ConfigError(message.includes(name) ? message : `${name}: ${message}`);
  }
  const env = parsed.data;
  const production = env.NODE_ENV === "production";
  const dataDir = resolve(env.DATA_DIR);
  const publicUrl = env.PUBLIC_URL
    ? parseOrigin("PUBLIC_URL", env.PUBLIC_URL)
    : `http://localhost:${env.PORT === 0 ? 3000 : env.PORT}`;
  const corsOrigins = (env.CORS_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean)
    .map((o) => parseOrigin("CORS_ORIGINS", o));
  const { secrets, generated } = overrides.secrets
    ? { secrets: overrides.secrets, generated: false }
    : resolveSecrets(env, production, dataDir);
  if (env.DATABASE_DIRECT_URL && !env.DATABASE_URL) {
    throw new ConfigError(
      "DATABASE_DIRECT_URL is set but DATABASE_URL is not: set both, or neither for the embedded database",
    );
  }
  // Links in emails, the token issuer and the origin check are built from it: in production it
  // must be what users really reach, never a guess.
  if (production && !env.PUBLIC_URL && !overrides.publicUrl) {
    throw new ConfigError("PUBLIC_URL is required when NODE_ENV=production (e.g. https://todo.example.com)");
  }
  return {
    production,
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    databaseDirectUrl: env.DATABASE_DIRECT_URL,
    migrateOnStart: env.MIGRATE_ON_START,
    webConcurrency: resolveWebConcurrency(env.WEB_CONCURRENCY, env.DATABASE_URL),
    metricsToken: env.METRICS_TOKEN,
    dataDir,
    secrets,
    secretGenerated: generated,
    publicUrl,
    corsOrigins,
    trustProxy: env.TRUST_PROXY,
    accessTokenTtl: env.ACCESS_TOKEN_TTL,
    sessionTtl: env.SESSION_TTL,
    sessionMaxAge: env.SESSION_MAX_AGE,
    refreshReuseGrace: env.REFRESH_REUSE_GRACE,
    maxSessionsPerUser: env.MAX_SESSIONS_PER_USER,
    maxTasksPerUser: env.MAX_TASKS_PER_USER,
    logLevel: env.LOG_LEVEL,
    smtpUrl: env.SMTP_URL,
    // The host name without the port: a port makes no address.
    emailFrom: env.EMAIL_FROM ?? `Taskvault <no-reply@${new URL(publicUrl).hostname}>`,
    reminderPollMs: env.REMINDER_POLL_MS,
    rateLimits: defaultRateLimits,
    ...overrides,
  };
}
