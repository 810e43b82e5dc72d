import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { defaultRateLimits } from "../../src/server/config.js";
import { sessions } from "../../src/server/db/schema/index.js";
import { bearer, jsonRequest, type SignedInUser, signUp, uniqueEmail } from "../helpers/auth-client.js";
import { expectProblem } from "../helpers/problem-expectations.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { emailedToken, emailWorldForFile, freshAddress, post, queuedFor } from "./email-flows.js";

const world = emailWorldForFile();

const changeEmail = (user: SignedInUser, newEmail: string, password = user.password, t: TestApp = world.t) =>
  t.request("/api/auth/change-email", {
    ...jsonRequest("POST", { newEmail, password }, bearer(user.token)),
    address: freshAddress(),
  });
const confirm = (token: string) => post(world.t, "/api/auth/confirm-email", { token });
const signIn = (email: string, password: string) =>
  world.t.request("/api/auth/signin", { ...jsonRequest("POST", { email, password }), address: freshAddress() });
const me = async (token: string) =>
  (await (await world.t.request("/api/auth/me", { headers: bearer(token) })).json()).user;

describe("changing the email", () => {
  it("emails a link to the new address and a notice to the old; the address changes only once the link is used", async () => {
    const { t, inbox } = world;
    const user = await signUp(t, { name: "Ada" });
    const newEmail = uniqueEmail("new");
    const res = await changeEmail(user, newEmail.toUpperCase());
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "accepted", detail: expect.any(String) });

    const [confirmation] = await inbox.waitFor(newEmail);
    expect(confirmation?.subject).toBe("Confirm your new email address for Taskvault");
    expect(confirmation?.text).toContain("Hello,");
    expect(confirmation?.text).not.toContain("Ada");
    const notices = await inbox.waitFor(user.email, 2);
    const notice = notices.find((e) => e.subject === "Your Taskvault email address is about to change");
    expect(notice?.text).toContain(newEmail);
    expect(notice?.text).toContain("Hello Ada,");
    expect(notice?.text).not.toMatch(/token=/);

    // Until confirmed, nothing changes: the old address still signs in, the new one does not.
    expect((await me(user.token)).email).toBe(user.email);
    expect((await signIn(user.email, user.password)).status).toBe(200);
    expect((await signIn(newEmail, user.password)).status).toBe(401);

    const confirmed = await confirm(await emailedToken(inbox, newEmail, "confirm-email"));
    expect(confirmed.status).toBe(200);
    expect((await confirmed.json()).user).toMatchObject({ id: user.id, email: newEmail, emailVerified: true });
    expect(await me(user.token)).toMatchObject({ email: newEmail, emailVerified: true });
    expect((await signIn(newEmail, user.password)).status).toBe(200);
    expect((await signIn(user.email, user.password)).status).toBe(401);
  });

  it("refuses a wrong password with 403 wrong_password and sends nothing", async () => {
    const { t } = world;
    const user = await signUp(t);
    const newEmail = uniqueEmail("new");
    const problem = await expectProblem(await changeEmail(user, newEmail, "not my password"), 403, "wrong_password");
    expect(problem.errors).toEqual([{ path: "password", message: expect.any(String) }]);
    expect(await queuedFor(t, newEmail)).toEqual([]);
    expect(await queuedFor(t, user.email, "email-change-notice")).toEqual([]);
  });

  it("refuses an address another account has with 409 email_taken, and the account's own with 400", async () => {
    const { t } = world;
    const [user, other] = [await signUp(t), await signUp(t)];
    const taken = await expectProblem(await changeEmail(user, other.email), 409, "email_taken");
    expect(taken.errors).toEqual([{ path: "newEmail", message: expect.any(String) }]);
    const same = await expectProblem(await changeEmail(user, user.email), 400, "validation_failed");
    expect(same.errors).toEqual([{ path: "newEmail", message: "is already your email" }]);
    await expectProblem(await changeEmail(user, "not-an-email"), 400, "validation_failed");
  });

  it("refuses at once the token of a session ended on another process, before that process's poll", async () => {
    const { t } = world;
    const user = await signUp(t);
    // Deleted as another process would, without this one's revocation list knowing yet.
    await t.database.handle.db.delete(sessions).where(eq(sessions.userId, user.id));
    const newEmail = uniqueEmail("late");
    await expectProblem(await changeEmail(user, newEmail), 401, "unauthorized");
    const resend = await t.request("/api/auth/verify-email/resend", { method: "POST", headers: bearer(user.token) });
    await expectProblem(resend, 401, "unauthorized");
    expect(await queuedFor(t, newEmail)).toEqual([]);
  });

  it("needs an access token", async () => {
    const res = await post(world.t, "/api/auth/change-email", { newEmail: uniqueEmail(), password: "whatever it is" });
    await expectProblem(res, 401, "unauthorized");
  });

  it("counts wrong passwords like failed sign-ins: a burst gets at most the account's limit of 403s, then 429", async () => {
    const { t } = world;
    const strict = await createTestApp({ database: t.database, config: { rateLimits: defaultRateLimits } });
    try {
      const user = await signUp(t);
      const answers = await Promise.all(
        Array.from({ length: 14 }, () => changeEmail(user, uniqueEmail("new"), "a wrong password", strict)),
      );
      const limit = defaultRateLimits.signinFailuresPerAccount;
      expect(answers.filter((r) => r.status === 403)).toHaveLength(limit);
      expect(answers.filter((r) => r.status === 429)).toHaveLength(14 - limit);
      // The account's sign-in counter is the one these used up.
      const signin = await strict.request("/api/auth/signin", {
        ...jsonRequest("POST", { email: user.email, password: user.password }),
        address: freshAddress(),
      });
      await expectProblem(signin, 429, "rate_limited");
    } finally {
      await strict.close();
    }
  });
});

describe("how often", () => {
  it("lets a burst of correct requests queue 5 changes an hour, then 429 with Retry-After", async () => {
    const { t } = world;
    const user = await signUp(t);
    const answers = await Promise.all(Array.from({ length: 7 }, () => changeEmail(user, uniqueEmail("many"))));
    expect(answers.filter((r) => r.status === 202)).toHaveLength(5);
    const refused = answers.filter((r) => r.status === 429);
    expect(refused).toHaveLength(2);
    for (const r of refused) expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await queuedFor(t, user.email, "email-change-notice")).toHaveLength(5);
  });
});

describe("confirming the new email", () => {
  it("works once", async () => {
    const { t, inbox } = world;
    const user = await signUp(t);
    const newEmail = uniqueEmail("new");
    await changeEmail(user, newEmail);
    const token = await emailedToken(inbox, newEmail, "confirm-email");
    expect((await confirm(token)).status).toBe(200);
    await expectProblem(await confirm(token), 400, "token_invalid");
    await expectProblem(await confirm("A".repeat(43)), 400, "token_invalid");
  });

  it("answers 409 email_taken when another account took the address meanwhile, and the email stays as it was", async () => {
    const { t, inbox } = world;
    const user = await signUp(t);
    const newEmail = uniqueEmail("new");
    await changeEmail(user, newEmail);
    const token = await emailedToken(inbox, newEmail, "confirm-email");
    await signUp(t, { email: newEmail });
    const problem = await expectProblem(await confirm(token), 409, "email_taken");
    expect(problem.errors?.[0]?.path).toBe("token");
    expect((await me(user.token)).email).toBe(user.email);
  });

  it("lets one of two accounts racing for one address have it, the other gets 409", async () => {
    const { t, inbox } = world;
    const [a, b] = [await signUp(t), await signUp(t)];
    const wanted = uniqueEmail("wanted");
    await changeEmail(a, wanted);
    await changeEmail(b, wanted);
    const tokens = [
      await emailedToken(inbox, wanted, "confirm-email", 1),
      await emailedToken(inbox, wanted, "confirm-email", 2),
    ];
    const answers = await Promise.all(tokens.map((token) => confirm(token)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const emails = [(await me(a.token)).email, (await me(b.token)).email];
    expect(emails.filter((e) => e === wanted)).toHaveLength(1);
  });

  it("keeps only the newest request's link", async () => {
    const { t, inbox } = world;
    const user = await signUp(t);
    const [first, second] = [uniqueEmail("first"), uniqueEmail("second")];
    await changeEmail(user, first);
    const firstToken = await emailedToken(inbox, first, "confirm-email");
    await changeEmail(user, second);
    await expectProblem(await confirm(firstToken), 400, "token_invalid");
    expect((await confirm(await emailedToken(inbox, second, "confirm-email"))).status).toBe(200);
  });

  it("is cancelled by a password reset, and after a change the old address's links are dead", async () => {
    const { t, inbox } = world;
    const user = await signUp(t);
    const verifyOld = await emailedToken(inbox, user.email, "verify-email");

    // A pending change dies with the password (an intruder who had it cannot finish later).
    const intruders = uniqueEmail("intruder");
    await changeEmail(user, intruders);
    const intruderToken = await emailedToken(inbox, intruders, "confirm-email");
    await post(t, "/api/auth/forgot-password", { email: user.email }, { address: freshAddress() });
    const resetToken = await emailedToken(inbox, user.email, "reset-password", 3);
    await post(t, "/api/auth/forgot-password", { email: user.email }, { address: freshAddress() });
    const laterReset = await emailedToken(inbox, user.email, "reset-password", 4);
    expect(
      (await post(t, "/api/auth/reset-password", { token: resetToken, newPassword: "my new long passphrase" })).status,
    ).toBe(204);
    await expectProblem(await confirm(intruderToken), 400, "token_invalid");
    // The other reset link died with this reset too.
    await expectProblem(
      await post(t, "/api/auth/reset-password", { token: laterReset, newPassword: "yet another passphrase" }),
      400,
      "token_invalid",
    );

    // The owner changes the address: the old address's verification link no longer verifies.
    const signedIn = await (await signIn(user.email, "my new long passphrase")).json();
    const newEmail = uniqueEmail("mine");
    const owner = { ...user, token: signedIn.token, password: "my new long passphrase" };
    expect((await changeEmail(owner, newEmail)).status).toBe(202);
    expect((await confirm(await emailedToken(inbox, newEmail, "confirm-email"))).status).toBe(200);
    await expectProblem(await post(t, "/api/auth/verify-email", { token: verifyOld }), 400, "token_invalid");
  });
});
