import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { hashAccountToken } from "../../src/server/account/account-tokens.repo.js";
import { defaultRateLimits } from "../../src/server/config.js";
import { accountTokens } from "../../src/server/db/schema/index.js";
import { bearer, jsonRequest, STRONG_PASSWORD, signUp, uniqueEmail } from "../helpers/auth-client.js";
import { expectProblem } from "../helpers/problem-expectations.js";
import { createTestApp } from "../helpers/test-app.js";
import { emailedToken, emailWorldForFile, freshAddress, PUBLIC_URL, post, queuedFor } from "./email-flows.js";

const world = emailWorldForFile();
const NEW_PASSWORD = "a brand new passphrase for taskvault";

const forgot = (email: string, address = freshAddress(), headers: Record<string, string> = {}) =>
  world.t.request("/api/auth/forgot-password", { ...jsonRequest("POST", { email }, headers), address });
const reset = (token: string, newPassword = NEW_PASSWORD) =>
  post(world.t, "/api/auth/reset-password", { token, newPassword });
const signIn = (email: string, password: string) =>
  world.t.request("/api/auth/signin", { ...jsonRequest("POST", { email, password }), address: freshAddress() });
const me = (token: string) => world.t.request("/api/auth/me", { headers: bearer(token) });

describe("password reset through the emailed link", () => {
  it("emails a link to PUBLIC_URL/reset-password; the token sets a new password and the old one stops working", async () => {
    const { t, inbox } = world;
    const user = await signUp(t);
    const res = await forgot(user.email.toUpperCase());
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      status: "accepted",
      detail: "If an account uses this email, a link to reset its password is on its way.",
    });

    const token = await emailedToken(inbox, user.email, "reset-password", 2);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const done = await reset(token);
    expect(done.status).toBe(204);

    expect((await signIn(user.email, user.password)).status).toBe(401);
    expect((await signIn(user.email, NEW_PASSWORD)).status).toBe(200);
    // The link proved the address; and a notice says the password changed.
    const signedIn = await signIn(user.email, NEW_PASSWORD);
    expect((await signedIn.json()).user.emailVerified).toBe(true);
    const notices = await inbox.waitFor(user.email, 3);
    expect(notices.map((e) => e.subject)).toContain("Your Taskvault password was changed");
  });

  it("ends every session of the user at once: access tokens 401 here and on another process, refresh tokens 401", async () => {
    const { t, inbox } = world;
    const user = await signUp(t);
    const second = await (await signIn(user.email, user.password)).json();
    const other = await createTestApp({ database: t.database });
    try {
      expect((await other.request("/api/auth/me", { headers: bearer(user.token) })).status).toBe(200);
      await forgot(user.email);
      expect((await reset(await emailedToken(inbox, user.email, "reset-password", 2))).status).toBe(204);

      for (const token of [user.token, second.token]) expect((await me(token)).status).toBe(401);
      for (const refreshToken of [user.refreshToken, second.refreshToken]) {
        const res = await post(t, "/api/auth/refresh", { refreshToken });
        await expectProblem(res, 401, "unauthorized");
      }
      // Another process learns it from the table the session trigger writes.
      await other.auth.revocations.sync();
      expect((await other.request("/api/auth/me", { headers: bearer(user.token) })).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it("refuses a used token, and of concurrent uses of one token exactly one wins", async () => {
    const { t, inbox } = world;
    const user = await signUp(t);
    await forgot(user.email);
    const token = await emailedToken(inbox, user.email, "reset-password", 2);
    const answers = await Promise.all(Array.from({ length: 5 }, () => reset(token)));
    expect(answers.map((r) => r.status).sort()).toEqual([204, 400, 400, 400, 400]);
    for (const res of answers.filter((r) => r.status === 400)) await expectProblem(res, 400, "token_invalid");
    await expectProblem(await reset(token), 400, "token_invalid");
  });

  it("refuses an expired token (1 hour) and an unknown one", async () => {
    const { t, inbox } = world;
    const user = await signUp(t);
    await forgot(user.email);
    const token = await emailedToken(inbox, user.email, "reset-password", 2);
    const [row] = await t.database.handle.db
      .select({ expiresAt: accountTokens.expiresAt, createdAt: accountTokens.createdAt })
      .from(accountTokens)
      .where(eq(accountTokens.tokenHash, hashAccountToken(token)));
    expect((row?.expiresAt.getTime() ?? 0) - (row?.createdAt.getTime() ?? 0)).toBe(3_600_000);
    await t.database.handle.db
      .update(accountTokens)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(accountTokens.tokenHash, hashAccountToken(token)));
    await expectProblem(await reset(token), 400, "token_invalid");
    await expectProblem(await reset("A".repeat(43)), 400, "token_invalid");
    expect((await signIn(user.email, user.password)).status).toBe(200);
  });

  it("stores only the token's hash", async () => {
    const { t, inbox } = world;
    const user = await signUp(t);
    await forgot(user.email);
    const token = await emailedToken(inbox, user.email, "reset-password", 2);
    const rows = await t.database.handle.db.select().from(accountTokens).where(eq(accountTokens.userId, user.id));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows.map((r) => r.tokenHash)).toContain(hashAccountToken(token));
  });

  it("refuses a weak new password with 400 weak_password and leaves the link usable", async () => {
    const { t, inbox } = world;
    const user = await signUp(t);
    await forgot(user.email);
    const token = await emailedToken(inbox, user.email, "reset-password", 2);
    const weak = await expectProblem(await reset(token, "password123"), 400, "weak_password");
    expect(weak.errors).toEqual([{ path: "newPassword", message: expect.any(String) }]);
    await expectProblem(await reset(token, user.email), 400, "weak_password");
    const short = await expectProblem(await reset(token, "short"), 400, "validation_failed");
    expect(short.errors?.map((e) => e.path)).toEqual(["newPassword"]);
    expect((await reset(token)).status).toBe(204);
  });

  it("validates the body like every route", async () => {
    const { t } = world;
    await expectProblem(await post(t, "/api/auth/reset-password", { token: "x" }), 400, "validation_failed");
    await expectProblem(
      await post(t, "/api/auth/forgot-password", { email: "not-an-email" }),
      400,
      "validation_failed",
    );
    await expectProblem(
      await post(t, "/api/auth/forgot-password", { email: "a@b.example", x: 1 }),
      400,
      "validation_failed",
    );
  });
});

describe("forgot-password tells nobody whether an account exists", () => {
  it("answers a known and an unknown email with the same status, headers and body, and emails only the account", async () => {
    const { t, inbox } = world;
    const user = await signUp(t);
    const unknown = uniqueEmail("nobody");
    const [known, stranger] = [await forgot(user.email), await forgot(unknown)];
    expect(stranger.status).toBe(known.status);
    expect(await stranger.text()).toBe(await known.text());
    const headers = (res: Response) =>
      [...res.headers.entries()].filter(([name]) => name !== "x-request-id" && name !== "date");
    expect(headers(stranger)).toEqual(headers(known));

    await emailedToken(inbox, user.email, "reset-password", 2);
    expect(await queuedFor(t, unknown)).toEqual([]);
    expect(inbox.to(unknown)).toEqual([]);
  });

  it("throttles per email, known or not, counting a burst before any work: 5 an hour, then 429 with Retry-After", async () => {
    const { t } = world;
    const user = await signUp(t);
    for (const email of [user.email, uniqueEmail("nobody")]) {
      const answers = await Promise.all(Array.from({ length: 8 }, () => forgot(email)));
      expect(answers.filter((r) => r.status === 202)).toHaveLength(5);
      const refused = answers.filter((r) => r.status === 429);
      expect(refused).toHaveLength(3);
      for (const res of refused) {
        await expectProblem(res, 429, "rate_limited");
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      }
    }
    expect(await queuedFor(t, user.email, "reset-password")).toHaveLength(5);
  });

  it("throttles per client address across emails: 20 an hour", async () => {
    const address = freshAddress();
    const answers = await Promise.all(Array.from({ length: 24 }, () => forgot(uniqueEmail("spray"), address)));
    expect(answers.filter((r) => r.status === 202)).toHaveLength(20);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(4);
  });
});

describe("reset-link poisoning", () => {
  it("builds the link from PUBLIC_URL whatever Host and forwarding headers say", async () => {
    const { t, inbox } = world;
    const user = await signUp(t);
    const res = await forgot(user.email, freshAddress(), {
      host: "evil.example",
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "http",
      forwarded: "host=evil.example;proto=http",
    });
    expect(res.status).toBe(202);
    const [, email] = await inbox.waitFor(user.email, 2);
    expect(email?.text).not.toContain("evil.example");
    expect(email?.html).not.toContain("evil.example");
    const links = (email?.text ?? "").match(/https?:\/\/\S+/g) ?? [];
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link.startsWith(`${PUBLIC_URL}/`) || link === PUBLIC_URL).toBe(true);
  });

  it("builds it from PUBLIC_URL behind a trusted proxy too", async () => {
    const proxied = await createTestApp({
      env: { TRUST_PROXY: "x-forwarded-for", SMTP_URL: world.inbox.url },
      emailSender: { pollIntervalMs: 50 },
    });
    try {
      const user = await signUp(proxied);
      await proxied.request("/api/auth/forgot-password", {
        ...jsonRequest(
          "POST",
          { email: user.email },
          { "x-forwarded-host": "evil.example", "x-forwarded-for": "198.51.100.9" },
        ),
      });
      const token = await emailedToken(world.inbox, user.email, "reset-password", 2);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const [, email] = world.inbox.to(user.email);
      expect(email?.text).not.toContain("evil.example");
    } finally {
      await proxied.close();
    }
  });
});

describe("after a reset", () => {
  it("lets the owner in even when strangers had used up the account's failed sign-ins", async () => {
    const { t, inbox } = world;
    // The contract's limits (10 failures per account), on the same database and counters.
    const strict = await createTestApp({ database: t.database, config: { rateLimits: defaultRateLimits } });
    try {
      const user = await signUp(t, { password: STRONG_PASSWORD });
      const attempt = (password: string) =>
        strict.request("/api/auth/signin", {
          ...jsonRequest("POST", { email: user.email, password }),
          address: freshAddress(),
        });
      for (let i = 0; i < defaultRateLimits.signinFailuresPerAccount; i++) {
        expect((await attempt("a wrong password")).status).toBe(401);
      }
      expect((await attempt(user.password)).status).toBe(429);
      await forgot(user.email);
      expect((await reset(await emailedToken(inbox, user.email, "reset-password", 2))).status).toBe(204);
      expect((await attempt(NEW_PASSWORD)).status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe("a password change", () => {
  it("kills a reset link sent before it: the link was for the old password", async () => {
    const { t, inbox } = world;
    const user = await signUp(t);
    await forgot(user.email);
    const token = await emailedToken(inbox, user.email, "reset-password", 2);
    const changed = await post(
      t,
      "/api/auth/change-password",
      { currentPassword: user.password, newPassword: NEW_PASSWORD },
      { token: user.token },
    );
    expect(changed.status).toBe(204);
    await expectProblem(await reset(token, "yet another passphrase for taskvault"), 400, "token_invalid");
    expect((await signIn(user.email, NEW_PASSWORD)).status).toBe(200);
  });
});
