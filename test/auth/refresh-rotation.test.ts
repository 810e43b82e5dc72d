import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashRefreshToken } from "../../src/server/auth/refresh-tokens.js";
import { sessions } from "../../src/server/db/schema/index.js";
import { bearer, jsonRequest, type SignedInUser, signUp } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectProblem, sessionCookie } from "./http-expectations.js";

// RFC 9700 section 4.14: every refresh retires the token presented. A retired token is still
// answered for REFRESH_REUSE_GRACE seconds (two tabs, a retried request), and revokes the whole
// session when it comes back later.
let t: TestApp;
let strict: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  strict = await createTestApp({ database: t.database, env: { REFRESH_REUSE_GRACE: "0" } });
});
afterAll(async () => {
  await strict.close();
  await t.close();
});

const refresh = (app: TestApp, refreshToken: string) =>
  app.request("/api/auth/refresh", jsonRequest("POST", { refreshToken }));
const me = (app: TestApp, token: string) => app.request("/api/auth/me", { headers: bearer(token) });

async function refreshed(app: TestApp, refreshToken: string): Promise<{ token: string; refreshToken: string }> {
  const res = await refresh(app, refreshToken);
  expect(res.status).toBe(200);
  return res.json();
}

describe("a refresh", () => {
  it("answers a new refresh token each time, and the chain keeps working", async () => {
    const user = await signUp(t);
    const seen = new Set([user.refreshToken]);
    let current = user.refreshToken;
    for (let i = 0; i < 4; i++) {
      const next = await refreshed(t, current);
      expect(seen.has(next.refreshToken)).toBe(false);
      seen.add(next.refreshToken);
      expect((await me(t, next.token)).status).toBe(200);
      current = next.refreshToken;
    }
  });

  it("stores only a hash of the refresh token: the database holds neither the old nor the new one", async () => {
    const user = await signUp(t);
    const next = await refreshed(t, user.refreshToken);
    const rows = await t.database.handle.db.select({ token: sessions.token }).from(sessions);
    const stored = rows.map((r) => r.token);
    expect(stored).not.toContain(user.refreshToken);
    expect(stored).not.toContain(next.refreshToken);
    expect(stored).toContain(hashRefreshToken(next.refreshToken));
  });
});

describe("a retired refresh token presented again within the grace", () => {
  it("answers 200 with the token that replaced it, and the session lives on", async () => {
    const user = await signUp(t);
    const first = await refreshed(t, user.refreshToken);
    const again = await refreshed(t, user.refreshToken);
    expect(again.refreshToken).toBe(first.refreshToken);
    expect((await me(t, again.token)).status).toBe(200);
    expect((await me(t, user.token)).status).toBe(200);
    expect((await refresh(t, first.refreshToken)).status).toBe(200);
  });

  it("answers a burst of refreshes with one token (two tabs, retries) with one and the same new token", async () => {
    const user = await signUp(t);
    const burst = await Promise.all(Array.from({ length: 10 }, () => refresh(t, user.refreshToken)));
    expect(burst.map((r) => r.status)).toEqual(Array(10).fill(200));
    const bodies = await Promise.all(burst.map((r) => r.json()));
    expect(new Set(bodies.map((b) => b.refreshToken)).size).toBe(1);
    // The one winner's token is the session's current token.
    expect((await refresh(t, bodies[0].refreshToken)).status).toBe(200);
  });

  it("by cookie, from two tabs at once: both stay signed in and the browser keeps the current cookie", async () => {
    const user = await signUp(t);
    const tab = () =>
      t.request("/api/auth/refresh", {
        method: "POST",
        headers: { cookie: user.cookie, "x-refresh-token": "cookie" },
      });
    const [one, two] = await Promise.all([tab(), tab()]);
    expect([one.status, two.status]).toEqual([200, 200]);
    const cookies = [sessionCookie(one).value, sessionCookie(two).value];
    expect(cookies[0]).toBe(cookies[1]);
    const later = await t.request("/api/auth/refresh", {
      method: "POST",
      headers: { cookie: `taskvault_session=${cookies[0]}` },
    });
    expect(later.status).toBe(200);
  });

  it("is answered even a few rotations behind, with the current token", async () => {
    const user = await signUp(t);
    const first = await refreshed(t, user.refreshToken);
    const second = await refreshed(t, first.refreshToken);
    const behind = await refreshed(t, user.refreshToken);
    expect(behind.refreshToken).toBe(second.refreshToken);
  });
});

describe("a retired refresh token presented after the grace", () => {
  it("answers 401 and revokes the whole session: its refresh token and every access token, at once", async () => {
    const user = await signUp(strict);
    const current = await refreshed(strict, user.refreshToken);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await expectProblem(await refresh(strict, user.refreshToken), 401, "unauthorized");
    await expectProblem(await refresh(strict, current.refreshToken), 401, "unauthorized");
    expect((await me(strict, current.token)).status).toBe(401);
    expect((await me(strict, user.token)).status).toBe(401);
    // The other app instance on the same database refuses them as well (its next poll).
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await me(t, current.token)).status).toBe(401);
  });

  it("leaves the user's other sessions alone", async () => {
    const user = await signUp(strict);
    const other = await strict.request(
      "/api/auth/signin",
      jsonRequest("POST", { email: user.email, password: user.password }),
    );
    const otherBody = await other.json();
    await refreshed(strict, user.refreshToken);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await refresh(strict, user.refreshToken)).status).toBe(401);
    expect((await me(strict, otherBody.token)).status).toBe(200);
    expect((await refresh(strict, otherBody.refreshToken)).status).toBe(200);
  });
});

describe("signing out with a cookie a rotation behind", () => {
  it("ends the session the retired token belonged to", async () => {
    const user = await signUp(t);
    const current = await refreshed(t, user.refreshToken);
    const res = await t.request("/api/auth/signout", { method: "POST", headers: { cookie: user.cookie } });
    expect(res.status).toBe(204);
    expect((await me(t, current.token)).status).toBe(401);
    await expectProblem(await refresh(t, current.refreshToken), 401, "unauthorized");
  });
});

describe("a refresh token that was never issued", () => {
  it("answers 401 and touches no session", async () => {
    const user: SignedInUser = await signUp(t);
    const before = await t.database.handle.db.select().from(sessions).where(eq(sessions.userId, user.id));
    await expectProblem(await refresh(t, `${user.refreshToken}x`), 401, "unauthorized");
    const after = await t.database.handle.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(after).toEqual(before);
  });
});
