import { eq } from "drizzle-orm";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "../../src/server/db/schema/index.js";
import { expectProblem } from "../auth/http-expectations.js";
import { serverSigner, validClaims } from "../auth/server-signing-key.js";
import { bearer, jsonRequest, type SignedInUser, signUp } from "../helpers/auth-client.js";
import { databaseSnapshot } from "../helpers/database-snapshot.js";
import {
  type ApiOperation,
  apiOperations,
  fillPath,
  operationName,
  sampleBody,
} from "../helpers/openapi-operations.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

// The access-control matrix, generated from GET /api/openapi.json: every operation that declares
// the bearer scheme is called with each kind of bad credential, and must answer the right
// 401/403 and change nothing. A route added to the document is in the matrix without anyone
// editing this file.

/** The operations that may be called without a token. Adding one here is a security decision. */
const PUBLIC_OPERATIONS = [
  "GET /api/health",
  "GET /api/ready",
  "GET /api/auth/jwks",
  "POST /api/auth/signup",
  "POST /api/auth/signin",
  "POST /api/auth/refresh",
  // The emailed links' flows: the token in the body is the credential.
  "POST /api/auth/forgot-password",
  "POST /api/auth/reset-password",
  "POST /api/auth/verify-email",
  "POST /api/auth/confirm-email",
];
const CHALLENGE = 'Bearer realm="taskvault"';
const INVALID_TOKEN_CHALLENGE = 'Bearer realm="taskvault", error="invalid_token"';

interface Owner {
  user: SignedInUser;
  taskId: string;
}

let t: TestApp;
let operations: ApiOperation[];
let guarded: ApiOperation[];
let alice: Owner;
let bob: Owner;
beforeAll(async () => {
  t = await createTestApp();
  operations = await apiOperations(t);
  // Sign-out last: it ends the session the other calls use (and remembers it as revoked).
  guarded = operations
    .filter((op) => op.bearer)
    .sort((a, b) => Number(a.path.endsWith("/signout")) - Number(b.path.endsWith("/signout")));
  alice = await ownerWithTask("Alice's private task");
  bob = await ownerWithTask("Bob's task");
});
afterAll(() => t.close());

async function ownerWithTask(title: string): Promise<Owner> {
  const user = await signUp(t);
  const res = await t.request(`/api/${user.id}/tasks`, jsonRequest("POST", { title }, bearer(user.token)));
  expect(res.status).toBe(201);
  return { user, taskId: ((await res.json()) as { id: string }).id };
}

/** Calls an operation on `owner`'s resources with the given headers and the smallest valid body. */
function call(op: ApiOperation, owner: Owner, headers: Record<string, string>): Promise<Response> {
  const path = fillPath(op.path, { userId: owner.user.id, id: owner.taskId });
  if (!op.body) return t.request(path, { method: op.method, headers });
  return t.request(path, jsonRequest(op.method, sampleBody(op.body.schema), headers));
}

interface Answer {
  operation: string;
  status: number;
  code?: string;
  challenge?: string | null;
}

/** Calls every guarded operation and records what each answered, for one table comparison. */
async function answers(owner: Owner, headers: () => Record<string, string>): Promise<Answer[]> {
  const table: Answer[] = [];
  for (const op of guarded) {
    const res = await call(op, owner, headers());
    const text = await res.text();
    const code = text.startsWith("{") ? (JSON.parse(text) as { code?: string }).code : undefined;
    table.push({
      operation: operationName(op),
      status: res.status,
      code,
      challenge: res.headers.get("www-authenticate"),
    });
  }
  return table;
}

const everyGuarded = (expected: Omit<Answer, "operation">) =>
  guarded.map((op) => ({ operation: operationName(op), ...expected }));

describe("the OpenAPI document", () => {
  it("marks every operation as bearer-protected unless it is one of the known public ones", () => {
    const open = operations.filter((op) => !op.bearer).map(operationName);
    expect(open.sort()).toEqual([...PUBLIC_OPERATIONS].sort());
    expect(guarded.length).toBeGreaterThanOrEqual(9);
  });

  it("lets the owner's own valid token through every guarded operation (the control)", async () => {
    const carol = await ownerWithTask("Carol's task");
    for (const op of guarded) {
      const res = await call(op, carol, bearer(carol.user.token));
      // 403 wrong_password comes from behind the guard: the sample body's password is wrong.
      const code = res.status === 403 ? ((await res.clone().json()) as { code?: string }).code : undefined;
      const refused = res.status === 401 || (res.status === 403 && code !== "wrong_password");
      expect({ operation: operationName(op), refused }).toEqual({
        operation: operationName(op),
        refused: false,
      });
      expect(res.status, operationName(op)).toBeLessThan(500);
    }
  });
});

describe("every bearer-protected operation", () => {
  it("answers 401 with a bare challenge when no token is sent, and changes nothing", async () => {
    const before = await databaseSnapshot(t);
    const table = await answers(alice, () => ({}));
    expect(table).toEqual(everyGuarded({ status: 401, code: "unauthorized", challenge: CHALLENGE }));
    expect(await databaseSnapshot(t)).toBe(before);
  });

  it("answers 401 invalid_token to an expired token, even on the token owner's own data", async () => {
    const signer = await serverSigner(t);
    const longAgo = Math.floor(Date.now() / 1000) - t.config.accessTokenTtl - 60;
    const sid = decodeJwt(alice.user.token).sid as string;
    const expired = await signer.sign(validClaims(t, alice.user.id, sid, longAgo));
    const before = await databaseSnapshot(t);
    const table = await answers(alice, () => bearer(expired));
    expect(table).toEqual(everyGuarded({ status: 401, code: "unauthorized", challenge: INVALID_TOKEN_CHALLENGE }));
    expect(await databaseSnapshot(t)).toBe(before);
  });

  it("answers 401 invalid_token to a revoked token (after sign-out), and changes nothing", async () => {
    const rita = await ownerWithTask("Rita's task");
    const signout = await t.request("/api/auth/signout", { method: "POST", headers: bearer(rita.user.token) });
    expect(signout.status).toBe(204);
    const before = await databaseSnapshot(t);
    const table = await answers(rita, () => bearer(rita.user.token));
    expect(table).toEqual(everyGuarded({ status: 401, code: "unauthorized", challenge: INVALID_TOKEN_CHALLENGE }));
    expect(await databaseSnapshot(t)).toBe(before);
  });

  it("answers 403 to another user's token on a path naming a user, and never reveals or changes that user's data", async () => {
    const before = await databaseSnapshot(t, alice.user.id);
    const withUser = guarded.filter((op) => op.pathParams.includes("userId"));
    const acrossUsers = withUser.map((op) => operationName(op));
    expect(acrossUsers.length).toBeGreaterThanOrEqual(7);
    for (const op of guarded) {
      // A fresh session of Bob each time, so that sign-out, if in the document, cannot end the rest.
      const intruder = await signIn(bob.user);
      const res = await call(op, alice, bearer(intruder));
      const text = await res.text();
      if (op.pathParams.includes("userId")) {
        expect({ operation: operationName(op), status: res.status }).toEqual({
          operation: operationName(op),
          status: 403,
        });
        expect(JSON.parse(text).code).toBe("forbidden");
      } else {
        // No user in the path: the operation acts on the caller's own account only.
        expect(res.status, operationName(op)).toBeLessThan(500);
      }
      expect(text).not.toContain(alice.user.id);
      expect(text).not.toContain(alice.user.email);
      expect(text).not.toContain("Alice's");
      expect(res.headers.get("etag")).toBeNull();
    }
    expect(await databaseSnapshot(t, alice.user.id)).toBe(before);
  });

  it("answers 401 invalid_token within one second to the token of a deleted user, never 5xx, and writes nothing", async () => {
    const dave = await ownerWithTask("Dave's task");
    // Deleted outside the API, as an operator would: the row's cascade removes sessions and tasks.
    await t.database.handle.db.delete(users).where(eq(users.id, dave.user.id));
    const deletedAt = performance.now();
    const afterDeletion = await databaseSnapshot(t);

    // Straight away, before any revocation could have been read: refusals or nothing to see. (Not
    // sign-out: refusing a session that is gone also revokes it in this process at once.)
    const straightAway = Promise.all(
      guarded
        .filter((op) => !op.path.endsWith("/signout"))
        .map(async (op) => ({ op, status: (await call(op, dave, bearer(dave.user.token))).status })),
    );
    const list = guarded.find((op) => op.method === "GET" && op.path === "/api/{userId}/tasks") as ApiOperation;
    let status: number;
    let revokedAfter: number;
    do {
      status = (await call(list, dave, bearer(dave.user.token))).status;
      revokedAfter = performance.now() - deletedAt;
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 25));
    } while (status !== 401 && revokedAfter < 2_000);
    expect(status).toBe(401);
    expect(revokedAfter).toBeLessThan(1_000);
    for (const { op, status: early } of await straightAway) {
      expect(early, operationName(op)).toBeLessThan(500);
      if (op.method !== "GET") expect([401, 404], operationName(op)).toContain(early);
    }
    expect(await databaseSnapshot(t)).toBe(afterDeletion);

    const table = await answers(dave, () => bearer(dave.user.token));
    expect(table).toEqual(everyGuarded({ status: 401, code: "unauthorized", challenge: INVALID_TOKEN_CHALLENGE }));
    expect(await databaseSnapshot(t)).toBe(afterDeletion);

    const refresh = await t.request("/api/auth/refresh", jsonRequest("POST", { refreshToken: dave.user.refreshToken }));
    await expectProblem(refresh, 401, "unauthorized");
  });
});

async function signIn(user: SignedInUser): Promise<string> {
  const res = await t.request("/api/auth/signin", jsonRequest("POST", { email: user.email, password: user.password }));
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}
