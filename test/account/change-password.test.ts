import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, jsonRequest, type SignedInUser, signUp } from "../helpers/auth-client.js";
import { expectProblem } from "../helpers/problem-expectations.js";
import { type SmtpInbox, startSmtpInbox } from "../helpers/smtp-inbox.js";
import { createTestApp, relaxedRateLimits, type TestApp } from "../helpers/test-app.js";
import { emailWithSubject, me, queuedEmails, refresh, signIn } from "./account-helpers.js";

const NEW_PASSWORD = "a brand new passphrase for this";

let t: TestApp;
let inbox: SmtpInbox;
beforeAll(async () => {
  inbox = await startSmtpInbox();
  t = await createTestApp({ env: { SMTP_URL: inbox.url }, emailSender: true });
});
afterAll(async () => {
  await t.close();
  await inbox.stop();
});

const changePassword = (app: TestApp, token: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request("/api/auth/change-password", jsonRequest("POST", body, bearer(token, headers)));

const signinStatus = async (app: TestApp, email: string, password: string) =>
  (await app.request("/api/auth/signin", jsonRequest("POST", { email, password }))).status;

describe("POST /api/auth/change-password", () => {
  it("changes the password: 204, the new one signs in, the old one no longer does", async () => {
    const user = await signUp(t);
    const res = await changePassword(t, user.token, { currentPassword: user.password, newPassword: NEW_PASSWORD });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(await signinStatus(t, user.email, NEW_PASSWORD)).toBe(200);
    await expectProblem(
      await t.request("/api/auth/signin", jsonRequest("POST", { email: user.email, password: user.password })),
      401,
      "invalid_credentials",
    );
  });

  it("ends every other session at once and keeps the caller's", async () => {
    const user = await signUp(t);
    const [laptop, phone] = [await signIn(t, user), await signIn(t, user)];
    expect(
      (await changePassword(t, user.token, { currentPassword: user.password, newPassword: NEW_PASSWORD })).status,
    ).toBe(204);
    for (const ended of [laptop, phone]) {
      await expectProblem(await me(t, ended.token), 401, "unauthorized");
      await expectProblem(await refresh(t, ended.refreshToken), 401, "unauthorized");
    }
    expect((await me(t, user.token)).status).toBe(200);
    expect((await refresh(t, user.refreshToken)).status).toBe(200);
    const listed = await t.request("/api/auth/sessions", { headers: bearer(user.token) });
    expect(((await listed.json()) as { sessions: unknown[] }).sessions).toHaveLength(1);
  });

  it("emails a 'password changed' notice to the account's address", async () => {
    const user = await signUp(t, { name: "Notified Nora" });
    expect(
      (await changePassword(t, user.token, { currentPassword: user.password, newPassword: NEW_PASSWORD })).status,
    ).toBe(204);
    expect((await queuedEmails(t, user.email)).map((e) => e.kind)).toContain("password-changed");
    const notice = await emailWithSubject(inbox, user.email, /password was changed/i);
    expect(notice?.text).toContain("Notified Nora");
    expect(notice?.text).not.toContain(NEW_PASSWORD);
    expect(notice?.html).not.toContain(NEW_PASSWORD);
  });

  it("answers 403 wrong_password to a wrong current password and changes nothing", async () => {
    const user = await signUp(t);
    const other = await signIn(t, user);
    const queued = (await queuedEmails(t, user.email)).length;
    for (const currentPassword of ["not my password", "", "x".repeat(129)]) {
      const res = await changePassword(t, user.token, { currentPassword, newPassword: NEW_PASSWORD });
      const problem = await expectProblem(res, 403, "wrong_password");
      expect(problem.errors).toEqual([{ path: "currentPassword", message: "is not correct" }]);
    }
    expect(await signinStatus(t, user.email, user.password)).toBe(200);
    expect(await signinStatus(t, user.email, NEW_PASSWORD)).toBe(401);
    expect((await me(t, other.token)).status).toBe(200);
    expect(await queuedEmails(t, user.email)).toHaveLength(queued);
  });

  it("answers 400 weak_password to a common password or the email's local part, before checking anything", async () => {
    const user = await signUp(t);
    const localPart = user.email.slice(0, user.email.indexOf("@"));
    for (const newPassword of ["password123", "Iloveyou1", localPart, user.email.toUpperCase()]) {
      const problem = await expectProblem(
        await changePassword(t, user.token, { currentPassword: "a wrong one", newPassword }),
        400,
        "weak_password",
      );
      expect(problem.errors?.map((e) => e.path)).toEqual(["newPassword"]);
    }
    expect(await signinStatus(t, user.email, user.password)).toBe(200);
  });

  it("answers 400 validation_failed to a new password outside 8 to 128 characters, a missing field or an unknown one", async () => {
    const user = await signUp(t);
    const cases: [unknown, string[]][] = [
      [{ currentPassword: user.password, newPassword: "short" }, ["newPassword"]],
      [{ currentPassword: user.password, newPassword: "x".repeat(129) }, ["newPassword"]],
      [{ currentPassword: user.password }, ["newPassword"]],
      [{ newPassword: NEW_PASSWORD }, ["currentPassword"]],
      [
        { currentPassword: user.password, newPassword: NEW_PASSWORD, revokeOtherSessions: false },
        ["revokeOtherSessions"],
      ],
      [{ currentPassword: 1, newPassword: NEW_PASSWORD }, ["currentPassword"]],
    ];
    for (const [body, paths] of cases) {
      const problem = await expectProblem(await changePassword(t, user.token, body), 400, "validation_failed");
      expect(problem.errors?.map((e) => e.path)).toEqual(paths);
    }
    expect(await signinStatus(t, user.email, user.password)).toBe(200);
  });

  it("accepts a 128-character password of emoji (counted as code points)", async () => {
    const user = await signUp(t);
    const newPassword = "🔑".repeat(128);
    expect((await changePassword(t, user.token, { currentPassword: user.password, newPassword })).status).toBe(204);
    expect(await signinStatus(t, user.email, newPassword)).toBe(200);
  });

  it("answers 401 without a token or with a signed-out one, changing nothing", async () => {
    const user = await signUp(t);
    const body = { currentPassword: user.password, newPassword: NEW_PASSWORD };
    await expectProblem(await t.request("/api/auth/change-password", jsonRequest("POST", body)), 401, "unauthorized");
    const other = await signIn(t, user);
    await t.request("/api/auth/signout", { method: "POST", headers: bearer(other.token) });
    await expectProblem(await changePassword(t, other.token, body), 401, "unauthorized");
    expect(await signinStatus(t, user.email, user.password)).toBe(200);
  });
});

describe("wrong current passwords count like failed sign-ins", () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await createTestApp({
      config: { rateLimits: { ...relaxedRateLimits, signinFailuresPerAccount: 3, signinFailuresPerAddress: 1000 } },
    });
  });
  afterAll(() => strict.close());

  it("a burst of 12 concurrent wrong passwords gets at most 3 × 403, the rest 429 with Retry-After, no 5xx", async () => {
    const user: SignedInUser = await signUp(strict);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        changePassword(strict, user.token, { currentPassword: `wrong guess ${i}`, newPassword: NEW_PASSWORD }),
      ),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 403).length).toBeLessThanOrEqual(3);
    expect(statuses.every((s) => s === 403 || s === 429)).toBe(true);
    for (const res of answers.filter((r) => r.status === 429)) {
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      await expectProblem(res, 429, "rate_limited");
    }
    // The account's limit is the sign-in's: an untrusted client cannot sign in either now, and
    // the right current password is refused too while the window lasts.
    expect(await signinStatus(strict, user.email, user.password)).toBe(429);
    const right = await changePassword(strict, user.token, {
      currentPassword: user.password,
      newPassword: NEW_PASSWORD,
    });
    await expectProblem(right, 429, "rate_limited");
  });

  it("wrong sign-ins use up the same limit as wrong current passwords", async () => {
    const user = await signUp(strict);
    for (let i = 0; i < 3; i++) expect(await signinStatus(strict, user.email, `wrong ${i}`)).toBe(401);
    const res = await changePassword(strict, user.token, { currentPassword: user.password, newPassword: NEW_PASSWORD });
    await expectProblem(res, 429, "rate_limited");
  });

  it("a right current password forgets the account's earlier failures, as a sign-in does", async () => {
    const user = await signUp(strict);
    for (let i = 0; i < 2; i++) {
      await expectProblem(
        await changePassword(strict, user.token, { currentPassword: `wrong ${i}`, newPassword: NEW_PASSWORD }),
        403,
        "wrong_password",
      );
    }
    expect(
      (await changePassword(strict, user.token, { currentPassword: user.password, newPassword: NEW_PASSWORD })).status,
    ).toBe(204);
    for (let i = 0; i < 3; i++) expect(await signinStatus(strict, user.email, `wrong again ${i}`)).toBe(401);
    expect(await signinStatus(strict, user.email, NEW_PASSWORD)).toBe(429);
  });
});
