import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, defaultRateLimits, loadConfig } from "../../src/server/config.js";
import { runServerToExit } from "../helpers/server-process.js";

const SECRET = "a-configured-secret-of-at-least-32-characters";

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), "taskvault-config-"));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** loadConfig with a configured secret and a temporary DATA_DIR, plus the variables under test. */
const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: dataDir, AUTH_SECRET: SECRET, ...env });

function configError(env: Record<string, string>): ConfigError {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("loadConfig", () => {
  it("has a safe default for every variable", () => {
    const config = load({});
    expect(config).toEqual({
      production: false,
      port: 3000,
      host: "127.0.0.1",
      databaseUrl: undefined,
      databaseDirectUrl: undefined,
      migrateOnStart: true,
      webConcurrency: 1,
      metricsToken: undefined,
      dataDir,
      secrets: [SECRET],
      secretGenerated: false,
      publicUrl: "http://localhost:3000",
      corsOrigins: [],
      trustProxy: undefined,
      accessTokenTtl: 900,
      sessionTtl: 604800,
      sessionMaxAge: 2_592_000,
      refreshReuseGrace: 10,
      maxSessionsPerUser: 50,
      maxTasksPerUser: 10_000,
      logLevel: "info",
      smtpUrl: undefined,
      emailFrom: "Taskvault <no-reply@localhost>",
      reminderPollMs: 1000,
      rateLimits: defaultRateLimits,
    });
  });

  it("reads every variable", () => {
    const config = load({
      PORT: "8080",
      HOST: "0.0.0.0",
      DATABASE_URL: "postgresql://app:pw@db.example:5432/taskvault",
      PUBLIC_URL: "https://todo.example.com/",
      CORS_ORIGINS: "https://a.example, https://b.example:8443",
      TRUST_PROXY: "X-Forwarded-For",
      ACCESS_TOKEN_TTL: "300",
      SESSION_TTL: "86400",
      LOG_LEVEL: "WARN",
      REMINDER_POLL_MS: "250",
      AUTH_PREVIOUS_SECRETS: "an-older-secret-also-32-characters-long, ",
    });
    expect(config).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      databaseUrl: "postgresql://app:pw@db.example:5432/taskvault",
      publicUrl: "https://todo.example.com",
      corsOrigins: ["https://a.example", "https://b.example:8443"],
      trustProxy: "x-forwarded-for",
      accessTokenTtl: 300,
      sessionTtl: 86400,
      logLevel: "warn",
      reminderPollMs: 250,
      secrets: [SECRET, "an-older-secret-also-32-characters-long"],
    });
  });

  it("derives PUBLIC_URL from PORT", () => {
    expect(load({ PORT: "4000" }).publicUrl).toBe("http://localhost:4000");
  });

  it("accepts BETTER_AUTH_SECRET as an alias of AUTH_SECRET", () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      BETTER_AUTH_SECRET: SECRET,
      NODE_ENV: "production",
      PUBLIC_URL: "https://todo.example.com",
    });
    expect(config.secrets).toEqual([SECRET]);
    expect(config.production).toBe(true);
  });

  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["PORT", "-1"],
    ["PORT", "80.5"],
    ["ACCESS_TOKEN_TTL", "-5"],
    ["ACCESS_TOKEN_TTL", "15m"],
    ["ACCESS_TOKEN_TTL", "0"],
    ["SESSION_TTL", "a week"],
    ["DATABASE_URL", "mysql://x"],
    ["DATABASE_URL", "not a url"],
    ["PUBLIC_URL", "notaurl"],
    ["PUBLIC_URL", "ftp://files.example.com"],
    ["CORS_ORIGINS", "https://ok.example, nope"],
    ["TRUST_PROXY", "x-evil"],
    ["LOG_LEVEL", "loud"],
    ["AUTH_SECRET", "too-short"],
    ["BETTER_AUTH_SECRET", "also-too-short"],
    ["AUTH_PREVIOUS_SECRETS", "short-old-secret"],
    ["SESSION_MAX_AGE", "0"],
    ["SESSION_MAX_AGE", "30d"],
    ["REFRESH_REUSE_GRACE", "-1"],
    ["MAX_SESSIONS_PER_USER", "0"],
    ["MAX_TASKS_PER_USER", "lots"],
  ])("refuses %s=%s with a one-line ConfigError naming the variable", (name, value) => {
    const env: Record<string, string> = { [name]: value };
    if (name === "BETTER_AUTH_SECRET") env.AUTH_SECRET = "";
    const error = configError(env);
    expect(error.message).toMatch(new RegExp(`(^|[^A-Z_])${name}([^A-Z_]|$)`));
    expect(error.message).not.toContain("\n");
    expect(error.message.length).toBeLessThan(200);
  });

  it("refuses to start in production without AUTH_SECRET", () => {
    const error = (() => {
      try {
        loadConfig({ DATA_DIR: dataDir, NODE_ENV: "production" });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toContain("AUTH_SECRET");
    expect(error?.message).toContain("production");
  });

  it("outside production, generates a secret into DATA_DIR once and reuses it", () => {
    const dir = join(dataDir, "generated", "nested");
    const first = loadConfig({ DATA_DIR: dir });
    expect(first.secretGenerated).toBe(true);
    expect(first.secrets).toHaveLength(1);
    const secret = first.secrets[0] as string;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const file = join(dir, "auth-secret");
    expect(readFileSync(file, "utf8").trim()).toBe(secret);
    expect(statSync(file).mode & 0o077).toBe(0);

    const second = loadConfig({ DATA_DIR: dir });
    expect(second.secrets).toEqual([secret]);
    expect(second.secretGenerated).toBe(true);

    const elsewhere = loadConfig({ DATA_DIR: join(dataDir, "another") });
    expect(elsewhere.secrets[0]).not.toBe(secret);
  });
});

describe("starting the server with a bad variable", () => {
  it("exits with code 1 and one line on stderr naming the variable, no stack trace", async () => {
    const { code, stdout, stderr } = await runServerToExit({ PORT: "notaport", DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^[^\n]*PORT[^\n]*\n$/);
    expect(stderr).toContain("notaport");
    expect(stderr).not.toMatch(/\bat \S+ \(|Error:|ZodError/);
    expect(stdout).toBe("");
  });
});
