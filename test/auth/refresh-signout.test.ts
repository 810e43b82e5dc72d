import { eq } from "drizzle-orm";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashRefreshToken } from "../../src/server/auth/refresh-tokens.js";
import { sessions } from "../../src/server/db/schema/index.js";
import { bearer, jsonRequest, type SignedInUser, signUp } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectProblem, sessionCookie } from "./http-expectations.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const refreshWithBody = (refreshToken: string, headers: Record<string, string> = {}) =>
  t.request("/api/auth/refresh", jsonRequest("POST", { refreshToken }, headers));

const refreshWithCookie = (cookie: string, headers: Record<string, string> = {}) =>
  t.request("/api/auth/refresh", { method: "POST", headers: { cookie, ...headers } });

const signout = (headers: Record<string, string>) => t.request("/api/auth/signout", { method: "POST", headers });

const me = (token: string) => t.request("/api/auth/me", { headers: bearer(token) });

async function signInAgain(user: SignedInUser) {
  const res = await t.request("/api/auth/signin", jsonRequest("POST", { email: user.email, password: user.password }));
  expect(res.status).toBe(200);
  return (await res.json()) as { token: string; refreshToken: string };
}

/** Reads the session's expiry straight from the database (the API does not expose it). */
async function sessionExpiry(refreshToken: string): Promise<number> {
  const [row] = await t.database.handle.db
    .select({ expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(eq(sessions.token, hashRefreshToken(refreshToken)));
  if (!row) throw new Error("no such session");
  return row.expiresAt.getTime();
}

// The cookie each user's session holds now, as the browser would keep it across rotations.
const latestCookie = new Map<string, string>();
async function currentCookieValue(user: SignedInUser): Promise<string> {
  return latestCookie.get(user.id) ?? (user.cookie.split("=")[1] as string);
}

describe("refreshing", () => {
  it("with the refresh token in the body returns a new access token and a new refresh token for the same session", async () => {
    const user = await signUp(t);
    const res = await refreshWithBody(user.refreshToken);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json();
    expect(body).toEqual({
      token: expect.any(String),
      tokenType: "Bearer",
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      refreshToken: expect.any(String),
    });
    expect(body.refreshToken).not.toBe(user.refreshToken);
    expect(body.refreshToken.length).toBeGreaterThanOrEqual(32);
    expect(decodeJwt(body.token)).toMatchObject({ sub: user.id, sid: decodeJwt(user.token).sid });
    expect(sessionCookie(res).value).toBe(body.refreshToken);

    const meRes = await me(body.token);
    expect(meRes.status).toBe(200);
    expect((await meRes.json()).user.id).toBe(user.id);
  });

  it("with only the session cookie and an empty body works too, and rotates the cookie", async () => {
    const user = await signUp(t);
    const res = await refreshWithCookie(user.cookie);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect((await me(body.token)).status).toBe(200);
    const rotated = sessionCookie(res).value;
    expect(rotated).not.toBe(user.refreshToken);
    expect((await refreshWithCookie(`taskvault_session=${rotated}`)).status).toBe(200);
  });

  it("by cookie never returns the refresh token in the body, whatever the headers say", async () => {
    const user = await signUp(t);
    const variants: Record<string, string>[] = [{}, { "x-refresh-token": "body" }, { "x-refresh-token": "" }];
    for (const headers of variants) {
      const cookie = `taskvault_session=${await currentCookieValue(user)}`;
      const res = await refreshWithCookie(cookie, headers);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).not.toHaveProperty("refreshToken");
      expect(JSON.stringify(body)).not.toContain(sessionCookie(res).value);
      latestCookie.set(user.id, sessionCookie(res).value);
    }
  });

  it("with the cookie and an empty JSON content type works too", async () => {
    const user = await signUp(t);
    const res = await refreshWithCookie(user.cookie, { "content-type": "application/json", "content-length": "0" });
    expect(res.status).toBe(200);
  });

  it("leaves the refresh token out of the body with X-Refresh-Token: cookie", async () => {
    const user = await signUp(t);
    const res = await refreshWithCookie(user.cookie, { "x-refresh-token": "cookie" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).not.toHaveProperty("refreshToken");
    expect(body.tokenType).toBe("Bearer");
    expect(sessionCookie(res).value).not.toBe(user.refreshToken);
  });

  it("slides the session's expiry forward and keeps the session usable", async () => {
    const user = await signUp(t);
    const before = await sessionExpiry(user.refreshToken);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const first = await refreshWithBody(user.refreshToken);
    expect(first.status).toBe(200);
    const rotated = (await first.json()).refreshToken;
    const after = await sessionExpiry(rotated);
    expect(after).toBeGreaterThan(before);
    expect(after - Date.now()).toBeGreaterThan((t.config.sessionTtl - 60) * 1000);

    const second = await refreshWithBody(rotated);
    expect(second.status).toBe(200);
    expect((await me((await second.json()).token)).status).toBe(200);
  });

  it("answers 401 once the session has expired (SESSION_TTL)", async () => {
    const shortSessions = await createTestApp({ database: t.database, env: { SESSION_TTL: "1" } });
    try {
      const user = await signUp(shortSessions);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const res = await shortSessions.request(
        "/api/auth/refresh",
        jsonRequest("POST", { refreshToken: user.refreshToken }),
      );
      await expectProblem(res, 401, "unauthorized");
    } finally {
      await shortSessions.close();
    }
  });

  it("answers 401 unauthorized for a refresh token that was never issued", async () => {
    const res = await refreshWithBody("garbage-refresh-token-that-matches-no-session");
    await expectProblem(res, 401, "unauthorized");
  });

  it("answers 401 and clears the cookie for a cookie that matches no session", async () => {
    const res = await refreshWithCookie("taskvault_session=not-a-real-session");
    await expectProblem(res, 401, "unauthorized");
    const cleared = sessionCookie(res);
    expect(cleared.value).toBe("");
    expect(cleared.attributes["max-age"]).toBe("0");
  });

  it("answers 401 with neither a body nor a cookie", async () => {
    await expectProblem(await t.request("/api/auth/refresh", { method: "POST" }), 401, "unauthorized");
  });

  it("rejects unknown fields with 400 validation_failed", async () => {
    const user = await signUp(t);
    const res = await t.request(
      "/api/auth/refresh",
      jsonRequest("POST", { refreshToken: user.refreshToken, sessionId: "x" }),
    );
    const problem = await expectProblem(res, 400, "validation_failed");
    expect(problem.errors?.map((e) => e.path)).toEqual(["sessionId"]);
  });

  it("rejects a refresh token that is not a non-empty string", async () => {
    for (const refreshToken of ["", 12345, null]) {
      const res = await t.request("/api/auth/refresh", jsonRequest("POST", { refreshToken }));
      const problem = await expectProblem(res, 400, "validation_failed");
      expect(problem.errors?.map((e) => e.path)).toEqual(["refreshToken"]);
    }
  });

  it("answers 401 once the session was signed out, by body and by cookie", async () => {
    const user = await signUp(t);
    expect((await signout(bearer(user.token))).status).toBe(204);
    await expectProblem(await refreshWithBody(user.refreshToken), 401, "unauthorized");
    await expectProblem(await refreshWithCookie(user.cookie), 401, "unauthorized");
  });
});

describe("signing out with the access token", () => {
  it("answers 204, clears the cookie, and revokes that access token at once", async () => {
    const user = await signUp(t);
    const res = await signout(bearer(user.token));
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    const cleared = sessionCookie(res);
    expect(cleared.value).toBe("");
    expect(cleared.attributes).toMatchObject({ "max-age": "0", path: "/api/auth" });

    const meRes = await me(user.token);
    await expectProblem(meRes, 401, "unauthorized");
    expect(meRes.headers.get("www-authenticate")).toBe('Bearer realm="taskvault", error="invalid_token"');
  });

  it("answers 401 when called again with the same token", async () => {
    const user = await signUp(t);
    expect((await signout(bearer(user.token))).status).toBe(204);
    const again = await signout(bearer(user.token));
    await expectProblem(again, 401, "unauthorized");
    expect(again.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("revokes access tokens refreshed earlier in the same session as well", async () => {
    const user = await signUp(t);
    const refreshed = (await (await refreshWithBody(user.refreshToken)).json()).token as string;
    expect((await me(refreshed)).status).toBe(200);
    expect((await signout(bearer(user.token))).status).toBe(204);
    await expectProblem(await me(refreshed), 401, "unauthorized");
  });

  it("leaves the user's other sessions signed in", async () => {
    const user = await signUp(t);
    const other = await signInAgain(user);
    expect((await signout(bearer(user.token))).status).toBe(204);

    expect((await me(other.token)).status).toBe(200);
    const refreshed = await refreshWithBody(other.refreshToken);
    expect(refreshed.status).toBe(200);
    expect((await me((await refreshed.json()).token)).status).toBe(200);
  });

  it("needs a valid token: 401 without one, and with a malformed one", async () => {
    const none = await signout({});
    await expectProblem(none, 401, "unauthorized");
    const malformed = await signout({ authorization: "Bearer not-a-jwt" });
    await expectProblem(malformed, 401, "unauthorized");
    expect(malformed.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });
});

describe("signing out with the session cookie (the browser)", () => {
  it("answers 204, deletes the session and revokes its access tokens", async () => {
    const user = await signUp(t);
    const res = await signout({ cookie: user.cookie });
    expect(res.status).toBe(204);
    expect(sessionCookie(res).attributes["max-age"]).toBe("0");

    await expectProblem(await me(user.token), 401, "unauthorized");
    await expectProblem(await refreshWithBody(user.refreshToken), 401, "unauthorized");
    await expectProblem(await signout({ cookie: user.cookie }), 401, "unauthorized");
  });

  it("ends both sessions when the access token and the cookie belong to different ones", async () => {
    const user = await signUp(t);
    const other = await signInAgain(user);
    const third = await signInAgain(user);
    const res = await signout({ ...bearer(other.token), cookie: user.cookie });
    expect(res.status).toBe(204);
    expect((await me(user.token)).status).toBe(401);
    expect((await me(other.token)).status).toBe(401);
    await expectProblem(await refreshWithBody(user.refreshToken), 401, "unauthorized");
    await expectProblem(await refreshWithBody(other.refreshToken), 401, "unauthorized");
    // A session named by neither stays signed in.
    expect((await me(third.token)).status).toBe(200);
  });

  it("still ends the bearer's session when the cookie names no live session", async () => {
    const user = await signUp(t);
    const res = await signout({ ...bearer(user.token), cookie: "taskvault_session=not-a-session" });
    expect(res.status).toBe(204);
    expect((await me(user.token)).status).toBe(401);
  });
});

describe("GET /api/auth/me", () => {
  it("answers 401 without a token, with a Bearer challenge that has no error attribute", async () => {
    const res = await t.request("/api/auth/me");
    await expectProblem(res, 401, "unauthorized");
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="taskvault"');
  });

  it('answers 401 with error="invalid_token" for a bad token', async () => {
    for (const authorization of ["Bearer abc.def.ghi", "Bearer a.b", "Bearer a.b.c.d", "Token abc"]) {
      const res = await t.request("/api/auth/me", { headers: { authorization } });
      await expectProblem(res, 401, "unauthorized");
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="taskvault", error="invalid_token"');
    }
  });

  it("answers with the caller's user and no-store", async () => {
    const user = await signUp(t, { name: "Me Myself" });
    const res = await me(user.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      user: {
        id: user.id,
        email: user.email,
        name: "Me Myself",
        emailVerified: false,
        createdAt: expect.any(String),
        timeZone: "UTC",
      },
    });
  });
});
