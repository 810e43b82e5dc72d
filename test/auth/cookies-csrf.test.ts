import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, jsonRequest, STRONG_PASSWORD, signUp, uniqueEmail } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectProblem } from "./http-expectations.js";

const PARTNER = "https://partner.example";
const EVIL = "https://evil.example";

let t: TestApp;
let withCors: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  withCors = await createTestApp({
    database: t.database,
    env: { CORS_ORIGINS: `${PARTNER}, https://other.partner.example` },
  });
});
afterAll(async () => {
  await withCors.close();
  await t.close();
});

const me = (token: string) => t.request("/api/auth/me", { headers: bearer(token) });

describe("a cross-site request that carries the session cookie (CSRF)", () => {
  it("cannot refresh: 403 forbidden, and no token is handed out", async () => {
    const user = await signUp(t);
    const res = await t.request("/api/auth/refresh", {
      method: "POST",
      headers: { cookie: user.cookie, origin: EVIL },
    });
    const problem = await expectProblem(res, 403, "forbidden");
    expect(JSON.stringify(problem)).not.toContain(user.refreshToken);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it("cannot sign the user out: 403 forbidden, and the session lives on", async () => {
    const user = await signUp(t);
    const res = await t.request("/api/auth/signout", {
      method: "POST",
      headers: { cookie: user.cookie, origin: EVIL },
    });
    await expectProblem(res, 403, "forbidden");
    expect((await me(user.token)).status).toBe(200);
  });

  it("is refused when the browser sends Origin: null (sandboxed frames, some redirects)", async () => {
    const user = await signUp(t);
    const res = await t.request("/api/auth/refresh", {
      method: "POST",
      headers: { cookie: user.cookie, origin: "null" },
    });
    await expectProblem(res, 403, "forbidden");
  });

  it("is refused by Sec-Fetch-Site: cross-site when the browser sends no Origin", async () => {
    const user = await signUp(t);
    const res = await t.request("/api/auth/signout", {
      method: "POST",
      headers: { cookie: user.cookie, "sec-fetch-site": "cross-site" },
    });
    await expectProblem(res, 403, "forbidden");
    expect((await me(user.token)).status).toBe(200);
  });

  it("cannot sign a victim in to the attacker's account (login CSRF)", async () => {
    const attacker = await signUp(t);
    const res = await t.request(
      "/api/auth/signin",
      jsonRequest("POST", { email: attacker.email, password: attacker.password }, { origin: EVIL }),
    );
    await expectProblem(res, 403, "forbidden");
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it("cannot create an account either", async () => {
    const res = await t.request(
      "/api/auth/signup",
      jsonRequest("POST", { email: uniqueEmail(), password: STRONG_PASSWORD }, { origin: EVIL }),
    );
    await expectProblem(res, 403, "forbidden");
  });
});

describe("a same-origin request", () => {
  it("refreshes with the cookie when Origin is the public URL", async () => {
    const user = await signUp(t);
    const res = await t.request("/api/auth/refresh", {
      method: "POST",
      headers: { cookie: user.cookie, origin: "http://localhost:3000", "sec-fetch-site": "same-origin" },
    });
    expect(res.status).toBe(200);
    expect(typeof (await res.json()).token).toBe("string");
  });

  it("signs out with the cookie when Origin is the public URL", async () => {
    const user = await signUp(t);
    const res = await t.request("/api/auth/signout", {
      method: "POST",
      headers: { cookie: user.cookie, origin: "http://localhost:3000" },
    });
    expect(res.status).toBe(204);
    expect((await me(user.token)).status).toBe(401);
  });

  it("passes without any Origin (curl, the CLI, other services)", async () => {
    const user = await signUp(t);
    const res = await t.request("/api/auth/refresh", { method: "POST", headers: { cookie: user.cookie } });
    expect(res.status).toBe(200);
  });

  it("does not let a look-alike origin through", async () => {
    const user = await signUp(t);
    for (const origin of ["http://localhost:3000.evil.example", "https://localhost:3000", "http://localhost:3001"]) {
      const res = await t.request("/api/auth/refresh", { method: "POST", headers: { cookie: user.cookie, origin } });
      await expectProblem(res, 403, "forbidden");
    }
  });
});

describe("the session cookie over https", () => {
  it("is read under its __Secure- name for refresh and sign-out, and under no other", async () => {
    const https = await createTestApp({ database: t.database, env: { PUBLIC_URL: "https://todo.example.com" } });
    try {
      const user = await signUp(https);
      const value = user.cookie.split("=")[1] as string;
      expect(user.cookie).toBe(`__Secure-taskvault_session=${value}`);
      const refresh = (cookie: string) => https.request("/api/auth/refresh", { method: "POST", headers: { cookie } });

      const refreshed = await refresh(user.cookie);
      expect(refreshed.status).toBe(200);
      // The refresh rotated the token: the browser now holds the new cookie.
      const rotated = (refreshed.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      expect(rotated).toMatch(/^__Secure-taskvault_session=./);
      await expectProblem(await refresh(`taskvault_session=${rotated.split("=")[1]}`), 401, "unauthorized");

      const signout = await https.request("/api/auth/signout", {
        method: "POST",
        headers: { cookie: rotated, origin: "https://todo.example.com" },
      });
      expect(signout.status).toBe(204);
      await expectProblem(await refresh(rotated), 401, "unauthorized");
    } finally {
      await https.close();
    }
  });
});

describe("CORS", () => {
  it("is off without CORS_ORIGINS: no Access-Control-Allow-* headers for anyone", async () => {
    const preflight = await t.request("/api/auth/me", {
      method: "OPTIONS",
      headers: {
        origin: PARTNER,
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
    const get = await t.request("/api/health", { headers: { origin: PARTNER } });
    expect(get.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows a listed origin with credentials, for the preflight and the actual request", async () => {
    const preflight = await withCors.request("/api/auth/refresh", {
      method: "OPTIONS",
      headers: {
        origin: PARTNER,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, x-refresh-token",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(PARTNER);
    expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("x-refresh-token");
    expect(preflight.headers.get("vary")).toContain("Origin");
    expect(preflight.headers.get("x-request-id")).toMatch(/^[\w-]{8,}$/);
    expect(preflight.headers.get("x-content-type-options")).toBe("nosniff");

    const user = await signUp(withCors);
    const res = await withCors.request("/api/auth/refresh", {
      method: "POST",
      headers: { cookie: user.cookie, origin: PARTNER },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(PARTNER);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-expose-headers")).toContain("X-Request-Id");
  });

  it("gives an unlisted origin no Access-Control-Allow-Origin, and refuses its state changes", async () => {
    const preflight = await withCors.request("/api/auth/refresh", {
      method: "OPTIONS",
      headers: { origin: EVIL, "access-control-request-method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();

    const user = await signUp(withCors);
    const res = await withCors.request("/api/auth/refresh", {
      method: "POST",
      headers: { cookie: user.cookie, origin: EVIL },
    });
    await expectProblem(res, 403, "forbidden");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});
