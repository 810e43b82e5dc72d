import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, jsonRequest, type SignedInUser, signUp, uniqueEmail } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectProblem, sessionCookie } from "./http-expectations.js";

let t: TestApp;
let user: SignedInUser;
beforeAll(async () => {
  t = await createTestApp();
  user = await signUp(t, { name: "Signin Sam" });
});
afterAll(() => t.close());

const signin = (body: unknown, headers: Record<string, string> = {}) =>
  t.request("/api/auth/signin", jsonRequest("POST", body, headers));

describe("signing in with the right password", () => {
  it("answers 200 with the same shape as sign-up, a new session and its cookie", async () => {
    const res = await signin({ email: user.email, password: user.password });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json();
    expect(body).toEqual({
      user: {
        id: user.id,
        email: user.email,
        name: "Signin Sam",
        emailVerified: false,
        createdAt: expect.any(String),
        timeZone: "UTC",
      },
      token: expect.any(String),
      tokenType: "Bearer",
      expiresAt: expect.stringMatching(/Z$/),
      refreshToken: expect.any(String),
    });
    expect(body.refreshToken).not.toBe(user.refreshToken);
    expect(decodeJwt(body.token).sid).not.toBe(decodeJwt(user.token).sid);
    expect(sessionCookie(res).value).toBe(body.refreshToken);

    const me = await t.request("/api/auth/me", { headers: bearer(body.token) });
    expect((await me.json()).user.id).toBe(user.id);
  });

  it("matches the email case-insensitively and ignores surrounding spaces", async () => {
    const res = await signin({ email: `  ${user.email.toUpperCase()} `, password: user.password });
    expect(res.status).toBe(200);
    expect((await res.json()).user.id).toBe(user.id);
  });

  it("leaves the refresh token out of the body with X-Refresh-Token: cookie", async () => {
    const res = await signin({ email: user.email, password: user.password }, { "x-refresh-token": "cookie" });
    expect(res.status).toBe(200);
    expect(await res.json()).not.toHaveProperty("refreshToken");
    expect(sessionCookie(res).value.length).toBeGreaterThanOrEqual(32);
  });

  it("treats the password as case-sensitive", async () => {
    await expectProblem(
      await signin({ email: user.email, password: user.password.toUpperCase() }),
      401,
      "invalid_credentials",
    );
  });
});

describe("a failed sign-in", () => {
  it("gives byte-identical 401 invalid_credentials answers for a wrong password and an unknown email", async () => {
    const wrongPassword = await signin({ email: user.email, password: "not the right passphrase" });
    const unknownEmail = await signin({ email: uniqueEmail("nobody"), password: "not the right passphrase" });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const a = await wrongPassword.text();
    const b = await unknownEmail.text();
    expect(a).toBe(b);
    expect(JSON.parse(a)).toEqual({
      type: "about:blank",
      title: expect.any(String),
      status: 401,
      code: "invalid_credentials",
      detail: "Invalid email or password.",
    });
    for (const res of [wrongPassword, unknownEmail]) {
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="taskvault"');
      expect(res.headers.getSetCookie()).toEqual([]);
    }
  });

  it("gives the same answer for an address Better Auth would call malformed", async () => {
    const res = await signin({ email: "not-an-address", password: "whatever it is" });
    expect(await res.text()).toBe(
      JSON.stringify({
        type: "about:blank",
        title: "Invalid Credentials",
        status: 401,
        code: "invalid_credentials",
        detail: "Invalid email or password.",
      }),
    );
  });

  it.each([129, 1000, 20_000])(
    "answers a %i-character password with the same 401, even for a real account",
    async (length) => {
      const res = await signin({ email: user.email, password: "p".repeat(length) });
      const problem = await expectProblem(res, 401, "invalid_credentials");
      expect(problem.detail).toBe("Invalid email or password.");
    },
  );

  it("answers an email far longer than any account's with the same 401", async () => {
    const res = await signin({ email: `${"a".repeat(2000)}@example.com`, password: user.password });
    await expectProblem(res, 401, "invalid_credentials");
  });

  it("rejects unknown fields and missing fields with 400 validation_failed", async () => {
    const extra = await expectProblem(
      await signin({ email: user.email, password: user.password, rememberMe: false }),
      400,
      "validation_failed",
    );
    expect(extra.errors?.map((e) => e.path)).toEqual(["rememberMe"]);
    const missing = await expectProblem(await signin({ email: user.email }), 400, "validation_failed");
    expect(missing.errors).toEqual([{ path: "password", message: "is required" }]);
  });
});

describe("the access token", () => {
  it("is an EdDSA at+jwt with a kid, carrying sub, sid, iat, exp, iss and aud", async () => {
    const res = await signin({ email: user.email, password: user.password });
    const { token, expiresAt } = await res.json();
    expect(decodeProtectedHeader(token)).toEqual({ alg: "EdDSA", typ: "at+jwt", kid: expect.any(String) });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      sub: user.id,
      sid: expect.any(String),
      iat: expect.any(Number),
      exp: expect.any(Number),
      iss: "http://localhost:3000",
      aud: "http://localhost:3000/api",
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(t.config.accessTokenTtl);
    expect(t.config.accessTokenTtl).toBe(900);
    expect(Math.abs((claims.iat as number) - Date.now() / 1000)).toBeLessThan(60);
    expect(Date.parse(expiresAt)).toBe((claims.exp as number) * 1000);
  });

  it("follows ACCESS_TOKEN_TTL", async () => {
    const shortLived = await createTestApp({ database: t.database, env: { ACCESS_TOKEN_TTL: "120" } });
    try {
      const res = await shortLived.request(
        "/api/auth/signin",
        jsonRequest("POST", { email: user.email, password: user.password }),
      );
      const claims = decodeJwt((await res.json()).token);
      expect((claims.exp as number) - (claims.iat as number)).toBe(120);
    } finally {
      await shortLived.close();
    }
  });

  it("verifies against the JWK Set at GET /api/auth/jwks with an independent library", async () => {
    const jwksRes = await t.request("/api/auth/jwks");
    expect(jwksRes.status).toBe(200);
    const jwks = await jwksRes.json();
    expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: "OKP", crv: "Ed25519", kid: expect.any(String) });
      expect(key).not.toHaveProperty("d"); // never the private part
    }
    const { payload, protectedHeader } = await jwtVerify(user.token, createLocalJWKSet(jwks), {
      algorithms: ["EdDSA"],
      issuer: "http://localhost:3000",
      audience: "http://localhost:3000/api",
      typ: "at+jwt",
    });
    expect(payload.sub).toBe(user.id);
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(protectedHeader.kid);
  });

  it("does not verify against a JWK Set holding another key under the same kid", async () => {
    const { kid } = decodeProtectedHeader(user.token);
    const { publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const impostor = { ...(await exportJWK(publicKey)), kid, alg: "EdDSA" };
    const verify = jwtVerify(user.token, createLocalJWKSet({ keys: [impostor] }), { algorithms: ["EdDSA"] });
    await expect(verify).rejects.toThrow(/signature/);
  });
});
