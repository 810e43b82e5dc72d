import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { adminQuery, withDatabase } from "../../scripts/lib/postgres-admin.js";
import { SigningKeyError, SigningKeys } from "../../src/server/auth/signing-keys.js";
import { openDatabase } from "../../src/server/db/client.js";
import { createLogger } from "../../src/server/logger.js";
import { bearer, jsonRequest, type SignedInUser, signUp } from "../helpers/auth-client.js";
import { createTestApp, TEST_SECRET, type TestApp } from "../helpers/test-app.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";
import { expectProblem } from "./http-expectations.js";

// Signing-key rotation (docs/decisions/011): `rotate` adds a key that signs from then on while
// the old one still verifies; `retire` removes a key, and every process sharing the database
// refuses its tokens within one second. Two app instances share one database here, as two
// server processes would.

const SECOND = 1_000;

const kidOf = (token: string) => decodeProtectedHeader(token).kid;

const me = (t: TestApp, token: string) => t.request("/api/auth/me", { headers: bearer(token) });

async function jwksKids(t: TestApp): Promise<string[]> {
  const res = await t.request("/api/auth/jwks");
  expect(res.status).toBe(200);
  return ((await res.json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid).sort();
}

/**
 * Calls `check` until it holds, and returns how long that took after `since`; gives up at twice
 * the contract's one second, so that a slow pick-up fails the assertion instead of the timeout.
 */
async function msUntil(since: number, check: () => Promise<boolean>): Promise<number> {
  while (!(await check())) {
    if (performance.now() - since > 2 * SECOND) return Number.POSITIVE_INFINITY;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - since;
}

/** A client of one app that refreshes its access token as the web app would. */
function refresher(t: TestApp, user: SignedInUser) {
  let refreshToken = user.refreshToken;
  return async (): Promise<string> => {
    const res = await t.request("/api/auth/refresh", jsonRequest("POST", { refreshToken }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; refreshToken: string };
    refreshToken = body.refreshToken;
    return body.token;
  };
}

describe("signing-key rotation across two app instances on one database", () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let keys: SigningKeys;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await createTestApp({ database });
    b = await createTestApp({ database });
    keys = SigningKeys.forConfig(a.config, database.handle.db, createLogger("silent"));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.destroy();
  });

  it("lists the key that signs the app's tokens as the current one", async () => {
    const user = await signUp(a);
    const listed = await keys.list();
    const current = listed.filter((key) => key.current);
    expect(current).toHaveLength(1);
    expect(current[0]?.kid).toBe(kidOf(user.token));
  });

  it("rotate: both instances sign with the new key within one second, both keys are published, old tokens still pass", async () => {
    const user = await signUp(a);
    const oldKid = kidOf(user.token);
    const refreshOnA = refresher(a, user);
    const refreshOnB = refresher(b, await signUp(b));

    const created = await keys.rotate();
    const rotatedAt = performance.now();
    expect(created.kid).not.toBe(oldKid);
    const delay = await msUntil(rotatedAt, async () => {
      const [fromA, fromB] = await Promise.all([refreshOnA(), refreshOnB()]);
      return kidOf(fromA) === created.kid && kidOf(fromB) === created.kid;
    });
    expect(delay).toBeLessThan(SECOND);

    for (const app of [a, b]) {
      expect(await jwksKids(app)).toEqual(expect.arrayContaining([oldKid, created.kid]));
      const res = await me(app, user.token);
      expect(res.status).toBe(200);
      expect((await res.json()).user.id).toBe(user.id);
    }
    const listed = await keys.list();
    expect(listed.find((key) => key.kid === created.kid)?.current).toBe(true);
    expect(listed.find((key) => key.kid === oldKid)?.current).toBe(false);
  });

  it("retire: both instances refuse the key's tokens within one second, also tokens they had already verified", async () => {
    const user = await signUp(a);
    const oldKid = kidOf(user.token);
    // Verified once on each instance, so that both hold the token in their verified cache.
    expect((await me(a, user.token)).status).toBe(200);
    expect((await me(b, user.token)).status).toBe(200);

    const created = await keys.rotate();
    await keys.retire(oldKid as string);
    const retiredAt = performance.now();
    const delay = await msUntil(retiredAt, async () => {
      const [onA, onB] = await Promise.all([me(a, user.token), me(b, user.token)]);
      return onA.status === 401 && onB.status === 401;
    });
    expect(delay).toBeLessThan(SECOND);
    await expectProblem(await me(b, user.token), 401, "unauthorized");

    for (const app of [a, b]) {
      const kids = await jwksKids(app);
      expect(kids).toContain(created.kid);
      expect(kids).not.toContain(oldKid);
    }
    // The session itself lives on: a refresh gets a token of the new key, accepted everywhere.
    const fresh = await refresher(b, user)();
    expect(kidOf(fresh)).toBe(created.kid);
    expect((await me(a, fresh)).status).toBe(200);
    expect((await me(b, fresh)).status).toBe(200);
  });

  it("a burst of retires removes each older key exactly once and never the current one", async () => {
    await keys.rotate();
    await keys.rotate();
    const before = await keys.list();
    const current = before.find((key) => key.current);
    const older = before.filter((key) => !key.current);
    expect(older.length).toBeGreaterThanOrEqual(2);

    const kids = [...older, ...older, current, current].map((key) => key?.kid as string);
    const results = await Promise.allSettled(kids.map((kid) => keys.retire(kid)));
    const fulfilled = results.filter((r) => r.status === "fulfilled").map((r) => r.value.kid);
    const reasons = results.flatMap((r) => (r.status === "rejected" ? [String(r.reason.message)] : []));
    expect(fulfilled.sort()).toEqual(older.map((key) => key.kid).sort());
    expect(reasons.filter((m) => m.startsWith("No signing key has the kid"))).toHaveLength(older.length);
    expect(reasons.filter((m) => m.includes("signs new tokens"))).toHaveLength(2);

    expect((await keys.list()).map((key) => key.kid)).toEqual([current?.kid]);
    expect(await jwksKids(b)).toEqual([current?.kid]);
    // Both instances sign with the key that is left once they have seen the change.
    const user = await signUp(b);
    const refreshOnB = refresher(b, user);
    let token = user.token;
    const delay = await msUntil(performance.now(), async () => {
      token = await refreshOnB();
      return kidOf(token) === current?.kid;
    });
    expect(delay).toBeLessThan(SECOND);
    // And the other instance accepts it: it knew the current key before the retires, or learns
    // it on its next poll.
    const acceptedOnA = await msUntil(performance.now(), async () => (await me(a, token)).status === 200);
    expect(acceptedOnA).toBeLessThan(SECOND);
  });
});

describe("what retire refuses", () => {
  let t: TestApp;
  let keys: SigningKeys;
  beforeAll(async () => {
    t = await createTestApp();
    keys = SigningKeys.forConfig(t.config, t.database.handle.db, createLogger("silent"));
  });
  afterAll(() => t.close());

  it("refuses the only key, the key that signs, and an unknown kid, and changes nothing", async () => {
    const [only] = await keys.list();
    if (!only) throw new Error("a new app has a signing key");
    await expect(keys.retire(only.kid)).rejects.toThrow(
      new SigningKeyError(`Key ${only.kid} is the only signing key and cannot be retired; rotate first.`),
    );
    await expect(keys.retire("no-such-key")).rejects.toThrow(/^No signing key has the kid "no-such-key"/);

    const created = await keys.rotate();
    await expect(keys.retire(created.kid)).rejects.toThrow(/signs new tokens and cannot be retired; rotate first/);

    const listed = await keys.list();
    expect(listed.map((key) => [key.kid, key.current])).toEqual([
      [only.kid, false],
      [created.kid, true],
    ]);
    expect(await jwksKids(t)).toEqual([only.kid, created.kid].sort());
  });

  it("refuses to rotate with a secret that cannot decrypt the current key", async () => {
    const config = { ...t.config, secrets: ["another-secret-that-is-long-enough-0123456789abcdef"] };
    const stranger = SigningKeys.forConfig(config, t.database.handle.db, createLogger("silent"));
    const before = await keys.list();
    await expect(stranger.rotate()).rejects.toThrow(/^AUTH_SECRET cannot decrypt the current signing key/);
    expect(await keys.list()).toEqual(before);
  });
});

describe("npm run keys, as a process", () => {
  const workDir = mkdtempSync(join(tmpdir(), "taskvault-keys-"));
  const baseEnv = { AUTH_SECRET: TEST_SECRET, PUBLIC_URL: "http://localhost:3000", DATA_DIR: workDir };
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  function runKeys(args: string[], env: Record<string, string>) {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/keys.ts", ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.once("close", (code) => resolve({ code, stdout, stderr })),
    );
  }

  it("answers a wrong command with its usage and exit code 2", async () => {
    for (const args of [["retire"], ["delete", "x"]]) {
      const run = await runKeys(args, baseEnv);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe("usage: npm run keys -- list | rotate | retire <kid>\n");
    }
  });

  if (process.env.TEST_DATABASE_URL) {
    it("rotates and retires on PostgreSQL while a server runs, which follows within one second", async () => {
      const database = await createTestDatabase();
      const t = await createTestApp({ database });
      try {
        const env = { ...baseEnv, DATABASE_URL: database.url as string };
        const user = await signUp(t);
        const oldKid = kidOf(user.token) as string;

        const rotated = await runKeys(["rotate"], env);
        expect(rotated.code, rotated.stderr).toBe(0);
        const newKid = /Created signing key (\S+):/.exec(rotated.stdout)?.[1] as string;
        expect(rotated.stdout).toContain(`npm run keys -- retire ${oldKid}`);
        const refresh = refresher(t, user);
        expect(await msUntil(performance.now(), async () => kidOf(await refresh()) === newKid)).toBeLessThan(SECOND);

        const listed = await runKeys(["list"], env);
        expect(listed.code).toBe(0);
        expect(listed.stdout).toMatch(new RegExp(`^${oldKid} +\\S+ +verifies the tokens it signed$`, "m"));
        expect(listed.stdout).toMatch(new RegExp(`^${newKid} +\\S+ +current: signs new tokens$`, "m"));

        const refused = await runKeys(["retire", newKid], env);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(/^keys: Key \S+ signs new tokens and cannot be retired; [^\n]+\n$/);

        const wrongSecret = await runKeys(["rotate"], { ...env, AUTH_SECRET: "x".repeat(40) });
        expect(wrongSecret.code).toBe(1);
        expect(wrongSecret.stderr).toMatch(/^keys: AUTH_SECRET cannot decrypt the current signing key[^\n]+\n$/);

        const retired = await runKeys(["retire", oldKid], env);
        expect(retired.code, retired.stderr).toBe(0);
        expect(retired.stdout).toContain(`Retired signing key ${oldKid}`);
        expect(await msUntil(performance.now(), async () => (await me(t, user.token)).status === 401)).toBeLessThan(
          SECOND,
        );
        expect(await jwksKids(t)).toEqual([newKid]);
      } finally {
        await t.close();
        await database.destroy();
      }
    }, 60_000);

    it("says so when the database has no tables yet", async () => {
      const adminUrl = process.env.TEST_DATABASE_URL as string;
      const name = `tv_test_empty_${randomBytes(6).toString("hex")}`;
      await adminQuery(adminUrl, `create database ${name}`);
      try {
        const run = await runKeys(["list"], { ...baseEnv, DATABASE_URL: withDatabase(adminUrl, name) });
        expect(run.code).toBe(1);
        expect(run.stderr).toBe(
          "keys: The database has no tables yet: start the server once (it applies the migrations).\n",
        );
      } finally {
        await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
      }
    });
  } else {
    it("is refused while a server holds the embedded database, and works once it stopped", async () => {
      const dataDir = join(workDir, "data");
      const env = { ...baseEnv, DATA_DIR: dataDir };
      const seed = new Blob([readFileSync(inject("pgliteSeedPath"))]);
      const openData = async (pgliteSeed?: Blob) => {
        const handle = await openDatabase({ dataDir, pgliteSeed });
        return { handle, url: undefined, destroy: () => handle.close() };
      };
      const first = await openData(seed);
      let t = await createTestApp({ database: first });
      const user = await signUp(t);
      const oldKid = kidOf(user.token) as string;

      const whileServed = await runKeys(["list"], env);
      expect(whileServed.code).toBe(1);
      expect(whileServed.stderr).toMatch(
        new RegExp(
          `^keys: DATA_DIR is in use by another Taskvault process \\(pid ${process.pid}\\);[^\\n]*Stop that server first[^\\n]*\\n$`,
        ),
      );
      await t.close();
      await first.destroy();

      const rotated = await runKeys(["rotate"], env);
      expect(rotated.code, rotated.stderr).toBe(0);
      const newKid = /Created signing key (\S+):/.exec(rotated.stdout)?.[1] as string;
      expect(rotated.stdout).toContain("the server picks it up when it starts");
      const refused = await runKeys(["retire", newKid], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^keys: Key \S+ signs new tokens and cannot be retired; [^\n]+\n$/);
      const retired = await runKeys(["retire", oldKid], env);
      expect(retired.code, retired.stderr).toBe(0);

      const reopened = await openData();
      t = await createTestApp({ database: reopened });
      try {
        expect((await me(t, user.token)).status).toBe(401);
        const again = await signUp(t);
        expect(kidOf(again.token)).toBe(newKid);
        expect(await jwksKids(t)).toEqual([newKid]);
      } finally {
        await t.close();
        await reopened.destroy();
      }
    }, 90_000);
  }
});
