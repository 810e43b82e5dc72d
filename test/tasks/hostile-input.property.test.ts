import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { problemCodes } from "../../src/shared/problem.js";
import { sortFields, type Task, taskSchema } from "../../src/shared/task.schemas.js";
import { bearer, signUp } from "../helpers/auth-client.js";
import { oddCharacter } from "../helpers/hostile-arbitraries.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { ISO_UTC, idsOf, MISSING_ID, type TasksApi, tasksApi } from "./helpers.js";

const NUM_RUNS = 150;

let t: TestApp;
let attacker: TasksApi;
let victim: TasksApi;
let target: Task;
beforeAll(async () => {
  t = await createTestApp();
  attacker = tasksApi(t, await signUp(t));
  victim = tasksApi(t, await signUp(t));
  target = await attacker.createTask({ title: "Target of every write" });
  await victim.createTask({ title: "Victim's task", description: "must never change", tags: ["safe"] });
  await victim.createTask({ title: "Victim's other task", completed: true, dueAt: "2026-02-03T04:05:06Z" });
});
afterAll(() => t.close());

const DOCUMENTED = [200, 201, 204, 400, 404, 412, 413, 415];

/** The victim's whole list as exact text: compared before and after each property. */
const victimSnapshot = async () => (await victim.list({ limit: "100" })).text();

/**
 * Asserts an answer the contract allows: a documented status, problem+json with a known code
 * for every error, and a well-formed task for every task answer.
 */
async function expectDocumentedAnswer(res: Response): Promise<void> {
  const text = await res.text();
  expect(DOCUMENTED, text).toContain(res.status);
  if (res.status >= 400) {
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const problem = JSON.parse(text);
    expect(problem.status).toBe(res.status);
    expect(problemCodes).toContain(problem.code);
  } else if (text !== "") {
    const body = JSON.parse(text);
    const task = "tasks" in body ? body.tasks[0] : body;
    if (task) {
      expect(taskSchema.strict().parse(task).createdAt).toMatch(ISO_UTC);
      expect(JSON.stringify(task).isWellFormed()).toBe(true);
    }
  }
}

const oddString = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: oddCharacter, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 150, max: 1100 }).map((n) => "é".repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 70_000 }).map((n) => "😀".repeat(n / 2)) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.constantFrom("true", "null", "2030-02-30T00:00:00Z", "0000-01-01T00:00:00Z", "high") },
);
const fieldName = fc.oneof(
  fc.constantFrom("title", "description", "priority", "dueAt", "tags", "completed", "id", "createdAt", "userId"),
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "title ", "Title", ""),
  oddString,
);
const anyValue = fc.oneof(fc.jsonValue(), oddString);
const dateLike = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom(
    "9999-12-31T23:59:59.999-23:59",
    "1000-01-01T00:00:00+23:59",
    "0000-01-01T00:00:00Z",
    "0050-05-05T05:05:05Z",
    "2026-01-01T00:00:00.0000000001Z",
  ),
  oddString,
);
/** Either something valid for the field or something hostile, so that later checks are reached. */
const field = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 2, arbitrary: valid as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: anyValue });
/** Bodies close to valid, so that validation is tried field by field. */
const taskLike = fc.record(
  {
    title: field(fc.oneof(fc.constant("A title"), oddString)),
    description: field(oddString),
    priority: field(fc.constantFrom("none", "low", "medium", "high", "HIGH", 1)),
    dueAt: field(fc.oneof(dateLike, fc.constant(null))),
    tags: field(fc.array(oddString, { maxLength: 12 })),
    completed: field(fc.oneof(fc.boolean(), fc.constantFrom("true", 0, null))),
  },
  { requiredKeys: [] },
);
/** Bodies of odd but mostly storable text, so that many are accepted and must list back. */
const storableTask = fc.record(
  {
    title: oddString,
    description: oddString,
    priority: fc.constantFrom("none", "low", "medium", "high"),
    dueAt: fc.oneof(dateLike, fc.constant(null)),
    tags: fc.array(oddString, { maxLength: 4 }),
    completed: fc.boolean(),
  },
  { requiredKeys: ["title"] },
);
const nested = fc
  .tuple(fc.integer({ min: 1, max: 30_000 }), fc.constantFrom(["[", "]"], ['{"a":', "}"], ['{"title":', "}"]))
  .map(([depth, [open, close]]) => `${open.repeat(depth)}1${close.repeat(depth)}`);

/** A request body as sent: JSON text of a hostile value, raw text, or raw bytes. */
const hostileBody = fc.oneof(
  { weight: 3, arbitrary: taskLike.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.dictionary(fieldName, anyValue, { maxKeys: 8 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: nested },
  { weight: 1, arbitrary: fc.string({ unit: oddCharacter, maxLength: 60 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 60 }).map((bytes) => new Uint8Array(bytes)) },
);
const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant("application/json") },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      undefined,
      "text/plain",
      "application/json; charset=latin1",
      "application/problem+json",
      "application/jsonx",
      "",
    ),
  },
);
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) });
const ifMatch = fc.option(fc.oneof(fc.constantFrom("*", 'W/"1"', '"1"', '"2"', '"999999999999"'), headerText));

function send(
  method: string,
  path: string,
  body: string | Uint8Array<ArrayBuffer>,
  type?: string,
  match?: string | null,
) {
  const headers = bearer(attacker.user.token, {
    ...(type === undefined ? {} : { "content-type": type }),
    ...(match ? { "if-match": match } : {}),
  });
  return t.request(path, { method, headers, body });
}

/** Runs a property, then checks that the victim's data did not move. */
async function withVictimUnchanged(property: () => Promise<void>): Promise<void> {
  const before = await victimSnapshot();
  await property();
  expect(await victimSnapshot()).toBe(before);
}

describe("hostile request bodies", () => {
  const routes = [
    ["POST a task", "POST", () => attacker.base],
    ["PUT a task", "PUT", () => attacker.path(target.id)],
    ["PATCH a task", "PATCH", () => attacker.path(target.id)],
    ["PATCH a missing task", "PATCH", () => attacker.path(MISSING_ID)],
    ["complete a task", "PATCH", () => `${attacker.path(target.id)}/complete`],
  ] as const;

  it.each(routes)("%s: only documented answers, never a 500", async (_, method, path) => {
    await withVictimUnchanged(() =>
      fc.assert(
        fc.asyncProperty(hostileBody, contentType, ifMatch, async (body, type, match) => {
          await expectDocumentedAnswer(await send(method, path(), body, type, match));
        }),
        { numRuns: NUM_RUNS },
      ),
    );
  });

  it("stores only what lists back: every sort walks page by page over each accepted task exactly once", async () => {
    const own = tasksApi(t, await signUp(t));
    const accepted: string[] = [];
    await fc.assert(
      fc.asyncProperty(storableTask, async (body) => {
        const res = await own.create(body);
        await expectDocumentedAnswer(res.clone());
        if (res.status === 201) accepted.push((await res.json()).id);
      }),
      { numRuns: 60 },
    );
    expect(accepted.length).toBeGreaterThan(0);
    for (const sort of sortFields) {
      for (const order of ["asc", "desc"]) {
        const walked = idsOf(await own.listAll({ sort, order, limit: "7" }));
        expect(walked.sort()).toEqual([...accepted].sort());
      }
    }
  });
});

describe("date-time-shaped strings", () => {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const offset = fc.oneof(
    fc.constantFrom("Z", "z"),
    fc
      .tuple(fc.constantFrom("+", "-"), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }))
      .map(([sign, h, m]) => `${sign}${pad(h)}:${pad(m)}`),
  );
  /** A string shaped like an ISO date-time, and whether the contract makes it a real instant. */
  const isoShaped = fc
    .tuple(
      fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 1, 99, 100, 999, 1000, 9999)),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 24 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 60 }),
      fc.option(fc.integer({ min: 0, max: 999 })),
      offset,
    )
    .map(([y, mo, d, h, mi, sec, ms, zone]) => {
      const text = `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(sec)}${ms === null ? "" : `.${pad(ms, 3)}`}${zone}`;
      const [oh, om] = zone.length > 1 ? [Number(zone.slice(1, 3)), Number(zone.slice(4))] : [0, 0];
      const daysInMonth = new Date(Date.UTC(2000 + (y % 400), mo, 0)).getUTCDate();
      const utc = new Date(0);
      utc.setUTCFullYear(y, mo - 1, d);
      utc.setUTCHours(h, mi - (zone.startsWith("-") ? -1 : 1) * (oh * 60 + om), sec, ms ?? 0);
      const onCalendar = mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth && h <= 23 && mi <= 59 && sec <= 59;
      const valid = onCalendar && oh <= 23 && om <= 59 && utc.getUTCFullYear() >= 1000 && utc.getUTCFullYear() <= 9999;
      return { text, valid, utc: valid ? utc.toISOString() : null };
    });

  it("as dueAt: 201 with that instant in UTC when it is on the calendar, else 400 naming dueAt", async () => {
    await fc.assert(
      fc.asyncProperty(isoShaped, async ({ text, valid, utc }) => {
        const res = await attacker.create({ title: "Dated", dueAt: text });
        if (!valid) {
          expect(res.status, await res.clone().text()).toBe(400);
          expect((await res.json()).errors).toEqual([{ path: "dueAt", message: expect.any(String) }]);
          return;
        }
        expect(res.status, await res.clone().text()).toBe(201);
        const task = await res.json();
        expect(task.dueAt).toBe(utc);
        expect((await attacker.getTask(task.id)).dueAt).toBe(utc);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("as dueBefore or dueAfter: 200 or 400, never a 500", async () => {
    await fc.assert(
      fc.asyncProperty(isoShaped, fc.constantFrom("dueBefore", "dueAfter"), async ({ text, valid }, name) => {
        const res = await attacker.list({ [name]: text });
        expect(res.status).toBe(valid ? 200 : 400);
        await expectDocumentedAnswer(res);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe("hostile list queries", () => {
  const knownName = fc.constantFrom(
    "status",
    "q",
    "priority",
    "tag",
    "dueBefore",
    "dueAfter",
    "sort",
    "order",
    "limit",
    "cursor",
  );
  const rawPiece = fc.constantFrom(
    "%",
    "%zz",
    "%FF",
    "%ED%A0%80",
    "%00",
    "%C0%AF",
    "+",
    "&",
    "=",
    "%26",
    "#",
    "?",
    "[]",
  );
  const encoded = fc.string({ unit: "binary", maxLength: 30 }).map(encodeURIComponent);
  const value = fc.oneof(
    encoded,
    fc.array(fc.oneof(encoded, rawPiece), { maxLength: 6 }).map((parts) => parts.join("")),
    fc.constantFrom("all", "completed", "high,low", "title", "asc", "1", "100", "2026-01-01T00:00:00Z"),
  );
  const name = fc.oneof({ weight: 4, arbitrary: knownName }, { weight: 1, arbitrary: value });
  const query = fc
    .array(fc.tuple(name, value), { maxLength: 6 })
    .map((pairs) => pairs.map(([n, v]) => `${n}=${v}`).join("&"));

  it("answer 200 or 400 with problem+json, never a 500", async () => {
    await withVictimUnchanged(() =>
      fc.assert(
        fc.asyncProperty(query, async (q) => {
          const res = await t.request(`${attacker.base}?${q}`, { headers: bearer(attacker.user.token) });
          expect([200, 400]).toContain(res.status);
          await expectDocumentedAnswer(res);
        }),
        { numRuns: NUM_RUNS },
      ),
    );
  });

  it("answer 400 to hand-made cursors, never a 500", async () => {
    const cursorValue = fc.oneof(fc.jsonValue(), oddString, dateLike, fc.integer());
    const cursor = fc
      .tuple(
        fc.constantFrom(...sortFields),
        fc.constantFrom("asc", "desc"),
        cursorValue,
        fc.oneof(oddString, fc.uuid()),
      )
      .map((parts) => Buffer.from(JSON.stringify(parts)).toString("base64url"));
    await fc.assert(
      fc.asyncProperty(cursor, fc.constantFrom(...sortFields), async (c, sort) => {
        const res = await attacker.list({ cursor: c, sort, order: "asc" });
        expect([200, 400]).toContain(res.status);
        await expectDocumentedAnswer(res);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe("hostile task ids in the path", () => {
  const rawSegment = fc.oneof(
    fc.string({ unit: "binary", minLength: 1, maxLength: 60 }).map(encodeURIComponent),
    fc.constantFrom("%", "%zz", "%FF", "%ED%A0%80", "%00", "%2e%2e", "..", ".", "%2F", "%252F", "%5C", ";", "*"),
    fc.integer({ min: 1000, max: 20_000 }).map((n) => "a".repeat(n)),
    fc.uuid(),
    fc.constant("another case").map(() => target.id.toUpperCase()),
  );
  const call = fc.constantFrom(["GET", ""], ["PUT", ""], ["PATCH", ""], ["DELETE", ""], ["PATCH", "/complete"]);

  it("answer 404 (or a body error) with problem+json, never a 500", async () => {
    await withVictimUnchanged(() =>
      fc.assert(
        fc.asyncProperty(rawSegment, call, async (segment, [method, suffix]) => {
          const body = method === "PUT" || method === "PATCH" ? '{"title":"x"}' : undefined;
          const res = await t.request(`${attacker.base}/${segment}${suffix}`, {
            method,
            headers: bearer(attacker.user.token, body ? { "content-type": "application/json" } : {}),
            ...(body ? { body } : {}),
          });
          expect([400, 404]).toContain(res.status);
          await expectDocumentedAnswer(res);
        }),
        { numRuns: NUM_RUNS },
      ),
    );
  });
});
