import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accounts,
  accountTokens,
  emailOutbox,
  retiredRefreshTokens,
  sessions,
  tasks,
  users,
} from "../../src/server/db/schema/index.js";
import { queueEmail } from "../../src/server/email/queue-email.js";
import { setCookies } from "../auth/http-expectations.js";
import { bearer, jsonRequest, type SignedInUser, signUp } from "../helpers/auth-client.js";
import { expectProblem } from "../helpers/problem-expectations.js";
import { type SmtpInbox, startSmtpInbox } from "../helpers/smtp-inbox.js";
import { createTestApp, relaxedRateLimits, type TestApp } from "../helpers/test-app.js";
import { emailWithSubject, me, queuedEmails, refresh, signIn } from "./account-helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const deleteAccount = (app: Pick<TestApp, "request">, token: string, body: unknown, headers = {}) =>
  app.request("/api/auth/account", jsonRequest("DELETE", body, bearer(token, headers)));

async function withTask(app: TestApp, user: SignedInUser, title: string) {
  const res = await app.request(`/api/${user.id}/tasks`, jsonRequest("POST", { title }, bearer(user.token)));
  expect(res.status).toBe(201);
}

/** Every row that belongs to the user, per table, read straight from the database. */
async function rowsOf(app: TestApp, userId: string) {
  const db = app.database.handle.db;
  const sessionIds = (await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId))).map(
    (row) => row.id,
  );
  const count = async (query: Promise<unknown[]>) => (await query).length;
  return {
    users: await count(db.select().from(users).where(eq(users.id, userId))),
    tasks: await count(db.select().from(tasks).where(eq(tasks.userId, userId))),
    sessions: sessionIds.length,
    accounts: await count(db.select().from(accounts).where(eq(accounts.userId, userId))),
    accountTokens: await count(db.select().from(accountTokens).where(eq(accountTokens.userId, userId))),
    emails: await count(db.select().from(emailOutbox).where(eq(emailOutbox.userId, userId))),
  };
}

describe("DELETE /api/auth/account", () => {
  it("deletes the user with their tasks, sessions, password and pending emails, and revokes every token at once", async () => {
    const user = await signUp(t, { name: "Leaving Lea" });
    const phone = await signIn(t, user);
    // A rotation leaves a retired refresh token behind.
    const rotated = (await (await refresh(t, phone.refreshToken)).json()) as { token: string; refreshToken: string };
    await withTask(t, user, "One");
    await withTask(t, user, "Two");
    // A pending email of theirs (the outbox has no sender in this app, so it stays pending).
    await queueEmail(t.database.handle.db, { kind: "password-changed", to: user.email, name: "Lea", userId: user.id });
    const before = await rowsOf(t, user.id);
    expect(before).toMatchObject({ users: 1, tasks: 2, sessions: 2, accounts: 1 });
    // Sign-up queued a verification email and its token too.
    expect(before.emails).toBeGreaterThanOrEqual(2);
    expect(before.accountTokens).toBeGreaterThanOrEqual(1);

    const res = await deleteAccount(t, user.token, { password: user.password }, { cookie: user.cookie });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    const cleared = setCookies(res).find((c) => c.name === "taskvault_session");
    expect(cleared?.value).toBe("");

    expect(await rowsOf(t, user.id)).toEqual({
      users: 0,
      tasks: 0,
      sessions: 0,
      accounts: 0,
      accountTokens: 0,
      emails: 0,
    });
    const retired = await t.database.handle.db
      .select()
      .from(retiredRefreshTokens)
      .where(eq(retiredRefreshTokens.sessionId, phone.id));
    expect(retired).toEqual([]);

    for (const token of [user.token, phone.token, rotated.token]) {
      await expectProblem(await me(t, token), 401, "unauthorized");
      await expectProblem(await t.request(`/api/${user.id}/tasks`, { headers: bearer(token) }), 401, "unauthorized");
    }
    for (const refreshToken of [user.refreshToken, rotated.refreshToken]) {
      await expectProblem(await refresh(t, refreshToken), 401, "unauthorized");
    }
    await expectProblem(
      await t.request("/api/auth/signin", jsonRequest("POST", { email: user.email, password: user.password })),
      401,
      "invalid_credentials",
    );
  });

  it("queues an 'account deleted' notice to the address that was the account's, which outlives the account", async () => {
    const user = await signUp(t, { name: "Noticed Nick" });
    expect((await deleteAccount(t, user.token, { password: user.password })).status).toBe(204);
    const notices = await t.database.handle.db
      .select({ kind: emailOutbox.kind, status: emailOutbox.status, userId: emailOutbox.userId })
      .from(emailOutbox)
      .where(eq(emailOutbox.recipient, user.email));
    expect(notices).toEqual([{ kind: "account-deleted", status: "pending", userId: null }]);
  });

  it("touches no other user", async () => {
    const [leaving, staying] = await Promise.all([signUp(t), signUp(t)]);
    await withTask(t, staying, "Still here");
    const before = await rowsOf(t, staying.id);
    expect((await deleteAccount(t, leaving.token, { password: leaving.password })).status).toBe(204);
    expect(await rowsOf(t, staying.id)).toEqual(before);
    expect((await me(t, staying.token)).status).toBe(200);
  });

  it("answers 403 wrong_password to a wrong password and deletes nothing", async () => {
    const user = await signUp(t);
    await withTask(t, user, "Kept");
    const before = await rowsOf(t, user.id);
    for (const password of ["not my password", "", "x".repeat(200)]) {
      const problem = await expectProblem(await deleteAccount(t, user.token, { password }), 403, "wrong_password");
      expect(problem.errors).toEqual([{ path: "password", message: "is not correct" }]);
    }
    expect(await rowsOf(t, user.id)).toEqual(before);
    expect((await me(t, user.token)).status).toBe(200);
    expect(await queuedEmails(t, user.email)).not.toContainEqual(expect.objectContaining({ kind: "account-deleted" }));
  });

  it("needs the password in a JSON body: 415 without one, 400 validation_failed for a missing or unknown field", async () => {
    const user = await signUp(t);
    await expectProblem(
      await t.request("/api/auth/account", { method: "DELETE", headers: bearer(user.token) }),
      415,
      "unsupported_media_type",
    );
    for (const [body, paths] of [
      [{}, ["password"]],
      [{ password: 12345678 }, ["password"]],
      [{ password: user.password, confirm: true }, ["confirm"]],
    ] as [unknown, string[]][]) {
      const problem = await expectProblem(await deleteAccount(t, user.token, body), 400, "validation_failed");
      expect(problem.errors?.map((e) => e.path)).toEqual(paths);
    }
    expect((await rowsOf(t, user.id)).users).toBe(1);
  });

  it("lets the address sign up again afterwards, as a new and empty account", async () => {
    const user = await signUp(t);
    await withTask(t, user, "Old life");
    expect((await deleteAccount(t, user.token, { password: user.password })).status).toBe(204);
    const again = await signUp(t, { email: user.email });
    expect(again.id).not.toBe(user.id);
    const list = await t.request(`/api/${again.id}/tasks`, { headers: bearer(again.token) });
    expect((await list.json()).tasks).toEqual([]);
    await expectProblem(await me(t, user.token), 401, "unauthorized");
  });

  it("of two at once with the right password: one 204, the other 401, no 5xx", async () => {
    const user = await signUp(t);
    const other = await signIn(t, user);
    const statuses = await Promise.all([
      deleteAccount(t, user.token, { password: user.password }),
      deleteAccount(t, other.token, { password: user.password }),
    ]).then((answers) => answers.map((r) => r.status).sort());
    expect(statuses).toEqual([204, 401]);
    expect((await rowsOf(t, user.id)).users).toBe(0);
    const notices = await t.database.handle.db
      .select({ kind: emailOutbox.kind })
      .from(emailOutbox)
      .where(eq(emailOutbox.recipient, user.email));
    expect(notices.filter((n) => n.kind === "account-deleted")).toHaveLength(1);
  });

  it("answers 401 without a token or with a signed-out one", async () => {
    const user = await signUp(t);
    await expectProblem(
      await t.request("/api/auth/account", jsonRequest("DELETE", { password: user.password })),
      401,
      "unauthorized",
    );
    const other = await signIn(t, user);
    await t.request("/api/auth/signout", { method: "POST", headers: bearer(other.token) });
    await expectProblem(await deleteAccount(t, other.token, { password: user.password }), 401, "unauthorized");
    expect((await rowsOf(t, user.id)).users).toBe(1);
  });
});

describe("wrong passwords to DELETE /api/auth/account count like failed sign-ins", () => {
  it("a burst of 10 concurrent wrong passwords gets at most 3 × 403 and the rest 429, and deletes nothing", async () => {
    const strict = await createTestApp({
      config: { rateLimits: { ...relaxedRateLimits, signinFailuresPerAccount: 3 } },
    });
    try {
      const user = await signUp(strict);
      const statuses = await Promise.all(
        Array.from({ length: 10 }, (_, i) => deleteAccount(strict, user.token, { password: `guess ${i}` })),
      ).then((answers) => answers.map((r) => r.status));
      expect(statuses.filter((s) => s === 403).length).toBeLessThanOrEqual(3);
      expect(statuses.every((s) => s === 403 || s === 429)).toBe(true);
      await expectProblem(await deleteAccount(strict, user.token, { password: user.password }), 429, "rate_limited");
      expect((await rowsOf(strict, user.id)).users).toBe(1);
    } finally {
      await strict.close();
    }
  });
});

describe("a deleted account's tokens on every process", () => {
  it("are refused by a second app instance on the same database within one second", async () => {
    const second = await createTestApp({ database: t.database });
    try {
      const user = await signUp(t);
      const elsewhere = await signIn(second, user);
      expect((await me(second, elsewhere.token)).status).toBe(200);
      expect((await me(second, user.token)).status).toBe(200);

      expect((await deleteAccount(t, user.token, { password: user.password })).status).toBe(204);
      const deletedAt = performance.now();
      let statuses: number[];
      let waited: number;
      do {
        statuses = await Promise.all([
          me(second, elsewhere.token).then((r) => r.status),
          me(second, user.token).then((r) => r.status),
          second.request(`/api/${user.id}/tasks`, { headers: bearer(elsewhere.token) }).then((r) => r.status),
        ]);
        waited = performance.now() - deletedAt;
        if (statuses.some((s) => s !== 401)) await new Promise((resolve) => setTimeout(resolve, 25));
      } while (statuses.some((s) => s !== 401) && waited < 2_000);
      expect(statuses).toEqual([401, 401, 401]);
      expect(waited).toBeLessThan(1_000);
      await expectProblem(
        await second.request("/api/auth/signin", jsonRequest("POST", { email: user.email, password: user.password })),
        401,
        "invalid_credentials",
      );
    } finally {
      await second.close();
    }
  });
});

describe("the 'account deleted' email", () => {
  let inbox: SmtpInbox;
  let mailing: TestApp;
  beforeAll(async () => {
    inbox = await startSmtpInbox();
    mailing = await createTestApp({ env: { SMTP_URL: inbox.url }, emailSender: true });
  });
  afterAll(async () => {
    await mailing.close();
    await inbox.stop();
  });

  it("reaches the old address after the account is gone", async () => {
    const user = await signUp(mailing, { name: "Gone Gabe" });
    expect((await deleteAccount(mailing, user.token, { password: user.password })).status).toBe(204);
    const email = await emailWithSubject(inbox, user.email, /account was deleted/i);
    expect(email.text).toContain("Gone Gabe");
  });
});
