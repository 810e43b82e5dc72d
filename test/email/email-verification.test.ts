import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { hashAccountToken } from "../../src/server/account/account-tokens.repo.js";
import { accountTokens } from "../../src/server/db/schema/index.js";
import { bearer, signUp } from "../helpers/auth-client.js";
import { expectProblem } from "../helpers/problem-expectations.js";
import { emailedToken, emailWorldForFile, post, queuedFor } from "./email-flows.js";

const world = emailWorldForFile();

const verify = (token: string) => post(world.t, "/api/auth/verify-email", { token });
const resend = (token: string) =>
  world.t.request("/api/auth/verify-email/resend", { method: "POST", headers: bearer(token) });
const me = async (token: string) =>
  (await (await world.t.request("/api/auth/me", { headers: bearer(token) })).json()).user;

describe("email verification", () => {
  it("emails a link at sign-up; the token marks the email verified, once", async () => {
    const { t, inbox } = world;
    const user = await signUp(t);
    expect((await me(user.token)).emailVerified).toBe(false);
    const [email] = await inbox.waitFor(user.email);
    expect(email?.subject).toBe("Confirm your email address for Taskvault");
    const token = await emailedToken(inbox, user.email, "verify-email");

    const res = await verify(token);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json();
    expect(body.user).toMatchObject({ id: user.id, email: user.email, emailVerified: true });
    expect((await me(user.token)).emailVerified).toBe(true);
    await expectProblem(await verify(token), 400, "token_invalid");
  });

  it("answers sign-up while the mail server is down, and the email arrives once it is back", async () => {
    const { t, inbox } = world;
    await inbox.stop();
    let user: Awaited<ReturnType<typeof signUp>>;
    try {
      user = await signUp(t);
      expect(await queuedFor(t, user.email, "verify-email")).toHaveLength(1);
    } finally {
      await inbox.start();
    }
    expect(await emailedToken(inbox, user.email, "verify-email")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("refuses an expired link (24 hours) and an unknown one", async () => {
    const { t, inbox } = world;
    const user = await signUp(t);
    const token = await emailedToken(inbox, user.email, "verify-email");
    const [row] = await t.database.handle.db
      .select()
      .from(accountTokens)
      .where(eq(accountTokens.tokenHash, hashAccountToken(token)));
    expect((row?.expiresAt.getTime() ?? 0) - (row?.createdAt.getTime() ?? 0)).toBe(24 * 3_600_000);
    await t.database.handle.db
      .update(accountTokens)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(accountTokens.tokenHash, hashAccountToken(token)));
    await expectProblem(await verify(token), 400, "token_invalid");
    await expectProblem(await verify("not-a-token"), 400, "token_invalid");
    await expectProblem(await post(t, "/api/auth/verify-email", {}), 400, "validation_failed");
    expect((await me(user.token)).emailVerified).toBe(false);
  });

  it("does not take a reset token for a verification token", async () => {
    const { t, inbox } = world;
    const user = await signUp(t);
    await post(t, "/api/auth/forgot-password", { email: user.email });
    const resetToken = await emailedToken(inbox, user.email, "reset-password", 2);
    await expectProblem(await verify(resetToken), 400, "token_invalid");
  });
});

describe("sending the verification again", () => {
  it("queues a new link, which works, and every older one stops working once one is used", async () => {
    const { t, inbox } = world;
    const user = await signUp(t);
    const first = await emailedToken(inbox, user.email, "verify-email");
    const res = await resend(user.token);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "accepted", detail: expect.any(String) });
    const second = await emailedToken(inbox, user.email, "verify-email", 2);
    expect(second).not.toBe(first);
    expect((await verify(second)).status).toBe(200);
    await expectProblem(await verify(first), 400, "token_invalid");
  });

  it("answers 202 and sends nothing when the email is verified already", async () => {
    const { t, inbox } = world;
    const user = await signUp(t);
    expect((await verify(await emailedToken(inbox, user.email, "verify-email"))).status).toBe(200);
    expect((await resend(user.token)).status).toBe(202);
    expect(await queuedFor(t, user.email, "verify-email")).toHaveLength(1);
  });

  it("throttles a burst: 5 an hour per user, then 429 with Retry-After", async () => {
    const { t } = world;
    const user = await signUp(t);
    const answers = await Promise.all(Array.from({ length: 8 }, () => resend(user.token)));
    expect(answers.filter((r) => r.status === 202)).toHaveLength(5);
    const refused = answers.filter((r) => r.status === 429);
    expect(refused).toHaveLength(3);
    for (const r of refused) expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    // The sign-up's link and five more.
    expect(await queuedFor(t, user.email, "verify-email")).toHaveLength(6);
  });

  it("needs an access token", async () => {
    const res = await world.t.request("/api/auth/verify-email/resend", { method: "POST" });
    await expectProblem(res, 401, "unauthorized");
  });
});
