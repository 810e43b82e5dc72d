import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, jsonRequest, signUp } from "../helpers/auth-client.js";
import { expectProblem } from "../helpers/problem-expectations.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

// The CSRF origin check (docs/api.md, "Origin checks use PUBLIC_URL"): a state-changing request
// passes only with PUBLIC_URL's origin, a CORS_ORIGINS origin, or, outside production, a loopback
// origin on the server's port. createTestApp's PUBLIC_URL is http://localhost:3000, its PORT 3000.

const PARTNER = "https://partner.example";

let dev: TestApp;
let production: TestApp;
let viaVite: TestApp;
beforeAll(async () => {
  dev = await createTestApp({ env: { PORT: "3000", CORS_ORIGINS: PARTNER } });
  production = await createTestApp({ database: dev.database, env: { NODE_ENV: "production", PORT: "3000" } });
  // What `npm run dev` sets up: pages served by Vite on :5173, the API on :3000.
  viaVite = await createTestApp({
    database: dev.database,
    env: { PORT: "3000", PUBLIC_URL: "http://localhost:5173" },
  });
});
afterAll(async () => {
  await viaVite.close();
  await production.close();
  await dev.close();
});

/**
 * Whether a state-changing request with these headers gets past the origin check: an empty
 * sign-in body is answered 400 by validation once past it, 403 forbidden by the check.
 */
async function passes(app: TestApp, headers: Record<string, string>): Promise<boolean> {
  const res = await app.request("/api/auth/signin", jsonRequest("POST", {}, headers));
  if (res.status === 403) {
    await expectProblem(res, 403, "forbidden");
    return false;
  }
  await expectProblem(res, 400, "validation_failed");
  return true;
}

describe("the origin check on state-changing requests", () => {
  it("never trusts the Host header: a forged Host matching a forged Origin is refused", async () => {
    const user = await signUp(dev);
    const res = await dev.request("/api/auth/signout", {
      method: "POST",
      headers: { cookie: user.cookie, host: "evil.example", origin: "http://evil.example" },
    });
    await expectProblem(res, 403, "forbidden");
    expect((await dev.request("/api/auth/me", { headers: bearer(user.token) })).status).toBe(200);

    expect(await passes(dev, { host: "localhost:5173", origin: "http://localhost:5173" })).toBe(false);
    expect(await passes(production, { host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" })).toBe(false);
  });

  it("lets PUBLIC_URL's origin and a CORS_ORIGINS origin through, whatever the Host", async () => {
    expect(await passes(dev, { origin: "http://localhost:3000" })).toBe(true);
    expect(await passes(dev, { origin: PARTNER, host: "api.partner.example" })).toBe(true);
    expect(await passes(production, { origin: "http://localhost:3000", host: "10.0.0.5:3000" })).toBe(true);

    const user = await signUp(dev);
    const res = await dev.request("/api/auth/signout", {
      method: "POST",
      headers: { cookie: user.cookie, origin: "http://localhost:3000" },
    });
    expect(res.status).toBe(204);
    expect((await dev.request("/api/auth/me", { headers: bearer(user.token) })).status).toBe(401);
  });

  it("outside production, lets loopback origins on the server's port through", async () => {
    for (const origin of ["http://127.0.0.1:3000", "http://[::1]:3000", "http://localhost:3000"]) {
      expect({ origin, passes: await passes(dev, { origin }) }).toEqual({ origin, passes: true });
    }
  });

  it("outside production, lets loopback origins on a loopback PUBLIC_URL's port through (npm run dev)", async () => {
    const origins = ["http://localhost:5173", "http://127.0.0.1:5173", "http://[::1]:5173", "http://127.0.0.1:3000"];
    for (const origin of origins) {
      expect({ origin, passes: await passes(viaVite, { origin }) }).toEqual({ origin, passes: true });
    }
  });

  it("refuses every other origin: other ports, schemes, hosts, look-alikes", async () => {
    const origins = [
      "http://localhost:3001",
      "https://127.0.0.1:3000",
      "http://127.0.0.2:3000",
      "http://0.0.0.0:3000",
      "http://localhost",
      "http://localhost:3000.evil.example",
      "http://LOCALHOST:3000",
      "https://evil.example",
      "http://localhost:5173",
    ];
    for (const origin of origins) {
      expect({ origin, passes: await passes(dev, { origin }) }).toEqual({ origin, passes: false });
    }
  });

  it("in production, refuses loopback origins other than PUBLIC_URL's own", async () => {
    for (const origin of ["http://127.0.0.1:3000", "http://[::1]:3000"]) {
      expect({ origin, passes: await passes(production, { origin }) }).toEqual({ origin, passes: false });
    }
  });

  it("refuses Origin: null, in production and out of it", async () => {
    expect(await passes(dev, { origin: "null" })).toBe(false);
    expect(await passes(production, { origin: "null" })).toBe(false);
  });

  it("without an Origin, refuses Sec-Fetch-Site: cross-site and lets other clients through", async () => {
    expect(await passes(dev, { "sec-fetch-site": "cross-site" })).toBe(false);
    expect(await passes(dev, { "sec-fetch-site": "same-origin" })).toBe(true);
    expect(await passes(dev, {})).toBe(true);
  });
});

describe("reads", () => {
  it("are never blocked by the origin check, whatever Origin, Host or Sec-Fetch-Site", async () => {
    const user = await signUp(dev);
    const foreign: Record<string, string>[] = [
      { origin: "https://evil.example", host: "evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
    ];
    for (const headers of foreign) {
      for (const app of [dev, production]) {
        const me = await app.request("/api/auth/me", { headers: bearer(user.token, headers) });
        expect(me.status).toBe(200);
        const head = await app.request("/api/health", { method: "HEAD", headers });
        expect(head.status).toBe(200);
      }
    }
  });
});
