// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { authorizationOf, deferred, fakeFetch, json, problem, tokenBody, user } from "../test/fake-server.js";
import { createApiClient } from "./api-client.js";
import { ApiError, NetworkError } from "./api-error.js";
import type { AuthChannel, AuthMessage } from "./auth-channel.js";
import { createSession, type Session } from "./session.js";

const ok = z.object({ ok: z.boolean() });
const sessions: Session[] = [];

function setup(handler: Parameters<typeof fakeFetch>[0], options: { now?: () => number; channel?: AuthChannel } = {}) {
  const fetch = fakeFetch(handler);
  const session = createSession({ fetch, ...options });
  sessions.push(session);
  const api = createApiClient({ session, fetch });
  const calls = (path: string) => fetch.mock.calls.filter(([url]) => String(url) === path);
  return { fetch, session, api, calls };
}

afterEach(() => {
  for (const s of sessions.splice(0)) s.dispose();
  vi.useRealTimers();
});

describe("renewing the access token", () => {
  it("answers concurrent 401s with one refresh, then retries each request once with the new token", async () => {
    const refresh = deferred<Response>();
    const { session, api, calls } = setup((url, init) => {
      if (url === "/api/auth/refresh") return refresh.promise;
      return authorizationOf(init) === "Bearer old" ? problem(401, "unauthorized", "expired") : json(200, { ok: true });
    });
    session.signedIn({ user, ...tokenBody("old") });

    const results = Promise.all([1, 2, 3].map(() => api.request("/api/things", { schema: ok })));
    await vi.waitFor(() => expect(calls("/api/things")).toHaveLength(3));
    await vi.waitFor(() => expect(calls("/api/auth/refresh")).toHaveLength(1));
    refresh.resolve(json(200, tokenBody("new")));

    expect(await results).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(calls("/api/auth/refresh")).toHaveLength(1);
    const tokens = calls("/api/things").map(([, init]) => authorizationOf(init ?? {}));
    expect(tokens).toEqual(["Bearer old", "Bearer old", "Bearer old", "Bearer new", "Bearer new", "Bearer new"]);
  });

  it("refreshes through the HttpOnly cookie, asking the server to keep the refresh token out of the body", async () => {
    const { session, api, calls } = setup((url, init) =>
      url === "/api/auth/refresh"
        ? json(200, tokenBody("new"))
        : authorizationOf(init) === "Bearer old"
          ? problem(401, "unauthorized", "expired")
          : json(200, { ok: true }),
    );
    session.signedIn({ user, ...tokenBody("old") });
    await api.request("/api/things", { schema: ok });
    const [, init] = calls("/api/auth/refresh")[0] ?? [];
    expect(init?.method).toBe("POST");
    expect(init?.credentials).toBe("same-origin");
    expect(init?.headers).toMatchObject({ "X-Refresh-Token": "cookie" });
    expect(init?.body).toBe("{}");
  });

  it("retries a refused request only once", async () => {
    const { session, api, calls } = setup((url) =>
      url === "/api/auth/refresh" ? json(200, tokenBody("new")) : problem(401, "unauthorized", "no"),
    );
    session.signedIn({ user, ...tokenBody("old") });
    await expect(api.request("/api/things")).rejects.toBeInstanceOf(ApiError);
    expect(calls("/api/things")).toHaveLength(2);
    expect(calls("/api/auth/refresh")).toHaveLength(1);
  });

  it("renews a token that is about to expire before sending the request", async () => {
    let now = Date.parse("2026-03-01T10:00:00Z");
    const { session, api, calls } = setup(
      (url, init) =>
        url === "/api/auth/refresh"
          ? json(200, tokenBody("fresh", 900, now))
          : json(authorizationOf(init) === "Bearer fresh" ? 200 : 401, { ok: true }),
      { now: () => now },
    );
    session.signedIn({ user, ...tokenBody("aging", 900, now) });
    now += 850_000; // within the last minute of the token's life
    await api.request("/api/things", { schema: ok });
    expect(calls("/api/things").map(([, init]) => authorizationOf(init ?? {}))).toEqual(["Bearer fresh"]);
  });

  it("renews in the background before the token expires", async () => {
    vi.useFakeTimers();
    const { session, calls } = setup((url) =>
      url === "/api/auth/refresh" ? json(200, tokenBody("next", 3)) : json(404, {}),
    );
    session.signedIn({ user, ...tokenBody("short", 3) });
    expect(calls("/api/auth/refresh")).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1600);
    expect(calls("/api/auth/refresh")).toHaveLength(1);
    expect(await session.accessToken()).toBe("next");
  });

  it("signs the user out as expired when the session can no longer be refreshed", async () => {
    const { session, api } = setup((url) =>
      url === "/api/auth/refresh" ? problem(401, "unauthorized", "gone") : problem(401, "unauthorized", "expired"),
    );
    session.signedIn({ user, ...tokenBody("old") });
    await expect(api.request("/api/things")).rejects.toMatchObject({ status: 401 });
    expect(session.getSnapshot()).toEqual({ status: "signed-out", reason: "expired" });
    expect(await session.accessToken()).toBeNull();
  });

  it("keeps the user signed in when a refresh fails for want of a network", async () => {
    const { session, api } = setup((url) => {
      if (url === "/api/auth/refresh") throw new TypeError("Failed to fetch");
      return problem(401, "unauthorized", "expired");
    });
    session.signedIn({ user, ...tokenBody("old") });
    await expect(api.request("/api/things")).rejects.toBeInstanceOf(NetworkError);
    expect(session.getSnapshot().status).toBe("signed-in");
  });

  it("never lets a refresh that was in flight at sign-out bring the session back", async () => {
    const refresh = deferred<Response>();
    const { session, api } = setup((url) => {
      if (url === "/api/auth/refresh") return refresh.promise;
      if (url === "/api/auth/signout") return new Response(null, { status: 204 });
      return problem(401, "unauthorized", "expired");
    });
    session.signedIn({ user, ...tokenBody("old") });
    const pending = api.request("/api/things").catch((e: unknown) => e);
    await vi.waitFor(() => expect(session.getSnapshot().status).toBe("signed-in"));
    await session.signOut();
    refresh.resolve(json(200, tokenBody("zombie")));
    expect(await pending).toBeInstanceOf(ApiError);
    expect(session.getSnapshot()).toEqual({ status: "signed-out", reason: "signed-out" });
    expect(await session.accessToken()).toBeNull();
  });

  it("keeps tokens in memory only", async () => {
    const { session, api } = setup((url, init) =>
      url === "/api/auth/refresh"
        ? json(200, tokenBody("new"))
        : json(authorizationOf(init) === "Bearer new" ? 200 : 401, { ok: true }),
    );
    session.signedIn({ user, ...tokenBody("old") });
    await api.request("/api/things", { schema: ok });
    expect(localStorage.length + sessionStorage.length).toBe(0);
    expect(document.cookie).toBe("");
  });
});

describe("restoring and ending the session", () => {
  it("restores the session from the refresh cookie on page load", async () => {
    const { session } = setup((url) =>
      url === "/api/auth/refresh" ? json(200, tokenBody("restored")) : json(200, { user }),
    );
    await session.restore();
    expect(session.getSnapshot()).toEqual({ status: "signed-in", user });
  });

  it("shows a signed-out visitor as such, and an unreachable server as unreachable", async () => {
    const signedOut = setup(() => problem(401, "unauthorized", "no session"));
    await signedOut.session.restore();
    expect(signedOut.session.getSnapshot()).toEqual({ status: "signed-out", reason: "none" });

    const offline = setup(() => {
      throw new TypeError("Failed to fetch");
    });
    await offline.session.restore();
    expect(offline.session.getSnapshot()).toEqual({ status: "unreachable" });
  });

  it("signs out through the cookie and tells the other tabs", async () => {
    const posted: AuthMessage[] = [];
    const channel: AuthChannel = { post: (m) => posted.push(m), subscribe: () => () => {} };
    const { session, calls } = setup(() => new Response(null, { status: 204 }), { channel });
    session.signedIn({ user, ...tokenBody("old") });
    await session.signOut();
    const [, init] = calls("/api/auth/signout")[0] ?? [];
    expect(authorizationOf(init ?? {})).toBeUndefined();
    expect(init?.credentials).toBe("same-origin");
    expect(posted).toEqual([{ type: "signed-in", userId: user.id }, { type: "signed-out" }]);
  });

  it("signs this tab out when another tab signs out", async () => {
    let deliver: (m: AuthMessage) => void = () => {};
    const channel: AuthChannel = {
      post: () => {},
      subscribe: (listener) => {
        deliver = listener;
        return () => {};
      },
    };
    const { session } = setup(() => json(500, {}), { channel });
    session.signedIn({ user, ...tokenBody("old") });
    deliver({ type: "signed-out" });
    expect(session.getSnapshot()).toEqual({ status: "signed-out", reason: "elsewhere" });
    expect(await session.accessToken()).toBeNull();
  });
});
