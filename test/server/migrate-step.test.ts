import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { adminQuery, withDatabase } from "../../scripts/lib/postgres-admin.js";
import { loadConfig } from "../../src/server/config.js";
import { jsonRequest, STRONG_PASSWORD, uniqueEmail } from "../helpers/auth-client.js";
import { runServerToExit, type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { TEST_SECRET } from "../helpers/test-app.js";

// Migrations as a deploy step: `npm run migrate` (main.ts's `migrate` command), then servers that
// start with MIGRATE_ON_START=false. On PostgreSQL runs the database is a new, empty one; on
// PGlite runs an empty data directory.

const adminUrl = process.env.TEST_DATABASE_URL;
const dataDir = mkdtempSync(join(tmpdir(), "taskvault-migrate-"));
const emptyDatabase = `tv_migrate_${randomBytes(6).toString("hex")}`;
const running: ServerProcess[] = [];

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop("SIGKILL")));
  if (adminUrl) await adminQuery(adminUrl, `drop database if exists ${emptyDatabase} with (force)`);
  rmSync(dataDir, { recursive: true, force: true });
});

async function databaseEnv(): Promise<Record<string, string>> {
  const base = { DATA_DIR: dataDir, AUTH_SECRET: TEST_SECRET, PUBLIC_URL: "http://localhost:3000", LOG_LEVEL: "info" };
  if (!adminUrl) return base;
  await adminQuery(adminUrl, `create database ${emptyDatabase}`);
  return { ...base, DATABASE_URL: withDatabase(adminUrl, emptyDatabase) };
}

/** `npm run migrate` runs the built server with `migrate`; this runs the same entry from source. */
function runMigrate(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/server/main.ts", "migrate"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => {
    output += d;
  });
  child.stderr.on("data", (d) => {
    output += d;
  });
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, output })));
}

describe("migrations as a deploy step", () => {
  it("refuses to start an unmigrated database with MIGRATE_ON_START=false, then serves once `migrate` ran", {
    timeout: 120_000,
  }, async () => {
    const env = await databaseEnv();

    // A new PGlite data dir runs initdb first: slow on a busy machine.
    const refused = await runServerToExit({ ...env, MIGRATE_ON_START: "false" }, 90_000);
    expect(refused.code).toBe(1);
    const lines = refused.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      "The database is not migrated and MIGRATE_ON_START=false: run `npm run migrate` with the same environment first",
    );

    const migrated = await runMigrate(env);
    expect(migrated.code, migrated.output).toBe(0);
    expect(migrated.output).toMatch(/"applied":[1-9]\d*/);
    const again = await runMigrate(env);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain('"applied":0');

    const server = await startServerProcess({ ...env, MIGRATE_ON_START: "false" }, 60_000);
    running.push(server);
    const signup = await fetch(
      `${server.url}/api/auth/signup`,
      jsonRequest("POST", { email: uniqueEmail("migrate"), password: STRONG_PASSWORD }),
    );
    expect(signup.status, server.stderr()).toBe(201);
  });

  // Only PostgreSQL has pooled and direct URLs.
  const itOnPostgres = adminUrl ? it : () => {};
  itOnPostgres(
    "migrates through DATABASE_DIRECT_URL when DATABASE_URL is a pooled URL",
    {
      timeout: 60_000,
    },
    async () => {
      const name = `tv_direct_${randomBytes(6).toString("hex")}`;
      const admin = adminUrl as string;
      await adminQuery(admin, `create database ${name}`);
      try {
        const direct = withDatabase(admin, name);
        // Stands in for a pooler that cannot run DDL under a session lock: every session on this
        // URL is read-only, so a migration can only succeed through the direct URL.
        const pooled = `${direct}?options=${encodeURIComponent("-c default_transaction_read_only=on")}`;
        const env = { AUTH_SECRET: TEST_SECRET, DATA_DIR: dataDir, LOG_LEVEL: "info" };

        const viaPooled = await runMigrate({ ...env, DATABASE_URL: pooled });
        expect(viaPooled.code).toBe(1);
        const viaDirect = await runMigrate({ ...env, DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct });
        expect(viaDirect.code, viaDirect.output).toBe(0);
        const check = await runMigrate({ ...env, DATABASE_URL: direct });
        expect(check.output).toContain('"applied":0');
      } finally {
        await adminQuery(admin, `drop database if exists ${name} with (force)`);
      }
    },
  );
});

describe("the migration settings", () => {
  const base = { AUTH_SECRET: TEST_SECRET };
  it("refuses a MIGRATE_ON_START that is not a yes or a no, naming the variable", () => {
    expect(() => loadConfig({ ...base, MIGRATE_ON_START: "later" })).toThrow(
      'MIGRATE_ON_START must be true or false, got "later"',
    );
    expect(loadConfig({ ...base, MIGRATE_ON_START: "0" }).migrateOnStart).toBe(false);
    expect(loadConfig(base).migrateOnStart).toBe(true);
  });

  it("refuses a DATABASE_DIRECT_URL without a DATABASE_URL", () => {
    expect(() => loadConfig({ ...base, DATABASE_DIRECT_URL: "postgres://db.example.com/app" })).toThrow(
      /DATABASE_DIRECT_URL is set but DATABASE_URL is not/,
    );
    expect(() =>
      loadConfig({ ...base, DATABASE_URL: "postgres://pooler/app", DATABASE_DIRECT_URL: "mysql://db/app" }),
    ).toThrow("DATABASE_DIRECT_URL must be a postgres:// or postgresql:// URL");
  });
});
