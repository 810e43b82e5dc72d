import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { weakPasswordReason } from "../../src/server/auth/common-passwords.js";
import { bearer, jsonRequest, STRONG_PASSWORD, signUp, uniqueEmail } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectProblem, sessionCookie } from "./http-expectations.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const signup = (body: unknown, headers: Record<string, string> = {}) =>
  t.request("/api/auth/signup", jsonRequest("POST", body, headers));

const signin = (email: string, password: string) =>
  t.request("/api/auth/signin", jsonRequest("POST", { email, password }));

/** A unique address of exactly `length` characters (at least 230), with short DNS labels. */
function emailOfLength(length: number): string {
  const label = "d".repeat(40);
  const domain = `${label}.${label}.${label}.${label}.${label}.example.com`;
  const unique = uniqueEmail("long").split("@")[0] as string;
  return `${unique.padEnd(length - domain.length - 1, "x")}@${domain}`;
}

describe("a successful sign-up", () => {
  it("answers 201 with the user, a Bearer access token, its expiry and the refresh token", async () => {
    const email = uniqueEmail();
    const res = await signup({ email, password: STRONG_PASSWORD, name: "Ada Lovelace" });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(["expiresAt", "refreshToken", "token", "tokenType", "user"]);
    expect(body).toEqual({
      user: {
        id: expect.any(String),
        email,
        name: "Ada Lovelace",
        emailVerified: false,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        timeZone: "UTC",
      },
      token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      tokenType: "Bearer",
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      refreshToken: expect.any(String),
    });
    expect(body.refreshToken.length).toBeGreaterThanOrEqual(32);
    const lifetime = Date.parse(body.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan((t.config.accessTokenTtl - 60) * 1000);
    expect(lifetime).toBeLessThanOrEqual(t.config.accessTokenTtl * 1000);

    const me = await t.request("/api/auth/me", { headers: bearer(body.token) });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ user: body.user });
  });

  it("never returns a password hash or any other secret in the user object", async () => {
    const password = "a very private passphrase";
    const res = await signup({ email: uniqueEmail(), password });
    const body = await res.json();
    expect(Object.keys(body.user).sort()).toEqual(["createdAt", "email", "emailVerified", "id", "name", "timeZone"]);
    const me = await t.request("/api/auth/me", { headers: bearer(body.token) });
    const text = JSON.stringify(body.user) + (await me.text());
    expect(text).not.toContain(password);
    expect(text).not.toMatch(/\$argon2|hash|secret|password/i);
  });

  it("sets the refresh token as an HttpOnly, SameSite=Lax cookie for /api/auth, not Secure over http", async () => {
    const res = await signup({ email: uniqueEmail(), password: STRONG_PASSWORD });
    const body = await res.json();
    const cookie = sessionCookie(res);
    expect(cookie.name).toBe("taskvault_session");
    expect(cookie.value).toBe(body.refreshToken);
    expect(cookie.attributes).toMatchObject({ httponly: "", samesite: "Lax", path: "/api/auth" });
    expect(Number(cookie.attributes["max-age"])).toBe(t.config.sessionTtl);
    expect(cookie.attributes).not.toHaveProperty("secure");
    expect(cookie.attributes).not.toHaveProperty("domain");
  });

  it("leaves the refresh token out of the body but still sets the cookie when asked with X-Refresh-Token: cookie", async () => {
    const res = await signup({ email: uniqueEmail(), password: STRONG_PASSWORD }, { "x-refresh-token": "cookie" });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).not.toHaveProperty("refreshToken");
    expect(body).toMatchObject({ tokenType: "Bearer", token: expect.any(String), user: expect.any(Object) });
    const cookie = sessionCookie(res);
    expect(cookie.value.length).toBeGreaterThanOrEqual(32);

    const refreshed = await t.request("/api/auth/refresh", {
      method: "POST",
      headers: { cookie: `${cookie.name}=${cookie.value}` },
    });
    expect(refreshed.status).toBe(200);
  });

  it("marks the cookie Secure with the __Secure- prefix when PUBLIC_URL is https", async () => {
    const https = await createTestApp({ database: t.database, env: { PUBLIC_URL: "https://todo.example.com" } });
    try {
      const res = await https.request(
        "/api/auth/signup",
        jsonRequest("POST", { email: uniqueEmail(), password: STRONG_PASSWORD }),
      );
      expect(res.status).toBe(201);
      const cookie = sessionCookie(res);
      expect(cookie.name).toBe("__Secure-taskvault_session");
      expect(cookie.attributes).toMatchObject({ secure: "", httponly: "", samesite: "Lax", path: "/api/auth" });
    } finally {
      await https.close();
    }
  });
});

describe("the email address", () => {
  it("is trimmed and stored lower-cased, and signs in in any letter case", async () => {
    const local = uniqueEmail("Mixed.Case").split("@")[0] as string;
    const res = await signup({ email: `  ${local}@Example.COM \t`, password: STRONG_PASSWORD });
    expect(res.status).toBe(201);
    const { user } = await res.json();
    expect(user.email).toBe(`${local.toLowerCase()}@example.com`);

    const again = await signin(`${local.toUpperCase()}@EXAMPLE.com`, STRONG_PASSWORD);
    expect(again.status).toBe(200);
    expect((await again.json()).user.id).toBe(user.id);
  });

  it.each([
    ["no @ at all", "user.example.com"],
    ["two @ signs", "user@name@example.com"],
    ["an empty local part", "@example.com"],
    ["a domain without a dot", "user@localhost"],
    ["a space inside", "us er@example.com"],
    ["only spaces", "   "],
    ["an empty string", ""],
  ])("is refused when it has %s", async (_case, email) => {
    const res = await signup({ email, password: STRONG_PASSWORD });
    const problem = await expectProblem(res, 400, "validation_failed");
    expect(problem.errors).toEqual([{ path: "email", message: expect.any(String) }]);
  });

  it("is accepted at 254 characters and refused at 255", async () => {
    const longest = emailOfLength(254);
    expect(longest).toHaveLength(254);
    const ok = await signup({ email: longest, password: STRONG_PASSWORD });
    expect(ok.status).toBe(201);
    expect((await ok.json()).user.email).toBe(longest);

    const tooLong = emailOfLength(255);
    expect(tooLong).toHaveLength(255);
    const problem = await expectProblem(
      await signup({ email: tooLong, password: STRONG_PASSWORD }),
      400,
      "validation_failed",
    );
    expect(problem.errors?.map((e) => e.path)).toEqual(["email"]);
  });

  it("must not be a number or missing", async () => {
    const problem = await expectProblem(
      await signup({ email: 42, password: STRONG_PASSWORD }),
      400,
      "validation_failed",
    );
    expect(problem.errors?.map((e) => e.path)).toEqual(["email"]);
    const missing = await expectProblem(await signup({ password: STRONG_PASSWORD }), 400, "validation_failed");
    expect(missing.errors).toEqual([{ path: "email", message: "is required" }]);
  });

  it("is taken when it exists in another letter case: 409 email_taken, and no second account", async () => {
    const email = uniqueEmail("taken");
    const first = await signUp(t, { email });
    const res = await signup({ email: email.toUpperCase(), password: "another strong passphrase" });
    const problem = await expectProblem(res, 409, "email_taken");
    expect(problem.errors).toEqual([{ path: "email", message: expect.any(String) }]);
    expect(res.headers.getSetCookie()).toEqual([]);

    const signedIn = await signin(email, first.password);
    expect((await signedIn.json()).user.id).toBe(first.id);
    expect((await signin(email, "another strong passphrase")).status).toBe(401);
  });

  it("admits exactly one of several concurrent sign-ups with the same address", async () => {
    const email = uniqueEmail("race");
    const responses = await Promise.all(
      [email, email.toUpperCase(), ` ${email} `].map((variant, i) =>
        signup({ email: variant, password: `racing passphrase number ${i}` }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409]);
    for (const res of responses.filter((r) => r.status === 409)) await expectProblem(res, 409, "email_taken");
    const winner = responses.findIndex((r) => r.status === 201);
    expect((await signin(email, `racing passphrase number ${winner}`)).status).toBe(200);
  });
});

describe("the password", () => {
  it("must be at least 8 characters", async () => {
    const problem = await expectProblem(
      await signup({ email: uniqueEmail(), password: "7chars!" }),
      400,
      "validation_failed",
    );
    expect(problem.errors).toEqual([{ path: "password", message: expect.any(String) }]);
    expect((await signup({ email: uniqueEmail(), password: "8 chars!" })).status).toBe(201);
  });

  it("counts an emoji as one character: seven emoji are too short, eight are enough", async () => {
    const seven = "🦊🐙🦉🐝🦀🐢🦋";
    expect(seven).toHaveLength(14); // UTF-16 code units: a naive .length check would accept it
    const problem = await expectProblem(
      await signup({ email: uniqueEmail(), password: seven }),
      400,
      "validation_failed",
    );
    expect(problem.errors?.map((e) => e.path)).toEqual(["password"]);

    const email = uniqueEmail();
    expect((await signup({ email, password: `${seven}🐳` })).status).toBe(201);
    expect((await signin(email, `${seven}🐳`)).status).toBe(200);
  });

  it("may be 128 characters, even 128 emoji, and signs in with them; 129 is refused", async () => {
    const emoji = "🦊".repeat(64) + "🐙".repeat(64);
    const email = uniqueEmail();
    const res = await signup({ email, password: emoji });
    expect(res.status).toBe(201);
    expect((await signin(email, emoji)).status).toBe(200);

    const ascii = `${"x".repeat(127)}y`;
    expect((await signup({ email: uniqueEmail(), password: ascii })).status).toBe(201);

    const problem = await expectProblem(
      await signup({ email: uniqueEmail(), password: `${emoji}!` }),
      400,
      "validation_failed",
    );
    expect(problem.errors?.map((e) => e.path)).toEqual(["password"]);
  });

  it.each(["password123", "iloveyou1", "Password123"])(
    "is refused as weak when it is the common password %s",
    async (password) => {
      expect(weakPasswordReason(password, "someone@example.com")).toMatch(/common/);
      const email = uniqueEmail();
      const problem = await expectProblem(await signup({ email, password }), 400, "weak_password");
      expect(problem.errors).toEqual([{ path: "password", message: expect.any(String) }]);
      expect((await signin(email, password)).status).toBe(401);
    },
  );

  it("is refused as weak when it equals the email address, in any letter case", async () => {
    const email = uniqueEmail("samepass");
    await expectProblem(await signup({ email, password: email.toUpperCase() }), 400, "weak_password");
  });

  it("is refused as weak when it equals the email's local part", async () => {
    const email = uniqueEmail("localpart");
    const local = email.split("@")[0] as string;
    await expectProblem(await signup({ email, password: local }), 400, "weak_password");
  });

  it("has no composition rules: a long lower-case passphrase is fine", async () => {
    expect((await signup({ email: uniqueEmail(), password: "plain lower case words only" })).status).toBe(201);
  });
});

describe("the name", () => {
  it("is trimmed", async () => {
    const res = await signup({ email: uniqueEmail(), password: STRONG_PASSWORD, name: "  Grace Hopper \n" });
    expect((await res.json()).user.name).toBe("Grace Hopper");
  });

  it("defaults to the email's local part", async () => {
    const email = uniqueEmail("defaultname");
    const res = await signup({ email, password: STRONG_PASSWORD });
    expect((await res.json()).user.name).toBe(email.split("@")[0]);
  });

  it("defaults to the first 100 characters of a longer local part", async () => {
    const local = uniqueEmail("long-local-part").split("@")[0]?.padEnd(150, "z") as string;
    const res = await signup({ email: `${local}@example.com`, password: STRONG_PASSWORD });
    expect(res.status).toBe(201);
    expect((await res.json()).user.name).toBe(local.slice(0, 100));
  });

  it("may be 100 characters (counted as code points) but not 101", async () => {
    const hundred = "🙂".repeat(100);
    const ok = await signup({ email: uniqueEmail(), password: STRONG_PASSWORD, name: hundred });
    expect(ok.status).toBe(201);
    expect((await ok.json()).user.name).toBe(hundred);
    const res = await signup({ email: uniqueEmail(), password: STRONG_PASSWORD, name: "n".repeat(101) });
    const problem = await expectProblem(res, 400, "validation_failed");
    expect(problem.errors?.map((e) => e.path)).toEqual(["name"]);
  });

  it("must not be empty or blank once trimmed", async () => {
    for (const name of ["", "    "]) {
      const problem = await expectProblem(
        await signup({ email: uniqueEmail(), password: STRONG_PASSWORD, name }),
        400,
        "validation_failed",
      );
      expect(problem.errors?.map((e) => e.path)).toEqual(["name"]);
    }
  });
});

describe("a body the schema refuses", () => {
  it("names every bad field in errors[]", async () => {
    const res = await signup({ email: "not-an-email", password: "short", name: "" });
    const problem = await expectProblem(res, 400, "validation_failed");
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(["email", "name", "password"]);
    for (const error of problem.errors ?? []) expect(error.message).not.toBe("");
    expect(problem.detail).toMatch(/email/);
  });

  it("rejects unknown fields, naming them, and creates no account", async () => {
    const email = uniqueEmail();
    const res = await signup({ email, password: STRONG_PASSWORD, role: "admin", emailVerified: true });
    const problem = await expectProblem(res, 400, "validation_failed");
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(["emailVerified", "role"]);
    expect((await signin(email, STRONG_PASSWORD)).status).toBe(401);
  });

  it("sets no cookie", async () => {
    const res = await signup({ email: "bad", password: STRONG_PASSWORD });
    expect(res.status).toBe(400);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});
