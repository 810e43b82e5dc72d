import { randomBytes, randomInt } from "node:crypto";
import { Writable } from "node:stream";
import { eq, inArray, like, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/server/config.js";
import { type Database, type DatabaseHandle, openDatabase } from "../../src/server/db/client.js";
import {
  accountTokens,
  emailOutbox,
  rateLimits,
  retiredRefreshTokens,
  sessionRevocations,
  sessions,
  taskChanges,
  verifications,
} from "../../src/server/db/schema/index.js";
import { createLogger } from "../../src/server/logger.js";
import { Housekeeping, PURGE_BATCH_SIZE, type PurgeCounts } from "../../src/server/ops/housekeeping.js";
import { startServer } from "../../src/server/server.js";
import { bearer, jsonRequest, signUp } from "../helpers/auth-client.js";
import { createServerStore } from "../helpers/server-store.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { createTestDatabase } from "../helpers/test-database.js";

const HOUR = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms);
const later = (ms: number) => new Date(Date.now() + ms);

let t: TestApp;
let db: Database;
let owner: string;
beforeAll(async () => {
  t = await createTestApp();
  db = t.database.handle.db;
  owner = (await signUp(t)).id;
});
afterAll(() => t.close());

/** A logger whose lines the test reads. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger("info", sink), lines };
}

function housekeeping(options: { database?: Database; batchSize?: number } = {}) {
  const { logger, lines } = capturedLogger();
  const job = new Housekeeping({
    db: options.database ?? db,
    logger,
    revocationRetentionSeconds: t.auth.revocations.rememberSeconds,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  });
  return { job, lines, warnings: () => lines.filter((l) => l.level === "warn") };
}

const total = (counts: PurgeCounts) => Object.values(counts).reduce((a, b) => a + b, 0);

// Each test leaves nothing expired behind, so that the next one counts only its own rows.
afterEach(async () => {
  const { job } = housekeeping();
  while (total(await job.runOnce()) > 0);
});

/** Unique ids for one test's rows, so that a test reads back only what it wrote. */
function namer() {
  const prefix = `hk-${randomBytes(4).toString("hex")}-`;
  return { prefix, id: (name: string | number) => `${prefix}${name}` };
}

function sessionRow(id: string, expiresAt: Date) {
  return { id, token: `token-${id}`, expiresAt, userId: owner };
}

const WEEK = 7 * 24 * HOUR;
const DAY = 24 * HOUR;

/** Change-log rows of the owner, told apart by their task_id (the test's prefix); seqs unique. */
function changeRows(taskIds: string[], at: Date) {
  const base = randomInt(2 ** 40);
  return taskIds.map((taskId, i) => ({ userId: owner, seq: base + i, kind: "updated", taskId, at }));
}

/** Inserts `n` rows past their time into each of the tables. */
async function insertExpired(prefix: string, n: number): Promise<void> {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const past = ago(HOUR);
  const longAgo = ago(24 * HOUR);
  await db.insert(sessions).values(ids.map((id) => sessionRow(id, past)));
  await db.insert(verifications).values(ids.map((id) => ({ id, identifier: id, value: "spent", expiresAt: past })));
  await db.insert(rateLimits).values(ids.map((key) => ({ key, count: 3, resetAt: past })));
  await db
    .insert(sessionRevocations)
    .values(ids.map((sessionId) => ({ sessionId, revokedAt: longAgo, expiresAt: longAgo })));
  await db.insert(accountTokens).values(
    ids.map((tokenHash) => ({
      tokenHash,
      userId: owner,
      purpose: "reset-password",
      email: "a@example.com",
      expiresAt: past,
    })),
  );
  await db
    .insert(emailOutbox)
    .values(
      ids.map((recipient) => ({ kind: "password-changed", recipient, status: "sent", finishedAt: ago(WEEK + HOUR) })),
    );
  await db.insert(taskChanges).values(changeRows(ids, ago(DAY + HOUR)));
}

/** How many of this test's rows each table still holds. */
async function remaining(prefix: string): Promise<PurgeCounts> {
  const count = async (rows: Promise<{ n: number }[]>) => (await rows)[0]?.n ?? 0;
  const n = sql<number>`count(*)::int`;
  return {
    sessions: await count(
      db
        .select({ n })
        .from(sessions)
        .where(like(sessions.id, `${prefix}%`)),
    ),
    verifications: await count(
      db
        .select({ n })
        .from(verifications)
        .where(like(verifications.id, `${prefix}%`)),
    ),
    rateLimits: await count(
      db
        .select({ n })
        .from(rateLimits)
        .where(like(rateLimits.key, `${prefix}%`)),
    ),
    sessionRevocations: await count(
      db
        .select({ n })
        .from(sessionRevocations)
        // Purging a session records its revocation; only the rows this test wrote count here.
        .where(
          sql`${sessionRevocations.sessionId} like ${`${prefix}%`} and ${sessionRevocations.revokedAt} < ${ago(HOUR)}`,
        ),
    ),
    accountTokens: await count(
      db
        .select({ n })
        .from(accountTokens)
        .where(like(accountTokens.tokenHash, `${prefix}%`)),
    ),
    emailOutbox: await count(
      db
        .select({ n })
        .from(emailOutbox)
        .where(like(emailOutbox.recipient, `${prefix}%`)),
    ),
    taskChanges: await count(
      db
        .select({ n })
        .from(taskChanges)
        .where(like(taskChanges.taskId, `${prefix}%`)),
    ),
  };
}

const each = (n: number): PurgeCounts => ({
  sessions: n,
  verifications: n,
  rateLimits: n,
  sessionRevocations: n,
  accountTokens: n,
  emailOutbox: n,
  taskChanges: n,
});

describe("the purge", () => {
  it("deletes the rows of each kind that are past their time and keeps the live ones", async () => {
    const { prefix, id } = namer();
    const retention = t.auth.revocations.rememberSeconds * 1000;
    await db.insert(sessions).values([sessionRow(id("expired"), ago(1000)), sessionRow(id("live"), later(HOUR))]);
    await db.insert(retiredRefreshTokens).values({ tokenHash: id("retired"), sessionId: id("expired") });
    await db.insert(verifications).values([
      { id: id("v-expired"), identifier: "a", value: "x", expiresAt: ago(1000) },
      { id: id("v-live"), identifier: "a", value: "x", expiresAt: later(HOUR) },
    ]);
    await db.insert(rateLimits).values([
      { key: id("r-ended"), count: 10, resetAt: ago(1000) },
      { key: id("r-running"), count: 10, resetAt: later(HOUR) },
    ]);
    await db.insert(sessionRevocations).values([
      // Past the session's expiry and older than any access token: no process needs it.
      { sessionId: id("s-old"), revokedAt: ago(retention + 60_000), expiresAt: ago(HOUR) },
      // Past the session's expiry, but a token issued just before the revocation may still verify.
      { sessionId: id("s-recent"), revokedAt: ago(retention - 60_000), expiresAt: ago(HOUR) },
      // Revoked long ago, but remembered until the session's own expiry.
      { sessionId: id("s-unexpired"), revokedAt: ago(retention + 60_000), expiresAt: later(HOUR) },
    ]);

    const token = (tokenHash: string, expiresAt: Date, usedAt: Date | null = null) => ({
      tokenHash,
      userId: owner,
      purpose: "verify-email",
      email: "a@example.com",
      expiresAt,
      usedAt,
    });
    await db
      .insert(accountTokens)
      .values([
        token(id("t-expired"), ago(1000)),
        token(id("t-used-live"), later(HOUR), ago(1000)),
        token(id("t-live"), later(HOUR)),
      ]);
    const email = (recipient: string, status: string, finishedAt: Date | null) => ({
      kind: "password-changed",
      recipient,
      status,
      finishedAt,
    });
    await db.insert(emailOutbox).values([
      // Sent or given up over a week ago: purged.
      email(id("e-old"), "sent", ago(WEEK + HOUR)),
      // Sent within the week, given up within the week, or still to be sent (however old): kept.
      email(id("e-recent"), "sent", ago(HOUR)),
      email(id("e-failed"), "failed", ago(WEEK - HOUR)),
      { ...email(id("e-pending"), "pending", null), createdAt: ago(2 * WEEK) },
    ]);
    // The change log keeps a day.
    await db
      .insert(taskChanges)
      .values([...changeRows([id("c-old")], ago(DAY + HOUR)), ...changeRows([id("c-recent")], ago(DAY - HOUR))]);

    const { job, lines, warnings } = housekeeping();
    expect(await job.runOnce()).toEqual(each(1));

    const ids = async (column: typeof sessions.id | typeof verifications.id | typeof rateLimits.key) =>
      (
        await db
          .select({ id: column })
          .from(column.table)
          .where(like(column, `${prefix}%`))
      ).map((r) => r.id);
    expect(await ids(sessions.id)).toEqual([id("live")]);
    expect(
      await db
        .select()
        .from(retiredRefreshTokens)
        .where(eq(retiredRefreshTokens.sessionId, id("expired"))),
    ).toEqual([]);
    expect(await ids(verifications.id)).toEqual([id("v-live")]);
    expect(await ids(rateLimits.key)).toEqual([id("r-running")]);
    const tokensLeft = await db
      .select({ id: accountTokens.tokenHash })
      .from(accountTokens)
      .where(like(accountTokens.tokenHash, `${prefix}%`));
    expect(tokensLeft.map((r) => r.id).sort()).toEqual([id("t-live"), id("t-used-live")].sort());
    const emailsLeft = await db
      .select({ id: emailOutbox.recipient })
      .from(emailOutbox)
      .where(like(emailOutbox.recipient, `${prefix}%`));
    expect(emailsLeft.map((r) => r.id).sort()).toEqual([id("e-failed"), id("e-pending"), id("e-recent")].sort());
    const revoked = await db
      .select({ sessionId: sessionRevocations.sessionId })
      .from(sessionRevocations)
      .where(inArray(sessionRevocations.sessionId, [id("s-old"), id("s-recent"), id("s-unexpired"), id("expired")]));
    // The purged session is revoked like any deleted session (the trigger), so its tokens stop.
    expect(revoked.map((r) => r.sessionId).sort()).toEqual([id("expired"), id("s-recent"), id("s-unexpired")].sort());
    const changesLeft = await db
      .select({ id: taskChanges.taskId })
      .from(taskChanges)
      .where(like(taskChanges.taskId, `${prefix}%`));
    expect(changesLeft.map((r) => r.id)).toEqual([id("c-recent")]);

    expect(warnings()).toEqual([]);
    expect(lines.filter((l) => l.msg === "housekeeping: purged expired rows")).toEqual([
      expect.objectContaining({ level: "info", purged: each(1) }),
    ]);
  });

  it("logs nothing when there is nothing to purge", async () => {
    const { job, lines } = housekeeping();
    expect(await job.runOnce()).toEqual(each(0));
    expect(lines).toEqual([]);
  });

  it(`deletes at most ${PURGE_BATCH_SIZE} rows per table per run`, async () => {
    const { prefix } = namer();
    await insertExpired(prefix, PURGE_BATCH_SIZE + 500);
    const { job } = housekeeping();
    expect(await job.runOnce()).toEqual(each(PURGE_BATCH_SIZE));
    expect(await remaining(prefix)).toEqual(each(500));
    expect(await job.runOnce()).toEqual(each(500));
    expect(await remaining(prefix)).toEqual(each(0));
    expect(await job.runOnce()).toEqual(each(0));
  });

  it("lets two runs at once delete each row once between them, and neither fails", async () => {
    const { prefix } = namer();
    await insertExpired(prefix, 150);
    const [a, b] = [housekeeping({ batchSize: 100 }), housekeeping({ batchSize: 100 })];
    const counts = await Promise.all([a.job.runOnce(), b.job.runOnce(), a.job.runOnce(), b.job.runOnce()]);
    for (const table of Object.keys(each(0)) as (keyof PurgeCounts)[]) {
      expect(counts.reduce((sum, c) => sum + c[table], 0)).toBe(150);
      for (const c of counts) expect(c[table]).toBeLessThanOrEqual(100);
    }
    expect(await remaining(prefix)).toEqual(each(0));
    expect([...a.warnings(), ...b.warnings()]).toEqual([]);
  });

  it("ends a session purged for expiry: its refresh token gets 401, its access tokens are revoked", async () => {
    const user = await signUp(t);
    expect((await t.request("/api/auth/me", { headers: bearer(user.token) })).status).toBe(200);
    await db
      .update(sessions)
      .set({ expiresAt: ago(1000) })
      .where(eq(sessions.userId, user.id));

    const { job } = housekeeping();
    expect((await job.runOnce()).sessions).toBe(1);
    expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);

    const refresh = await t.request("/api/auth/refresh", jsonRequest("POST", { refreshToken: user.refreshToken }));
    expect(refresh.status).toBe(401);
    await t.auth.revocations.sync();
    expect((await t.request("/api/auth/me", { headers: bearer(user.token) })).status).toBe(401);
  });

  it("logs a warning and resolves when the database fails, never throwing", async () => {
    const broken = await createTestDatabase();
    await broken.destroy();
    const { job, warnings } = housekeeping({ database: broken.handle.db });
    expect(await job.runOnce()).toEqual(each(0));
    expect(warnings().map((w) => w.table)).toEqual([
      "sessions",
      "verifications",
      "rateLimits",
      "sessionRevocations",
      "accountTokens",
      "emailOutbox",
      "taskChanges",
    ]);
  });
});

/** Waits until `check` holds, polling; fails after `timeoutMs`. */
async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("the condition never held");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the schedule", () => {
  it("runs again and again until stopped, and keeps going after a failure", async () => {
    const { logger, lines } = capturedLogger();
    const broken = await createTestDatabase();
    await broken.destroy();
    const job = new Housekeeping({ db: broken.handle.db, logger, revocationRetentionSeconds: 930, intervalMs: 20 });
    job.start();
    await eventually(() => lines.filter((l) => l.level === "warn").length >= 8);
    await job.stop();
    const seen = lines.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lines.length).toBe(seen);
  });

  it("purges in a server started with startServer, and stops with it", async () => {
    const store = await createServerStore();
    const { id } = namer();
    const seed: DatabaseHandle =
      store.database?.handle ?? (await openDatabase({ dataDir: store.env.DATA_DIR as string }));
    await seed.db.insert(verifications).values({ id: id("v"), identifier: "a", value: "x", expiresAt: ago(1000) });
    if (!store.database) await seed.close();

    const { logger, lines } = capturedLogger();
    const config = loadConfig({ ...store.env, PORT: "0", LOG_LEVEL: "info" });
    const server = await startServer(config, logger, { housekeepingIntervalMs: 50 });
    try {
      await eventually(() => lines.some((l) => l.msg === "housekeeping: purged expired rows"));
      expect(lines.find((l) => l.msg === "housekeeping: purged expired rows")).toMatchObject({
        purged: { verifications: 1 },
      });
    } finally {
      await server.close();
    }
    const check = store.database?.handle ?? (await openDatabase({ dataDir: store.env.DATA_DIR as string }));
    expect(
      await check.db
        .select()
        .from(verifications)
        .where(eq(verifications.id, id("v"))),
    ).toEqual([]);
    if (!store.database) await check.close();
    await store.remove();
  }, 60_000);
});

// Two processes on one database: only PostgreSQL serves more than one (TEST_DATABASE_URL).
if (process.env.TEST_DATABASE_URL) {
  describe("two purging processes on one PostgreSQL database", () => {
    let second: DatabaseHandle;
    beforeAll(async () => {
      second = await openDatabase({ databaseUrl: t.database.url as string, poolSize: 4 });
    });
    afterAll(() => second.close());

    it("delete each row once between them, at most a batch per run, and neither fails", async () => {
      const { prefix } = namer();
      await insertExpired(prefix, 2 * PURGE_BATCH_SIZE + 300);
      const [a, b] = [housekeeping(), housekeeping({ database: second.db })];
      const counts = await Promise.all([a.job.runOnce(), b.job.runOnce(), a.job.runOnce(), b.job.runOnce()]);
      for (const table of Object.keys(each(0)) as (keyof PurgeCounts)[]) {
        expect(counts.reduce((sum, c) => sum + c[table], 0)).toBe(2 * PURGE_BATCH_SIZE + 300);
        for (const c of counts) expect(c[table]).toBeLessThanOrEqual(PURGE_BATCH_SIZE);
      }
      expect(await remaining(prefix)).toEqual(each(0));
      expect([...a.warnings(), ...b.warnings()]).toEqual([]);
    });
  });
}
