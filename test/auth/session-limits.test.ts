import { count, eq } from "drizzle-orm";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions } from "../../src/server/db/schema/index.js";
import { bearer, jsonRequest, type SignedInUser, signUp } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectProblem } from "./http-expectations.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { MAX_SESSIONS_PER_USER: "3", SESSION_MAX_AGE: "120" } });
});
afterAll(() => t.close());

const me = (app: TestApp, token: string) => app.request("/api/auth/me", { headers: bearer(token) });
const refresh = (app: TestApp, refreshToken: string) =>
  app.request("/api/auth/refresh", jsonRequest("POST", { refreshToken }));

async function signIn(app: TestApp, user: SignedInUser): Promise<{ token: string; refreshToken: string }> {
  const res = await app.request(
    "/api/auth/signin",
    jsonRequest("POST", { email: user.email, password: user.password }),
  );
  expect(res.status).toBe(200);
  return res.json();
}

async function liveSessions(userId: string): Promise<number> {
  const [row] = await t.database.handle.db.select({ n: count() }).from(sessions).where(eq(sessions.userId, userId));
  return row?.n ?? 0;
}

describe("MAX_SESSIONS_PER_USER", () => {
  it("ends the least recently used session when a new sign-in goes beyond it, and revokes its tokens at once", async () => {
    const user = await signUp(t);
    const second = await signIn(t, user);
    const third = await signIn(t, user);
    // Using the first session makes the second the least recently used.
    const first = await (await refresh(t, user.refreshToken)).json();
    const fourth = await signIn(t, user);
    expect(await liveSessions(user.id)).toBe(3);
    expect((await me(t, second.token)).status).toBe(401);
    await expectProblem(await refresh(t, second.refreshToken), 401, "unauthorized");
    for (const alive of [first, third, fourth]) expect((await me(t, alive.token)).status).toBe(200);
  });

  it("holds under a burst of sign-ins: exactly the limit stays, and the ended ones cannot refresh", async () => {
    const user = await signUp(t);
    const burst = await Promise.all(Array.from({ length: 12 }, () => signIn(t, user)));
    expect(await liveSessions(user.id)).toBe(3);
    const refreshes = await Promise.all(burst.map((s) => refresh(t, s.refreshToken)));
    expect(refreshes.filter((r) => r.status === 200)).toHaveLength(3);
    expect((await me(t, user.token)).status).toBe(401);
  });
});

describe("MAX_SESSIONS_PER_USER of one", () => {
  it("answers every one of a burst of sign-ins with a session, and exactly one stays alive", async () => {
    const single = await createTestApp({ database: t.database, env: { MAX_SESSIONS_PER_USER: "1" } });
    try {
      const user = await signUp(single);
      // Each sign-in ends the others' sessions, even ones created a moment ago and not yet handed
      // out: the sign-in whose session went that way opens another rather than failing.
      const burst = await Promise.all(Array.from({ length: 20 }, () => signIn(single, user)));
      expect(await liveSessions(user.id)).toBe(1);
      const refreshes = await Promise.all(burst.map((s) => refresh(single, s.refreshToken)));
      expect(refreshes.filter((r) => r.status === 200)).toHaveLength(1);
    } finally {
      await single.close();
    }
  });
});

describe("SESSION_MAX_AGE", () => {
  it("caps every access token at the session's absolute end", async () => {
    const user = await signUp(t);
    const { exp, iat } = decodeJwt(user.token);
    expect(Number(exp) - Number(iat)).toBeLessThanOrEqual(120);
  });

  it("ends the session that long after sign-in, however often it is refreshed", async () => {
    const short = await createTestApp({ database: t.database, env: { SESSION_MAX_AGE: "2", SESSION_TTL: "60" } });
    try {
      const user = await signUp(short);
      let current = user.refreshToken;
      const deadline = Date.now() + 2_500;
      let last = 200;
      while (Date.now() < deadline) {
        const res = await refresh(short, current);
        last = res.status;
        if (res.status !== 200) break;
        current = (await res.json()).refreshToken;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(last).toBe(401);
      await expectProblem(await refresh(short, current), 401, "unauthorized");
    } finally {
      await short.close();
    }
  });
});
