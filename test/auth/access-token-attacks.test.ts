import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type SignedInUser, signUp } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectProblem } from "./http-expectations.js";
import { type ServerSigner, serverSigner, validClaims } from "./server-signing-key.js";

// RFC 8725 (JWT best current practices) attacks against GET /api/auth/me. Every rejection must
// be a 401 with the invalid_token challenge; the positive controls show that the same route
// accepts a token that differs only in the part under attack.

let t: TestApp;
let victim: SignedInUser;
let attacker: SignedInUser;
let signer: ServerSigner;
let sid: string;
beforeAll(async () => {
  t = await createTestApp();
  victim = await signUp(t);
  attacker = await signUp(t);
  signer = await serverSigner(t);
  sid = decodeJwt(victim.token).sid as string;
});
afterAll(() => t.close());

const me = (authorization: string) => t.request("/api/auth/me", { headers: { authorization } });

async function expectRejected(token: string): Promise<void> {
  const res = await me(`Bearer ${token}`);
  await expectProblem(res, 401, "unauthorized");
  expect(res.headers.get("www-authenticate")).toBe('Bearer realm="taskvault", error="invalid_token"');
}

async function expectAccepted(token: string, userId = victim.id): Promise<void> {
  const res = await me(`Bearer ${token}`);
  expect(res.status).toBe(200);
  expect((await res.json()).user.id).toBe(userId);
}

const b64url = (value: unknown) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const parts = (token: string) => token.split(".") as [string, string, string];

async function attackerKey(): Promise<{ privateKey: CryptoKey; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  return { privateKey: privateKey as CryptoKey, publicJwk: { ...(await exportJWK(publicKey)), alg: "EdDSA" } };
}

describe("positive controls", () => {
  it("the server's own token is accepted", async () => {
    await expectAccepted(victim.token);
  });

  it("a token built here with the server's key and the server's claims is accepted", async () => {
    await expectAccepted(await signer.sign(validClaims(t, victim.id, sid)));
  });
});

describe("the algorithm is pinned", () => {
  it('rejects alg "none" with an empty signature', async () => {
    const header = b64url({ alg: "none", typ: "at+jwt", kid: signer.kid });
    const payload = b64url(validClaims(t, victim.id, sid));
    await expectRejected(`${header}.${payload}.`);
  });

  it('rejects alg "none" with the original signature kept', async () => {
    const [, payload, signature] = parts(victim.token);
    await expectRejected(`${b64url({ alg: "none", typ: "at+jwt", kid: signer.kid })}.${payload}.${signature}`);
  });

  it("rejects HS256 signed with the public key as the HMAC secret, in every encoding of it", async () => {
    const jwks = (await (await t.request("/api/auth/jwks")).json()) as { keys: JWK[] };
    const publicJwk = jwks.keys.find((k) => k.kid === signer.kid) as JWK;
    const secrets = [
      Buffer.from(publicJwk.x as string, "base64url"),
      Buffer.from(publicJwk.x as string),
      Buffer.from(JSON.stringify(publicJwk)),
      Buffer.from(JSON.stringify(jwks)),
    ];
    for (const secret of secrets) {
      const token = await new SignJWT(validClaims(t, victim.id, sid))
        .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: signer.kid })
        .sign(new Uint8Array(secret));
      await expectRejected(token);
    }
  });

  it("rejects another asymmetric algorithm under the server's kid", async () => {
    const { privateKey } = await generateKeyPair("ES256");
    const token = await new SignJWT(validClaims(t, victim.id, sid))
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: signer.kid })
      .sign(privateKey);
    await expectRejected(token);
  });
});

describe("the signature", () => {
  it("rejects a payload whose sub was changed to another user", async () => {
    const [header, payload, signature] = parts(victim.token);
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const tampered = b64url({ ...claims, sub: attacker.id });
    await expectRejected(`${header}.${tampered}.${signature}`);
    await expectAccepted(`${header}.${payload}.${signature}`);
  });

  it("rejects a token whose exp was pushed forward", async () => {
    const [header, payload, signature] = parts(victim.token);
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    await expectRejected(`${header}.${b64url({ ...claims, exp: claims.exp + 86_400 })}.${signature}`);
  });

  it("rejects a stripped signature", async () => {
    const [header, payload] = parts(victim.token);
    await expectRejected(`${header}.${payload}.`);
    await expectRejected(`${header}.${payload}`);
  });

  it("rejects another token's signature", async () => {
    const [header, payload] = parts(victim.token);
    const [, , otherSignature] = parts(attacker.token);
    await expectRejected(`${header}.${payload}.${otherSignature}`);
  });
});

describe("the claims (signed with the server's real key, so only the claim is wrong)", () => {
  // The app's 30 s of clock-skew tolerance is the boundary: 20 s past exp is fine, 40 s is not.
  it("rejects a token that expired more than 30 seconds ago, and accepts one within the skew", async () => {
    const now = Math.floor(Date.now() / 1000);
    const longAgo = now - t.config.accessTokenTtl - 40;
    await expectRejected(await signer.sign(validClaims(t, victim.id, sid, longAgo)));
    const justNow = now - t.config.accessTokenTtl - 20;
    await expectAccepted(await signer.sign(validClaims(t, victim.id, sid, justNow)));
  });

  it("rejects a token from another issuer", async () => {
    await expectRejected(await signer.sign({ ...validClaims(t, victim.id, sid), iss: "https://evil.example" }));
  });

  it("rejects a token for another audience", async () => {
    const claims = validClaims(t, victim.id, sid);
    await expectRejected(await signer.sign({ ...claims, aud: "https://other-service.example/api" }));
    await expectRejected(await signer.sign({ ...claims, aud: t.config.publicUrl }));
  });

  it.each(["sub", "sid", "exp"])("rejects a token missing %s", async (claim) => {
    const claims: Record<string, unknown> = validClaims(t, victim.id, sid);
    delete claims[claim];
    await expectRejected(await signer.sign(claims));
  });

  it("rejects empty or non-string sub and sid", async () => {
    const claims = validClaims(t, victim.id, sid);
    await expectRejected(await signer.sign({ ...claims, sub: "" }));
    await expectRejected(await signer.sign({ ...claims, sid: "" }));
    await expectRejected(await signer.sign({ ...claims, sid: 42 }));
  });

  it("rejects a JWT of another type signed by the same key (explicit typing, RFC 9068)", async () => {
    const claims = validClaims(t, victim.id, sid);
    await expectRejected(await signer.sign(claims, { typ: "JWT" }));
  });

  it("rejects a token whose session has been signed out even though it is signed and unexpired", async () => {
    const user = await signUp(t);
    const forged = await signer.sign(validClaims(t, user.id, decodeJwt(user.token).sid as string));
    await expectAccepted(forged, user.id);
    expect((await t.request("/api/auth/signout", { method: "POST", headers: bearer(user.token) })).status).toBe(204);
    await expectRejected(forged);
  });
});

describe("an app behind another PUBLIC_URL over the same database (same key, other iss/aud)", () => {
  it("rejects the other app's tokens, and the other app rejects ours", async () => {
    const other = await createTestApp({ database: t.database, env: { PUBLIC_URL: "https://elsewhere.example" } });
    try {
      const res = await other.request("/api/auth/signin", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: victim.email, password: victim.password }),
      });
      const { token } = await res.json();
      expect(decodeProtectedHeader(token).kid).toBe(signer.kid);
      expect(decodeJwt(token).iss).toBe("https://elsewhere.example");
      expect((await other.request("/api/auth/me", { headers: bearer(token) })).status).toBe(200);

      await expectRejected(token);
      expect((await other.request("/api/auth/me", { headers: bearer(victim.token) })).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe("keys named by the token are never followed", () => {
  let keyServer: Server;
  let keyServerHits = 0;
  let keyServerUrl = "";
  let attackerJwks: { keys: JWK[] } = { keys: [] };
  beforeAll(async () => {
    keyServer = createServer((_req, res) => {
      keyServerHits++;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(attackerJwks));
    });
    await new Promise<void>((resolve) => keyServer.listen(0, "127.0.0.1", resolve));
    keyServerUrl = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => keyServer.close(() => resolve())));

  it("rejects an embedded jwk header carrying the attacker's public key, with or without the server's kid", async () => {
    const { privateKey, publicJwk } = await attackerKey();
    for (const kid of [signer.kid, "attacker-key"]) {
      const token = await new SignJWT(validClaims(t, victim.id, sid))
        .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid, jwk: { ...publicJwk, kid } })
        .sign(privateKey);
      await expectRejected(token);
    }
  });

  it("rejects jku and x5u headers and never fetches them", async () => {
    const { privateKey, publicJwk } = await attackerKey();
    attackerJwks = { keys: [{ ...publicJwk, kid: "attacker-key" }] };
    for (const header of [
      { jku: `${keyServerUrl}/jwks.json`, kid: "attacker-key" },
      { jku: `${keyServerUrl}/jwks.json`, kid: signer.kid },
      { x5u: `${keyServerUrl}/cert.pem`, kid: "attacker-key" },
    ]) {
      const token = await new SignJWT(validClaims(t, victim.id, sid))
        .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", ...header })
        .sign(privateKey);
      await expectRejected(token);
    }
    expect(keyServerHits).toBe(0);
  });

  it("rejects a token signed with the server's key but naming an unknown kid", async () => {
    await expectRejected(await signer.sign(validClaims(t, victim.id, sid), { kid: "no-such-key" }));
  });

  it("rejects a token with no kid", async () => {
    const header = { alg: "EdDSA", typ: "at+jwt" };
    const withKid = await signer.sign(validClaims(t, victim.id, sid));
    const [, payload, signature] = parts(withKid);
    await expectRejected(`${b64url(header)}.${payload}.${signature}`);
  });
});

describe("the Authorization header", () => {
  it('accepts the scheme in any letter case ("bearer", "BEARER")', async () => {
    expect((await me(`bearer ${victim.token}`)).status).toBe(200);
    expect((await me(`BEARER ${victim.token}`)).status).toBe(200);
  });

  it("rejects the Basic scheme", async () => {
    const res = await me(`Basic ${Buffer.from(`${victim.email}:${victim.password}`).toString("base64")}`);
    await expectProblem(res, 401, "unauthorized");
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="taskvault"/);
  });

  it("rejects the token sent without a scheme, or twice", async () => {
    await expectProblem(await me(victim.token), 401, "unauthorized");
    await expectProblem(await me(`Bearer ${victim.token} ${victim.token}`), 401, "unauthorized");
  });

  it("never reads a token from the query string", async () => {
    for (const name of ["access_token", "token"]) {
      const res = await t.request(`/api/auth/me?${name}=${victim.token}`);
      await expectProblem(res, 401, "unauthorized");
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="taskvault"');
    }
  });

  it("never reads a token from a cookie", async () => {
    const res = await t.request("/api/auth/me", {
      headers: { cookie: `taskvault_session=${victim.refreshToken}; token=${victim.token}` },
    });
    await expectProblem(res, 401, "unauthorized");
  });
});
