import { existsSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEB_DIST_DIR } from "../../src/server/web/web-app.js";
import { problemCodes } from "../../src/shared/problem.js";
import { taskSchema } from "../../src/shared/task.schemas.js";
import { bearer, jsonRequest, type SignedInUser, signUp } from "../helpers/auth-client.js";
import { databaseSnapshot } from "../helpers/database-snapshot.js";
import { fuzzParameters, scaledTimeout } from "../helpers/fuzz-settings.js";
import {
  contentType,
  emailLike,
  encodeSegment,
  headerText,
  hostileBody,
  hostileSegment,
  hostileString,
  hostileValue,
  oddHeaders,
} from "../helpers/hostile-arbitraries.js";
import {
  type ApiOperation,
  apiOperations,
  fillPath,
  operationName,
  sampleBody,
} from "../helpers/openapi-operations.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const webAppBuilt = existsSync(join(WEB_DIST_DIR, "index.html"));

// Hostile input against every route of the OpenAPI document and, in depth, against the auth
// routes (test/tasks/hostile-input.property.test.ts covers the task bodies, queries and ids in
// depth). Every answer must be a status the document (or, for 404/405, the contract's general
// rules) allows, errors must be problem+json, nothing may answer 5xx, and the victim's rows must
// not move. FUZZ_RUNS raises the number of cases (npm run fuzz).

const RUNS = { auth: 200, operations: 800, tokens: 200 };
const MISSING_ID = "00000000-0000-4000-8000-000000000000";
const FOREIGN_ORIGIN = "https://evil.example";
/** The app's own origin (PUBLIC_URL in createTestApp): the only Origin a write may carry. */
const OWN_ORIGIN = "http://localhost:3000";

interface Party {
  user: SignedInUser;
  taskId: string;
}

let t: TestApp;
let operations: ApiOperation[];
let victim: Party;
let attacker: Party;
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

beforeAll(async () => {
  t = await createTestApp();
  operations = await apiOperations(t);
  victim = await partyWithTask({ title: "Victim's task", description: "must never change", tags: ["safe"] });
  attacker = await partyWithTask({ title: "Attacker's own task" });
});
afterAll(() => t.close());

async function partyWithTask(task: Record<string, unknown>): Promise<Party> {
  const user = await signUp(t);
  const res = await t.request(`/api/${user.id}/tasks`, jsonRequest("POST", task, bearer(user.token)));
  expect(res.status).toBe(201);
  return { user, taskId: ((await res.json()) as { id: string }).id };
}

const operation = (method: string, path: string) =>
  operations.find((op) => op.method === method && op.path === path) as ApiOperation;

/**
 * Asserts an answer the contract allows: one of `allowed`, errors as problem+json with a known
 * code and no internals, successes as well-formed JSON.
 */
async function expectDocumentedAnswer(res: Response, allowed: Iterable<number>, context: string): Promise<void> {
  // An event stream (GET …/events) stays open until its token expires: its status and headers are
  // the answer, and its body is cancelled rather than read.
  const streaming = res.ok && (res.headers.get("content-type") ?? "").startsWith("text/event-stream");
  if (streaming) await res.body?.cancel();
  const text = streaming ? "" : await res.text();
  const where = `${context} -> ${res.status} ${text.slice(0, 300)}`;
  expect(res.status, where).toBeLessThan(500);
  expect([...allowed], where).toContain(res.status);
  if (res.status >= 400) {
    expect(res.headers.get("content-type"), where).toMatch(/^application\/problem\+json/);
    const problem = JSON.parse(text) as Record<string, unknown>;
    expect(problem.status, where).toBe(res.status);
    expect(problemCodes, where).toContain(problem.code);
    expect(typeof problem.title === "string" && typeof problem.detail === "string", where).toBe(true);
    expect(text, where).not.toMatch(/\n\s+at |node_modules|DrizzleQueryError|syntax error at|violates/);
  } else if (text !== "") {
    expect(res.headers.get("content-type"), where).toMatch(/^application\/json/);
    expect(text.isWellFormed(), where).toBe(true);
    JSON.parse(text);
  }
}

/**
 * The statuses an operation may answer: its documented ones, plus 403 for a write from a foreign
 * Origin (the CSRF rule of docs/api.md, which applies to every route).
 */
function allowedFor(op: ApiOperation, headers: Record<string, string>): Set<number> {
  const allowed = new Set(op.statuses);
  if (headers.origin !== undefined && headers.origin !== OWN_ORIGIN && op.method !== "GET") allowed.add(403);
  return allowed;
}

/** Raw bytes as a fetch body. */
const asBody = (body: string | Uint8Array) => (typeof body === "string" ? body : new Uint8Array(body));

/**
 * Runs a property, then checks that the victim's rows did not move, that no prototype was
 * polluted, and that the server still serves the victim.
 */
async function withVictimUnharmed(property: () => Promise<void>): Promise<void> {
  const before = await databaseSnapshot(t, victim.user.id);
  await property();
  expect(await databaseSnapshot(t, victim.user.id)).toBe(before);
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  const me = await t.request("/api/auth/me", { headers: bearer(victim.user.token) });
  expect(me.status).toBe(200);
  expect(((await me.json()) as { user: { id: string } }).user.id).toBe(victim.user.id);
}

const withOrigin = fc.option(fc.constantFrom(FOREIGN_ORIGIN, "null", OWN_ORIGIN), { nil: undefined });

function requestHeaders(
  extra: Record<string, string>,
  type: string | undefined,
  origin: string | undefined,
): Record<string, string> {
  return {
    ...extra,
    ...(type === undefined ? {} : { "content-type": type }),
    ...(origin === undefined ? {} : { origin }),
  };
}

describe("hostile bodies and headers on the auth routes", () => {
  const cases = [
    {
      path: "/api/auth/signup",
      fields: () => ({
        email: emailLike,
        password: fc.oneof(fc.string({ minLength: 8, maxLength: 24 }), hostileString),
        name: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), hostileString),
      }),
    },
    {
      path: "/api/auth/signin",
      fields: () => ({
        email: fc.oneof(emailLike, fc.constant(victim.user.email), fc.constant(victim.user.email.toUpperCase())),
        password: fc.oneof(hostileString, fc.string({ maxLength: 130 })),
      }),
    },
    {
      path: "/api/auth/refresh",
      // Never the victim's refresh token: a valid refresh would rightly move their session's expiry.
      fields: () => ({ refreshToken: fc.oneof(hostileString, fc.constant(attacker.user.refreshToken)) }),
    },
  ];
  const runs = fuzzParameters(RUNS.auth);

  it.each(cases)(
    "POST $path answers only documented statuses with problem+json, never 5xx, and harms no one",
    { timeout: scaledTimeout(60_000, RUNS.auth, runs.numRuns ?? RUNS.auth) },
    async ({ path, fields }) => {
      const op = operation("POST", path);
      await withVictimUnharmed(() =>
        fc.assert(
          fc.asyncProperty(
            hostileBody(fields()),
            contentType,
            oddHeaders,
            withOrigin,
            fc.ipV4(),
            async (body, type, extra, origin, address) => {
              const headers = requestHeaders(extra, type, origin);
              const res = await t.request(path, { method: "POST", headers, body: asBody(body), address });
              await expectDocumentedAnswer(res, allowedFor(op, headers), `POST ${path}`);
            },
          ),
          runs,
        ),
      );
    },
  );
});

describe("hostile requests to every operation in the OpenAPI document", () => {
  const runs = fuzzParameters(RUNS.operations);
  const queryValue = fc.oneof(
    hostileString.map(encodeSegment),
    fc.constantFrom("%", "%zz", "%00", "%ED%A0%80", "+", "&&", "=", "[]", "all", "title", "asc", "1", "100"),
  );
  const query = fc
    .array(
      fc.tuple(
        fc.oneof(fc.constantFrom("q", "status", "sort", "limit", "cursor", "tag", "userId"), queryValue),
        queryValue,
      ),
      { maxLength: 4 },
    )
    .map((pairs) => (pairs.length === 0 ? "" : `?${pairs.map(([n, v]) => `${n}=${v}`).join("&")}`));

  it("answer only documented statuses, never 5xx, and never touch another user's data", {
    timeout: scaledTimeout(120_000, RUNS.operations, runs.numRuns ?? RUNS.operations),
  }, async () => {
    const taskFields = {
      title: fc.oneof(fc.constant("A title"), hostileString),
      description: hostileString,
      priority: fc.constantFrom("none", "low", "medium", "high", "HIGH", 3),
      dueAt: fc.oneof(
        fc.constant(null),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        hostileString,
      ),
      tags: fc.array(hostileString, { maxLength: 12 }),
      completed: fc.oneof(fc.boolean(), hostileValue),
      refreshToken: hostileString,
      email: emailLike,
      password: hostileString,
    };
    const request = fc.record({
      op: fc.constantFrom(...operations),
      userId: fc.oneof(
        { weight: 5, arbitrary: fc.constant(attacker.user.id) },
        { weight: 2, arbitrary: fc.constant(victim.user.id) },
        { weight: 2, arbitrary: hostileSegment },
      ),
      id: fc.oneof(
        { weight: 4, arbitrary: fc.constant(attacker.taskId) },
        { weight: 2, arbitrary: fc.constant(victim.taskId) },
        { weight: 1, arbitrary: fc.constant(MISSING_ID) },
        { weight: 3, arbitrary: hostileSegment },
      ),
      query,
      token: fc.oneof(
        { weight: 6, arbitrary: fc.constant(attacker.user.token) },
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: headerText(200) },
      ),
      body: fc.oneof(
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constant("sample") },
        { weight: 4, arbitrary: hostileBody(taskFields) },
      ),
      type: contentType,
      extra: oddHeaders,
      origin: withOrigin,
    });
    await withVictimUnharmed(() =>
      fc.assert(
        fc.asyncProperty(request, async ({ op, userId, id, query: q, token, body, type, extra, origin }) => {
          // Sign-out would end the attacker's session and turn every later case into a 401.
          if (op.path.endsWith("/signout") && token === attacker.user.token) return;
          const path = fillPath(op.path, { userId, id }, true) + q;
          const headers = requestHeaders(extra, type, origin);
          if (token !== undefined) headers.authorization = `Bearer ${token}`;
          const payload =
            op.method === "GET" || body === undefined
              ? undefined
              : body === "sample"
                ? JSON.stringify(op.body ? sampleBody(op.body.schema) : {})
                : asBody(body);
          const res = await t.request(path, { method: op.method, headers, body: payload ?? null });
          const context = `${op.method} ${path.slice(0, 200)}`;
          if (!new URL(path, "http://localhost").pathname.startsWith("/api/")) {
            // Dot segments took the request out of the API, to the web app: only "no 5xx" applies,
            // except the 503 page that says the app is not built (a clone before `npm run build`).
            if (webAppBuilt) expect(res.status, context).toBeLessThan(500);
            else expect([404, 503], context).toContain(res.status);
            return;
          }
          // 404 and 405: a hostile segment may name no route, or another route's path. 413: any
          // body over 64 KiB, on any route (the contract's general rule).
          const allowed = new Set([...allowedFor(op, headers), 404, 405]);
          if (op.bearer) allowed.add(401);
          if (payload !== undefined) allowed.add(413);
          await expectDocumentedAnswer(res, allowed, context);
        }),
        runs,
      ),
    );
    // The attacker's own tasks, whatever was written to them, are still well-formed.
    const list = await t.request(`/api/${attacker.user.id}/tasks?limit=100`, { headers: bearer(attacker.user.token) });
    expect(list.status).toBe(200);
    for (const task of ((await list.json()) as { tasks: unknown[] }).tasks) taskSchema.strict().parse(task);
  });

  it("answer a method no operation of the path has with 405, an Allow header and problem+json", async () => {
    const paths = [...new Set(operations.map((op) => op.path))];
    for (const path of paths) {
      const documented = operations.filter((op) => op.path === path).map((op) => op.method);
      const url = fillPath(path, { userId: attacker.user.id, id: attacker.taskId });
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => !documented.includes(m))) {
        const res = await t.request(url, { method, headers: bearer(attacker.user.token) });
        await expectDocumentedAnswer(res, [405], `${method} ${path}`);
        const allow = (res.headers.get("allow") ?? "").split(/,\s*/);
        expect(allow, `${method} ${path}`).toEqual(expect.arrayContaining(documented));
        expect(allow, `${method} ${path}`).not.toContain(method);
      }
    }
  });
});

describe("hostile Authorization headers on every bearer-protected operation", () => {
  const runs = fuzzParameters(RUNS.tokens);
  const b64url = fc.string({
    unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
    maxLength: 120,
  });
  /** The attacker's real token with one character of its header or payload changed. */
  const tampered = fc.nat().map((n) => {
    const token = attacker.user.token;
    const signatureStart = token.lastIndexOf(".");
    let i = n % signatureStart;
    if (token[i] === ".") i = Math.max(0, i - 1);
    return `${token.slice(0, i)}${token[i] === "A" ? "B" : "A"}${token.slice(i + 1)}`;
  });
  const authorization = fc.oneof(
    headerText(300),
    fc.tuple(b64url, b64url, b64url).map((parts) => `Bearer ${parts.join(".")}`),
    tampered.map((token) => `Bearer ${token}`),
    fc.integer({ min: 1_000, max: 12_000 }).map((n) => `Bearer ${"a".repeat(n)}.${"b".repeat(n)}.c`),
    fc.constantFrom(
      "Bearer",
      "Bearer ",
      "Bearer a.b.c",
      "Bearer ..",
      "Basic YWRtaW46YWRtaW4=",
      "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
      "Digest username=admin",
    ),
  );

  it("get 401 with a challenge, and nothing else", {
    timeout: scaledTimeout(60_000, RUNS.tokens, runs.numRuns ?? RUNS.tokens),
  }, async () => {
    const guarded = operations.filter((op) => op.bearer);
    await withVictimUnharmed(() =>
      fc.assert(
        fc.asyncProperty(fc.constantFrom(...guarded), authorization, async (op, value) => {
          const path = fillPath(op.path, { userId: victim.user.id, id: victim.taskId });
          const init = op.body
            ? jsonRequest(op.method, sampleBody(op.body.schema), { authorization: value })
            : { method: op.method, headers: { authorization: value } };
          const res = await t.request(path, init);
          expect(res.headers.get("www-authenticate"), operationName(op)).toMatch(/^Bearer realm="taskvault"/);
          await expectDocumentedAnswer(res, [401], `${operationName(op)} with ${value.slice(0, 80)}`);
        }),
        runs,
      ),
    );
  });
});
