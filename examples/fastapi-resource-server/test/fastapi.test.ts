import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, createPublicKey, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminQuery, withDatabase } from "../../../scripts/lib/postgres-admin.js";
import { jsonRequest, STRONG_PASSWORD, uniqueEmail } from "../../../test/helpers/auth-client.js";
import { freePort, type ServerProcess, startServerProcess } from "../../../test/helpers/server-process.js";

// The FastAPI example against a real Taskvault server: a token Taskvault issues is accepted; an
// expired, tampered, `alg: none` or HS256-keyed-with-the-public-key one is refused; a key rotated
// with `npm run keys -- rotate` is picked up. On PostgreSQL (TEST_DATABASE_URL) the rotation
// happens under the running server; on PGlite the server is stopped for it, as the keys command
// requires there.

// Debian's packages live in Debian's Python, not in whatever python3 comes first on PATH.
const PYTHON = "/usr/bin/python3";
const EXAMPLE_DIR = "examples/fastapi-resource-server";
const ISSUER = "http://localhost:3000";
// Short enough that the expired-token case waits only a few seconds, long enough for the others.
const ACCESS_TOKEN_TTL = 6;

const adminUrl = process.env.TEST_DATABASE_URL;
const databaseName = `tv_fastapi_${randomBytes(6).toString("hex")}`;
const dataDir = mkdtempSync(join(tmpdir(), "taskvault-fastapi-"));
let serverEnv: Record<string, string>;
let taskvault: ServerProcess;
let uvicorn: ChildProcess;
let uvicornLog = "";
let resourceServer: string;

async function startTaskvault(): Promise<void> {
  taskvault = await startServerProcess(serverEnv, 60_000);
}

beforeAll(async () => {
  if (!existsSync(PYTHON))
    throw new Error(`${PYTHON} is missing: apt-get install python3-fastapi python3-jwt python3-uvicorn`);
  serverEnv = {
    AUTH_SECRET: "fastapi-example-secret-that-is-long-enough-0123456789",
    PUBLIC_URL: ISSUER,
    DATA_DIR: dataDir,
    ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL),
    // Fixed, so that the resource server's JWKS URL holds across the restart on PGlite.
    PORT: String(await freePort()),
  };
  if (adminUrl) {
    await adminQuery(adminUrl, `create database ${databaseName}`);
    serverEnv.DATABASE_URL = withDatabase(adminUrl, databaseName);
  }
  await startTaskvault();

  const port = await freePort();
  resourceServer = `http://127.0.0.1:${port}`;
  uvicorn = spawn(
    PYTHON,
    ["-m", "uvicorn", "app:app", "--app-dir", EXAMPLE_DIR, "--host", "127.0.0.1", "--port", String(port)],
    {
      env: {
        PATH: process.env.PATH ?? "",
        TASKVAULT_URL: ISSUER,
        TASKVAULT_JWKS_URL: `${taskvault.url}/api/auth/jwks`,
        TASKVAULT_LEEWAY: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  uvicorn.stdout?.on("data", (d) => {
    uvicornLog += d;
  });
  uvicorn.stderr?.on("data", (d) => {
    uvicornLog += d;
  });
  const deadline = Date.now() + 30_000;
  while (
    !(await fetch(`${resourceServer}/health`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline || uvicorn.exitCode !== null) throw new Error(`uvicorn did not start: ${uvicornLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  uvicorn?.kill("SIGTERM");
  await taskvault?.stop();
  if (adminUrl) await adminQuery(adminUrl, `drop database if exists ${databaseName} with (force)`);
  rmSync(dataDir, { recursive: true, force: true });
});

async function signIn(email: string): Promise<string> {
  const res = await fetch(
    `${taskvault.url}/api/auth/signin`,
    jsonRequest("POST", { email, password: STRONG_PASSWORD }),
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function signUp(): Promise<{ id: string; email: string; token: string }> {
  const email = uniqueEmail("fastapi");
  const res = await fetch(
    `${taskvault.url}/api/auth/signup`,
    jsonRequest("POST", { email, password: STRONG_PASSWORD }),
  );
  expect(res.status).toBe(201);
  const body = (await res.json()) as { user: { id: string }; token: string };
  return { id: body.user.id, email, token: body.token };
}

const whoami = (token: string) => fetch(`${resourceServer}/whoami`, { headers: { authorization: `Bearer ${token}` } });

const b64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");
const partsOf = (token: string) => {
  const [header = "", payload = "", signature = ""] = token.split(".");
  return {
    header: JSON.parse(Buffer.from(header, "base64url").toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>,
    signature,
  };
};

describe("the FastAPI resource server", () => {
  it("accepts a Taskvault access token and answers its user", async () => {
    const user = await signUp();
    const res = await whoami(user.token);
    expect(res.status, uvicornLog).toBe(200);
    expect(await res.json()).toMatchObject({ userId: user.id, sessionId: partsOf(user.token).payload.sid });
  });

  it("refuses a request without a token", async () => {
    const res = await fetch(`${resourceServer}/whoami`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("refuses a token whose payload was changed after signing", async () => {
    const user = await signUp();
    const other = await signUp();
    const [header, , signature] = user.token.split(".");
    const payload = { ...partsOf(user.token).payload, sub: other.id };
    const res = await whoami(`${header}.${b64url(JSON.stringify(payload))}.${signature}`);
    expect(res.status).toBe(401);
  });

  it("refuses an unsigned token (alg: none)", async () => {
    const user = await signUp();
    const { header, payload } = partsOf(user.token);
    const forged = `${b64url(JSON.stringify({ ...header, alg: "none" }))}.${b64url(JSON.stringify(payload))}.`;
    expect((await whoami(forged)).status).toBe(401);
  });

  it("refuses a token signed with HS256 keyed with Taskvault's public key", async () => {
    const user = await signUp();
    const { header, payload } = partsOf(user.token);
    const jwks = (await (await fetch(`${taskvault.url}/api/auth/jwks`)).json()) as { keys: Record<string, string>[] };
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    expect(jwk).toBeDefined();
    const pem = createPublicKey({ key: jwk as never, format: "jwk" }).export({ type: "spki", format: "pem" });
    // Every form an HMAC verifier might be handed the public key in: PEM, the JWK's x, the JWK text.
    for (const secret of [String(pem), String(jwk?.x), JSON.stringify(jwk)]) {
      const input = `${b64url(JSON.stringify({ ...header, alg: "HS256" }))}.${b64url(JSON.stringify(payload))}`;
      const signature = createHmac("sha256", secret).update(input).digest("base64url");
      expect((await whoami(`${input}.${signature}`)).status).toBe(401);
    }
  });

  it("refuses a token once it has expired", { timeout: 30_000 }, async () => {
    const user = await signUp();
    expect((await whoami(user.token)).status).toBe(200);
    const expiresAt = Number(partsOf(user.token).payload.exp) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 1_500));
    const res = await whoami(user.token);
    expect(res.status).toBe(401);
    expect(JSON.stringify(await res.json())).toMatch(/expired/i);
  });

  it("accepts a token signed by a key rotated in with `npm run keys -- rotate`", { timeout: 90_000 }, async () => {
    const user = await signUp();
    const oldKid = partsOf(user.token).header.kid;
    expect((await whoami(user.token)).status).toBe(200);

    if (!adminUrl) await taskvault.stop();
    const rotate = await run("npm", ["run", "keys", "--", "rotate"], serverEnv);
    expect(rotate.code, rotate.output).toBe(0);
    if (!adminUrl) await startTaskvault();

    // On PostgreSQL the running server switches to the new key within a second.
    let token = await signIn(user.email);
    const deadline = Date.now() + 5_000;
    while (partsOf(token).header.kid === oldKid && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      token = await signIn(user.email);
    }
    expect(partsOf(token).header.kid).not.toBe(oldKid);
    const res = await whoami(token);
    expect(res.status, uvicornLog).toBe(200);
    expect((await res.json()).userId).toBe(user.id);
  });
});

function run(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, output })));
}
