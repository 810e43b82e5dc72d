import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashRefreshToken } from "../../src/server/auth/refresh-tokens.js";
import { sessions } from "../../src/server/db/schema/index.js";
import { bearer, jsonRequest, STRONG_PASSWORD, signUp, uniqueEmail } from "../helpers/auth-client.js";
import { expectProblem } from "../helpers/problem-expectations.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { FIREFOX_MAC, me, refresh, SAFARI_IPHONE, type Session, sessionIdOf, signIn } from "./account-helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

interface Listed {
  id: string;
  current: boolean;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  userAgent: string | null;
  ipAddress: string | null;
}

async function listSessions(token: string): Promise<Listed[]> {
  const res = await t.request("/api/auth/sessions", { headers: bearer(token) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { sessions: Listed[] }).sessions;
}

const endSession = (token: string, id: string) =>
  t.request(`/api/auth/sessions/${encodeURIComponent(id)}`, { method: "DELETE", headers: bearer(token) });

const endOthers = (token: string) => t.request("/api/auth/sessions", { method: "DELETE", headers: bearer(token) });

/** A user signed in on a Mac (over IPv4) and on an iPhone (over IPv6). */
async function userOnTwoDevices() {
  const user = { email: uniqueEmail("devices"), password: STRONG_PASSWORD };
  const res = await t.request("/api/auth/signup", {
    ...jsonRequest("POST", user, { "user-agent": FIREFOX_MAC }),
    address: "198.51.100.23",
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { token: string; refreshToken: string; user: { id: string } };
  const mac: Session = { token: body.token, refreshToken: body.refreshToken, id: sessionIdOf(body.token) };
  const phone = await signIn(t, user, { userAgent: SAFARI_IPHONE, address: "2001:db8:aaaa:bbbb:1:2:3:4" });
  return { ...user, id: body.user.id, mac, phone };
}

describe("GET /api/auth/sessions", () => {
  it("lists each live session with a readable device, a masked address and its times, the caller's first", async () => {
    const user = await userOnTwoDevices();
    const res = await t.request("/api/auth/sessions", { headers: bearer(user.phone.token) });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const { sessions: listed } = (await res.json()) as { sessions: Listed[] };
    expect(listed).toEqual([
      {
        id: user.phone.id,
        current: true,
        createdAt: expect.stringMatching(ISO),
        lastUsedAt: expect.stringMatching(ISO),
        expiresAt: expect.stringMatching(ISO),
        userAgent: "Mobile Safari 17 on iOS",
        ipAddress: "2001:db8:aaaa:bbbb::/64",
      },
      {
        id: user.mac.id,
        current: false,
        createdAt: expect.stringMatching(ISO),
        lastUsedAt: expect.stringMatching(ISO),
        expiresAt: expect.stringMatching(ISO),
        userAgent: "Firefox 132 on macOS",
        ipAddress: "198.51.100.x",
      },
    ]);
    for (const session of listed) {
      expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now());
      expect(Date.parse(session.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(session.createdAt));
    }
    // The current session is first whoever asks.
    expect((await listSessions(user.mac.token)).map((s) => [s.id, s.current])).toEqual([
      [user.mac.id, true],
      [user.phone.id, false],
    ]);
  });

  it("never shows a refresh token, its hash, the full address or the raw User-Agent", async () => {
    const user = await userOnTwoDevices();
    const text = await (await t.request("/api/auth/sessions", { headers: bearer(user.mac.token) })).text();
    for (const secret of [user.mac.refreshToken, user.phone.refreshToken]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(hashRefreshToken(secret));
    }
    expect(text).not.toContain("198.51.100.23");
    expect(text).not.toContain("1:2:3:4");
    expect(text).not.toContain("Gecko");
  });

  it("shows null for a device it cannot recognise or never saw, and for no recorded address", async () => {
    const user = await signUp(t);
    await signIn(t, user, { userAgent: "curl/8.5.0" });
    const listed = await listSessions(user.token);
    expect(listed.map((s) => s.userAgent)).toEqual([null, null]);
    await t.database.handle.db
      .update(sessions)
      .set({ ipAddress: null })
      .where(eq(sessions.id, sessionIdOf(user.token)));
    expect((await listSessions(user.token))[0]?.ipAddress).toBeNull();
  });

  it("moves lastUsedAt forward when a session refreshes", async () => {
    const user = await userOnTwoDevices();
    const before = (await listSessions(user.mac.token)).find((s) => s.id === user.phone.id) as Listed;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await refresh(t, user.phone.refreshToken)).status).toBe(200);
    const after = (await listSessions(user.mac.token)).find((s) => s.id === user.phone.id) as Listed;
    expect(Date.parse(after.lastUsedAt)).toBeGreaterThan(Date.parse(before.lastUsedAt));
    expect(after.createdAt).toBe(before.createdAt);
  });

  it("leaves out sessions that have expired", async () => {
    const user = await userOnTwoDevices();
    await t.database.handle.db
      .update(sessions)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(sessions.id, user.phone.id));
    expect((await listSessions(user.mac.token)).map((s) => s.id)).toEqual([user.mac.id]);
  });

  it("lists only the caller's own sessions", async () => {
    const [alice, bob] = await Promise.all([userOnTwoDevices(), userOnTwoDevices()]);
    const ids = (await listSessions(alice.mac.token)).map((s) => s.id).sort();
    expect(ids).toEqual([alice.mac.id, alice.phone.id].sort());
    expect(ids).not.toContain(bob.mac.id);
  });
});

describe("DELETE /api/auth/sessions/{id}", () => {
  it("ends that session at once: its access and refresh tokens are refused, the caller's still work", async () => {
    const user = await userOnTwoDevices();
    const res = await endSession(user.mac.token, user.phone.id);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    await expectProblem(await me(t, user.phone.token), 401, "unauthorized");
    await expectProblem(await refresh(t, user.phone.refreshToken), 401, "unauthorized");
    expect((await me(t, user.mac.token)).status).toBe(200);
    expect((await listSessions(user.mac.token)).map((s) => s.id)).toEqual([user.mac.id]);
  });

  it("answers 404 to another user's session id, an unknown and a malformed one, alike, ending nothing", async () => {
    const [alice, bob] = await Promise.all([userOnTwoDevices(), userOnTwoDevices()]);
    const answers: unknown[] = [];
    for (const id of [bob.phone.id, "unknown-session-id", "x".repeat(300), "../sessions", "%00", "\u0000", "😀"]) {
      const res = await endSession(alice.mac.token, id);
      const problem = await expectProblem(res, 404, "not_found");
      answers.push(problem);
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect((await me(t, bob.phone.token)).status).toBe(200);
    expect((await refresh(t, bob.phone.refreshToken)).status).toBe(200);
    expect((await listSessions(bob.mac.token)).map((s) => s.id).sort()).toEqual([bob.mac.id, bob.phone.id].sort());
  });

  it("ends the caller's own session when given its id, like a sign-out", async () => {
    const user = await userOnTwoDevices();
    expect((await endSession(user.mac.token, user.mac.id)).status).toBe(204);
    await expectProblem(await me(t, user.mac.token), 401, "unauthorized");
    expect((await me(t, user.phone.token)).status).toBe(200);
  });

  it("of one id sent 10 times at once: one 204, nine 404, no 5xx", async () => {
    const user = await userOnTwoDevices();
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => endSession(user.mac.token, user.phone.id).then((r) => r.status)),
    );
    expect(statuses.sort()).toEqual([204, ...Array(9).fill(404)]);
    await expectProblem(await me(t, user.phone.token), 401, "unauthorized");
  });
});

describe("DELETE /api/auth/sessions", () => {
  it("ends every session but the caller's, at once, and no other user's", async () => {
    const [user, bystander] = await Promise.all([userOnTwoDevices(), userOnTwoDevices()]);
    const third = await signIn(t, user);
    const res = await endOthers(user.mac.token);
    expect(res.status).toBe(204);
    for (const ended of [user.phone, third]) {
      await expectProblem(await me(t, ended.token), 401, "unauthorized");
      await expectProblem(await refresh(t, ended.refreshToken), 401, "unauthorized");
    }
    expect((await me(t, user.mac.token)).status).toBe(200);
    expect((await refresh(t, user.mac.refreshToken)).status).toBe(200);
    expect((await listSessions(user.mac.token)).map((s) => s.id)).toEqual([user.mac.id]);
    expect((await listSessions(bystander.mac.token)).length).toBe(2);
  });

  it("answers 204 when there is no other session, and 10 at once all answer 204", async () => {
    const user = await userOnTwoDevices();
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => endOthers(user.mac.token).then((r) => r.status)),
    );
    expect(statuses).toEqual(Array(10).fill(204));
    expect((await endOthers(user.mac.token)).status).toBe(204);
    expect((await me(t, user.mac.token)).status).toBe(200);
  });
});

describe("every session route", () => {
  it("refuses an access token whose session was deleted elsewhere, before its revocation was polled", async () => {
    const user = await userOnTwoDevices();
    // Deleted behind this process's back, as another process's sign-out would.
    await t.database.handle.db.delete(sessions).where(eq(sessions.id, user.phone.id));
    for (const res of [
      await t.request("/api/auth/sessions", { headers: bearer(user.phone.token) }),
      await endOthers(user.phone.token),
      await endSession(user.phone.token, user.mac.id),
    ]) {
      await expectProblem(res, 401, "unauthorized");
      expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
    }
    expect((await me(t, user.mac.token)).status).toBe(200);
  });

  it("answers 401 without a token", async () => {
    await expectProblem(await t.request("/api/auth/sessions"), 401, "unauthorized");
    await expectProblem(await t.request("/api/auth/sessions", { method: "DELETE" }), 401, "unauthorized");
    await expectProblem(await t.request("/api/auth/sessions/x", { method: "DELETE" }), 401, "unauthorized");
  });
});
