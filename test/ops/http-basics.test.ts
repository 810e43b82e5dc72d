import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminQuery } from "../../scripts/lib/postgres-admin.js";
import { expectProblem } from "../auth/http-expectations.js";
import { bearer, jsonRequest, STRONG_PASSWORD, uniqueEmail } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const signup = (init: RequestInit) => t.request("/api/auth/signup", { method: "POST", ...init });

describe("X-Request-Id", () => {
  it("is generated for a request that sends none, on success and on error", async () => {
    const ok = await t.request("/api/health");
    const missing = await t.request("/api/nothing-here");
    const ids = [ok.headers.get("x-request-id"), missing.headers.get("x-request-id")];
    for (const id of ids) expect(id).toMatch(/^[\w-]{8,}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it("echoes a valid incoming id", async () => {
    const res = await t.request("/api/health", { headers: { "x-request-id": "trace-abc_123=" } });
    expect(res.headers.get("x-request-id")).toBe("trace-abc_123=");
  });

  it("replaces an invalid or over-long incoming id", async () => {
    for (const bad of ["has spaces in it", "<script>", "a".repeat(129), "semi;colon", "line%0Abreak"]) {
      const res = await t.request("/api/health", { headers: { "x-request-id": bad } });
      const id = res.headers.get("x-request-id");
      expect(id).toMatch(/^[\w-]+$/);
      expect(id).not.toBe(bad);
    }
  });
});

describe("security headers", () => {
  it("are on every response, with the request id: success, 404, 405, 401, 400 and the web app", async () => {
    const responses = await Promise.all([
      t.request("/api/health"),
      t.request("/api/nowhere"),
      t.request("/api/health", { method: "DELETE" }),
      t.request("/api/auth/me"),
      signup({ headers: { "content-type": "application/json" }, body: "{" }),
      t.request("/"),
    ]);
    for (const res of responses) {
      expect(res.headers.get("x-request-id")).toMatch(/^[\w-]{8,}$/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/default-src '(none|self)'/);
      expect(csp).not.toContain("unsafe-eval");
      expect(res.headers.get("strict-transport-security")).toBeNull();
    }
  });

  it("give the API a CSP that allows nothing to run", async () => {
    const res = await t.request("/api/health");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("include HSTS when PUBLIC_URL is https", async () => {
    const https = await createTestApp({ database: t.database, env: { PUBLIC_URL: "https://todo.example.com" } });
    try {
      for (const res of [await https.request("/api/health"), await https.request("/api/nowhere")]) {
        expect(res.headers.get("strict-transport-security")).toMatch(/^max-age=\d{8,}/);
      }
    } finally {
      await https.close();
    }
  });
});

describe("routing errors", () => {
  it("answers an unknown route with 404 problem+json", async () => {
    const res = await t.request("/api/no/such/route");
    const problem = await expectProblem(res, 404, "not_found");
    expect(problem.title).toBe("Not Found");
  });

  it.each([
    ["GET", "/api/auth/signup", "POST"],
    ["DELETE", "/api/health", "GET"],
    ["PUT", "/api/auth/me", "GET"],
  ])("answers %s %s with 405, an Allow header and problem+json", async (method, path, allowed) => {
    const res = await t.request(path, { method });
    const problem = await expectProblem(res, 405, "not_found");
    expect(problem.title).toBe("Method Not Allowed");
    expect(res.headers.get("allow")?.split(/,\s*/)).toContain(allowed);
    expect(res.headers.get("allow")).not.toContain(method);
  });
});

describe("request bodies", () => {
  it("over 64 KiB are refused with 413 payload_too_large", async () => {
    const body = JSON.stringify({ email: uniqueEmail(), password: STRONG_PASSWORD, name: "x".repeat(70 * 1024) });
    const res = await signup({ headers: { "content-type": "application/json" }, body });
    await expectProblem(res, 413, "payload_too_large");
  });

  it("over 64 KiB are refused from the Content-Length alone", async () => {
    const res = await signup({
      headers: { "content-type": "application/json", "content-length": String(65 * 1024) },
      body: "{}",
    });
    await expectProblem(res, 413, "payload_too_large");
  });

  it("just under 64 KiB are read (and then validated)", async () => {
    const name = "x".repeat(60 * 1024);
    const res = await signup({
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: uniqueEmail(), password: STRONG_PASSWORD, name }),
    });
    const problem = await expectProblem(res, 400, "validation_failed");
    expect(problem.errors?.map((e) => e.path)).toEqual(["name"]);
  });

  it("that are not JSON get 415 unsupported_media_type", async () => {
    const body = JSON.stringify({ email: uniqueEmail(), password: STRONG_PASSWORD });
    await expectProblem(
      await signup({ headers: { "content-type": "text/plain" }, body }),
      415,
      "unsupported_media_type",
    );
    await expectProblem(
      await signup({
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "email=a%40b.co&password=x",
      }),
      415,
      "unsupported_media_type",
    );
    await expectProblem(await signup({ body }), 415, "unsupported_media_type");
  });

  it("that are malformed JSON get 400 invalid_json", async () => {
    for (const body of ["{", "{'email': 'x'}", '{"email": "a@b.co",}', "nope"]) {
      await expectProblem(await signup({ headers: { "content-type": "application/json" }, body }), 400, "invalid_json");
    }
  });

  it("that are not UTF-8 get 400 invalid_json", async () => {
    const prefix = Buffer.from('{"email":"a@example.com","password":"pass');
    const body = Buffer.concat([prefix, Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('word!"}')]);
    const res = await signup({ headers: { "content-type": "application/json; charset=utf-8" }, body });
    await expectProblem(res, 400, "invalid_json");
  });

  it("that are empty with a JSON content type get 400 invalid_json", async () => {
    await expectProblem(
      await signup({ headers: { "content-type": "application/json" }, body: "" }),
      400,
      "invalid_json",
    );
  });

  it.each([["[]"], ["[1,2]"], ["42"], ["null"], ['"a string"'], ["true"]])(
    "that are the JSON value %s get 400 validation_failed",
    async (body) => {
      const res = await signup({ headers: { "content-type": "application/json" }, body });
      const problem = await expectProblem(res, 400, "validation_failed");
      expect(problem.errors?.length).toBeGreaterThan(0);
    },
  );

  it("with a __proto__ key get 400 and pollute nothing", async () => {
    const email = uniqueEmail();
    const body = `{"email":"${email}","password":"${STRONG_PASSWORD}","__proto__":{"polluted":true,"isAdmin":true}}`;
    const res = await signup({ headers: { "content-type": "application/json" }, body });
    const problem = await expectProblem(res, 400, "validation_failed");
    expect(problem.errors?.map((e) => e.path)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("isAdmin");
    const signin = await t.request("/api/auth/signin", jsonRequest("POST", { email, password: STRONG_PASSWORD }));
    expect(signin.status).toBe(401);
  });

  it("with constructor.prototype keys get 400 as unknown fields", async () => {
    const body = JSON.stringify({
      email: uniqueEmail(),
      password: STRONG_PASSWORD,
      constructor: { prototype: { x: 1 } },
    });
    const problem = await expectProblem(
      await signup({ headers: { "content-type": "application/json" }, body }),
      400,
      "validation_failed",
    );
    expect(problem.errors?.map((e) => e.path)).toEqual(["constructor"]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe("health and readiness", () => {
  it("GET /api/health answers 200 {status: ok}, never cached", async () => {
    const res = await t.request("/api/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("GET /api/ready answers 200 while the database answers", async () => {
    const res = await t.request("/api/ready");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ready" });
  });

  it("GET /api/ready answers 503 once the database is gone; health stays 200; a 500 reveals nothing", async () => {
    const dying = await createTestApp();
    try {
      expect((await dying.request("/api/ready")).status).toBe(200);
      await dying.database.handle.close();
      const res = await dying.request("/api/ready");
      expect(res.status).toBe(503);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({
        type: "about:blank",
        status: 503,
        code: "internal",
        detail: expect.any(String),
      });
      expect((await dying.request("/api/health")).status).toBe(200);

      const email = uniqueEmail("down");
      const password = "outage canary passphrase";
      const failed = await dying.request("/api/auth/signin", jsonRequest("POST", { email, password }));
      const text = await failed.text();
      expect(failed.status).toBe(500);
      expect(JSON.parse(text)).toEqual({
        type: "about:blank",
        title: "Internal Server Error",
        status: 500,
        code: "internal",
        detail: expect.stringContaining("X-Request-Id"),
      });
      expect(text).not.toMatch(/ at |select|insert|rate_limits|PGlite|closed/i);
      const reqId = failed.headers.get("x-request-id");
      expect(dying.logs).toContainEqual(expect.objectContaining({ level: "error", reqId, msg: "unhandled error" }));
      const log = JSON.stringify(dying.logs);
      expect(log).not.toContain(password);
      expect(log).not.toContain(email);
    } finally {
      await dropClosedDatabase(dying);
    }
  });
});

describe("the log", () => {
  it("never contains a password, access token, refresh token or cookie value", async () => {
    const email = uniqueEmail("logged");
    const password = "log-canary passphrase 7f3a";
    const signedUp = await signup({
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    expect(signedUp.status).toBe(201);
    const { token, refreshToken } = await signedUp.json();
    const cookie = signedUp.headers.getSetCookie()[0]?.split(";")[0] ?? "";

    const wrong = await t.request("/api/auth/signin", jsonRequest("POST", { email, password: `${password} wrong` }));
    expect(wrong.status).toBe(401);
    const right = await t.request("/api/auth/signin", jsonRequest("POST", { email, password }));
    expect(right.status).toBe(200);
    const second = await right.json();
    const refreshed = await t.request("/api/auth/refresh", { method: "POST", headers: { cookie } });
    expect(refreshed.status).toBe(200);
    const third = await refreshed.json();
    await t.request(`/api/auth/me?access_token=${token}`, { headers: bearer(third.token) });

    const log = JSON.stringify(t.logs);
    for (const secret of [password, token, refreshToken, second.token, second.refreshToken, third.token, cookie]) {
      expect(secret.length).toBeGreaterThan(10);
      expect(log).not.toContain(secret);
    }
    expect(log).not.toContain(password.split(" ")[1]);
  });

  it("masks email addresses in the auth library's messages, even at debug level", async () => {
    const email = uniqueEmail("masked");
    const body = JSON.stringify({ email, password: "a passphrase nobody guesses" });
    const init = { method: "POST", headers: { "content-type": "application/json" }, body };
    expect((await signup(init)).status).toBe(201);
    expect((await signup(init)).status).toBe(409);
    expect(t.config.logLevel).toBe("debug");
    expect(t.logs).toContainEqual(
      expect.objectContaining({ source: "better-auth", msg: expect.stringContaining("[email]") }),
    );
    expect(JSON.stringify(t.logs)).not.toContain(email);
  });

  it("has one request line per request with reqId, method, path, status and durationMs", async () => {
    const responses = [
      await t.request("/api/health"),
      await t.request("/api/auth/me"),
      await t.request("/api/nowhere?secret=1"),
      await signup({ headers: { "content-type": "application/json", "x-request-id": "log-line-check" }, body: "[]" }),
    ];
    const expected = [
      ["GET", "/api/health", 200],
      ["GET", "/api/auth/me", 401],
      ["GET", "/api/nowhere", 404],
      ["POST", "/api/auth/signup", 400],
    ] as const;
    responses.forEach((res, i) => {
      const reqId = res.headers.get("x-request-id");
      const lines = t.logs.filter((line) => line.msg === "request" && line.reqId === reqId);
      expect(lines).toHaveLength(1);
      const [method, path, status] = expected[i] as (typeof expected)[number];
      expect(lines[0]).toMatchObject({ level: "info", reqId, method, path, status, durationMs: expect.any(Number) });
    });
    expect(JSON.stringify(t.logs)).not.toContain("secret=1");
  });
});

/** Cleans up after an app whose database handle was closed on purpose. */
async function dropClosedDatabase(app: TestApp): Promise<void> {
  app.auth.stop();
  const adminUrl = process.env.TEST_DATABASE_URL;
  const url = app.database.url;
  if (adminUrl && url) {
    await adminQuery(adminUrl, `drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
  }
}
