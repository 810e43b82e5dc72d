import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, signUp } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectInvalidFields, expectProblem, type TasksApi, tasksApi } from "./helpers.js";

let t: TestApp;
let tasks: TasksApi;
beforeAll(async () => {
  t = await createTestApp();
  tasks = tasksApi(t, await signUp(t));
});
afterAll(() => t.close());

/** The stored task after creating one with these fields (asserting 201). */
async function created(fields: Record<string, unknown>) {
  return tasks.createTask({ title: "Validated", ...fields });
}

/** The field paths a create with these fields is refused for. */
async function refusedFields(fields: Record<string, unknown>): Promise<string[]> {
  return expectInvalidFields(await tasks.create({ title: "Validated", ...fields }));
}

describe("title", () => {
  it("is trimmed", async () => {
    expect((await created({ title: "  \t Buy milk \n " })).title).toBe("Buy milk");
  });

  it("counts code points, so 200 emoji fit and 201 do not", async () => {
    expect((await created({ title: "😀".repeat(200) })).title).toBe("😀".repeat(200));
    expect(await refusedFields({ title: "😀".repeat(201) })).toEqual(["title"]);
  });

  it("is 1 to 200 characters after trimming", async () => {
    expect((await created({ title: "x" })).title).toBe("x");
    expect((await created({ title: ` ${"a".repeat(200)} ` })).title).toBe("a".repeat(200));
    expect(await refusedFields({ title: "a".repeat(201) })).toEqual(["title"]);
    expect(await refusedFields({ title: "" })).toEqual(["title"]);
    expect(await refusedFields({ title: "   \u3000 " })).toEqual(["title"]);
  });

  it("is required", async () => {
    const problem = await expectProblem(await tasks.create({ description: "no title" }), 400, "validation_failed");
    expect(problem.errors).toEqual([{ path: "title", message: "is required" }]);
  });

  it.each([[123], [null], [true], [["a"]], [{ text: "a" }]])("must be a string, not %j", async (title) => {
    expect(await expectInvalidFields(await tasks.create({ title }))).toEqual(["title"]);
  });
});

describe("description", () => {
  it("defaults to an empty string and keeps up to 1000 characters", async () => {
    expect((await created({})).description).toBe("");
    expect((await created({ description: "d".repeat(1000) })).description).toBe("d".repeat(1000));
    expect((await created({ description: "🎉".repeat(1000) })).description).toBe("🎉".repeat(1000));
  });

  it("refuses 1001 characters and anything but a string", async () => {
    expect(await refusedFields({ description: "d".repeat(1001) })).toEqual(["description"]);
    expect(await refusedFields({ description: null })).toEqual(["description"]);
    expect(await refusedFields({ description: 5 })).toEqual(["description"]);
  });
});

describe("priority", () => {
  it.each(["none", "low", "medium", "high"])("accepts %s", async (priority) => {
    expect((await created({ priority })).priority).toBe(priority);
  });

  it.each([["urgent"], ["HIGH"], [""], [3], [null]])("refuses %j", async (priority) => {
    expect(await refusedFields({ priority })).toEqual(["priority"]);
  });
});

describe("dueAt", () => {
  it.each([
    ["2026-01-02T05:04:05+02:00", "2026-01-02T03:04:05.000Z"],
    ["2026-01-02T03:04:05.678Z", "2026-01-02T03:04:05.678Z"],
    ["2026-01-01T20:00:00-05:30", "2026-01-02T01:30:00.000Z"],
    ["2026-01-02T03:04:05.123456789Z", "2026-01-02T03:04:05.123Z"],
    ["2026-01-02T03:04Z", "2026-01-02T03:04:00.000Z"],
    ["2028-02-29T12:00:00Z", "2028-02-29T12:00:00.000Z"],
    ["2026-12-31T23:30:00-01:00", "2027-01-01T00:30:00.000Z"],
    ["1000-01-01T00:00:00Z", "1000-01-01T00:00:00.000Z"],
    ["9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"],
  ])("converts %s to UTC as %s", async (dueAt, utc) => {
    const task = await created({ dueAt });
    expect(task.dueAt).toBe(utc);
    expect((await tasks.getTask(task.id)).dueAt).toBe(utc);
  });

  it("may be null", async () => {
    expect((await created({ dueAt: null })).dueAt).toBeNull();
  });

  it.each([
    ["a day that is not on the calendar", "2030-02-30T00:00:00Z"],
    ["29 February of a common year", "2026-02-29T00:00:00Z"],
    ["31 April", "2026-04-31T10:00:00Z"],
    ["month 13", "2026-13-01T00:00:00Z"],
    ["hour 24", "2026-01-01T24:00:00Z"],
    ["second 60", "2026-01-01T23:59:60Z"],
    ["a time without a zone", "2026-01-02T03:04:05"],
    ["a date without a time", "2026-01-02"],
    ["words", "tomorrow"],
    ["an empty string", ""],
    ["year 0", "0000-06-01T00:00:00Z"],
    ["a year before 1000, which the database drivers misread", "0050-03-04T05:06:07Z"],
    ["a time that is in year 999 in UTC", "1000-01-01T00:30:00+01:00"],
    ["a time that is in year 10000 in UTC", "9999-12-31T23:30:00-01:00"],
    ["an offset beyond 23:59", "2026-01-01T00:00:00+24:00"],
  ])("refuses %s (%s)", async (_, dueAt) => {
    expect(await refusedFields({ dueAt })).toEqual(["dueAt"]);
  });

  it("refuses a number of milliseconds", async () => {
    expect(await refusedFields({ dueAt: 1767323045000 })).toEqual(["dueAt"]);
  });
});

describe("tags", () => {
  it("are trimmed, lower-cased and deduplicated, keeping the order of first appearance", async () => {
    const task = await created({ tags: ["  Home ", "WORK", "home", "Errands", "work", "errands "] });
    expect(task.tags).toEqual(["home", "work", "errands"]);
    expect((await tasks.getTask(task.id)).tags).toEqual(["home", "work", "errands"]);
  });

  it("default to an empty list", async () => {
    expect((await created({})).tags).toEqual([]);
  });

  it("allow 10 tags of 32 characters each, counted in code points", async () => {
    const tags = Array.from({ length: 10 }, (_, i) => `${i}${"🏷".repeat(31)}`);
    expect((await created({ tags })).tags).toEqual(tags);
  });

  it("refuse an 11th tag", async () => {
    const tags = Array.from({ length: 11 }, (_, i) => `tag${i}`);
    expect(await refusedFields({ tags })).toEqual(["tags"]);
  });

  it("count ten different tags after removing duplicates", async () => {
    const tags = [...Array.from({ length: 10 }, (_, i) => `tag${i}`), "TAG0", "tag1"];
    expect((await created({ tags })).tags).toEqual(tags.slice(0, 10));
  });

  it("measure a tag after lower-casing, the length it is stored with", async () => {
    // "İ" lower-cases to "i" plus a combining dot: two code points.
    expect((await created({ tags: ["İ".repeat(16)] })).tags).toEqual(["i̇".repeat(16)]);
    expect(await refusedFields({ tags: ["İ".repeat(17)] })).toEqual(["tags.0"]);
  });

  it("refuse a tag that is empty after trimming or longer than 32 characters, naming its position", async () => {
    expect(await refusedFields({ tags: ["ok", "   "] })).toEqual(["tags.1"]);
    expect(await refusedFields({ tags: ["a".repeat(33)] })).toEqual(["tags.0"]);
  });

  it.each([["home"], [null], [[1]], [[["nested"]]], [{ 0: "home" }]])(
    "must be an array of strings, not %j",
    async (tags) => {
      const fields = await refusedFields({ tags });
      expect(fields).toHaveLength(1);
      expect(fields[0]).toMatch(/^tags/);
    },
  );
});

describe("completed", () => {
  it.each([["true"], [1], [null]])("must be a boolean, not %j", async (completed) => {
    expect(await refusedFields({ completed })).toEqual(["completed"]);
  });
});

describe("a body with several problems", () => {
  it("names every bad field in errors[]", async () => {
    const res = await tasks.create({ title: "", priority: "urgent", dueAt: "nope", tags: "x", colour: "red" });
    const problem = await expectProblem(res, 400, "validation_failed");
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(["colour", "dueAt", "priority", "tags", "title"]);
    for (const path of ["title", "priority", "dueAt", "tags", "colour"]) expect(problem.detail).toContain(path);
  });

  it("refuses unknown fields, so a typo never silently does nothing", async () => {
    const res = await tasks.create({ title: "Typo", descripton: "oops" });
    const problem = await expectProblem(res, 400, "validation_failed");
    expect(problem.errors).toEqual([{ path: "descripton", message: "is not a known field" }]);
  });

  it.each([[[]], ["a string"], [42], [null], [true]])("refuses %j as a body: it must be an object", async (body) => {
    expect(await expectInvalidFields(await tasks.create(JSON.stringify(body)))).toEqual([""]);
  });
});

describe("text the database cannot store", () => {
  const nul = "a\u0000b";
  const loneSurrogate = "a\ud800b";

  it.each([
    ["a NUL in the title", { title: nul }, "title"],
    ["a NUL in the description", { description: nul }, "description"],
    ["a NUL in a tag", { tags: [nul] }, "tags.0"],
    ["a lone surrogate in the title", { title: loneSurrogate }, "title"],
    ["a lone surrogate in the description", { description: loneSurrogate }, "description"],
    ["a lone surrogate in a tag", { tags: ["\udfff"] }, "tags.0"],
  ])("refuses %s with 400, never a 500", async (_, fields, path) => {
    expect(await refusedFields(fields)).toEqual([path]);
  });

  it("refuses a NUL or lone surrogate in a patch and keeps the task", async () => {
    const task = await created({});
    expect(await expectInvalidFields(await tasks.patch(task.id, { title: nul }))).toEqual(["title"]);
    expect(await expectInvalidFields(await tasks.replace(task.id, { title: loneSurrogate }))).toEqual(["title"]);
    expect(await tasks.getTask(task.id)).toEqual(task);
  });

  it("names an unknown field made of a NUL as unknown", async () => {
    expect(await expectInvalidFields(await tasks.create('{"title":"x","\\u0000":1}'))).toEqual(["\u0000"]);
  });
});

describe("bodies that are not JSON", () => {
  const post = (body: BodyInit, headers: Record<string, string>) =>
    t.request(tasks.base, { method: "POST", headers: bearer(tasks.user.token, headers), body });

  it("accepts application/json with a charset", async () => {
    const res = await post('{"title":"charset"}', { "content-type": "application/json; charset=utf-8" });
    expect(res.status).toBe(201);
  });

  it.each(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])(
    "answers 415 to Content-Type %s",
    async (type) => {
      await expectProblem(await post('{"title":"x"}', { "content-type": type }), 415, "unsupported_media_type");
    },
  );

  it("answers 415 to a body without a Content-Type", async () => {
    await expectProblem(await post('{"title":"x"}', {}), 415, "unsupported_media_type");
  });

  it.each([
    ["truncated JSON", '{"title":'],
    ["JSON5", "{title: 'x'}"],
    ["trailing garbage", '{"title":"x"} extra'],
    ["an empty body", ""],
  ])("answers 400 invalid_json to %s", async (_, body) => {
    await expectProblem(await post(body, { "content-type": "application/json" }), 400, "invalid_json");
  });

  it("answers 400 invalid_json to bytes that are not UTF-8", async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    await expectProblem(await post(bytes, { "content-type": "application/json" }), 400, "invalid_json");
  });

  it("answers 413 to a body over 64 KiB and writes nothing", async () => {
    const title = `huge-${Date.now()}`;
    const body = JSON.stringify({ title, description: "x".repeat(65 * 1024) });
    await expectProblem(await post(body, { "content-type": "application/json" }), 413, "payload_too_large");
    expect((await tasks.listPage({ q: title })).tasks).toEqual([]);
  });

  it("answers 415 on PATCH and PUT as well, and changes nothing", async () => {
    const task = await created({});
    const init = (method: string) => ({
      method,
      headers: bearer(tasks.user.token, { "content-type": "text/plain" }),
      body: '{"title":"changed"}',
    });
    await expectProblem(await t.request(tasks.path(task.id), init("PATCH")), 415, "unsupported_media_type");
    await expectProblem(await t.request(tasks.path(task.id), init("PUT")), 415, "unsupported_media_type");
    await expectProblem(
      await t.request(`${tasks.path(task.id)}/complete`, init("PATCH")),
      415,
      "unsupported_media_type",
    );
    expect(await tasks.getTask(task.id)).toEqual(task);
  });
});

describe("validation of writes to an existing task", () => {
  it("refuses an impossible due date in a patch and keeps the old one", async () => {
    const task = await created({ dueAt: "2030-02-28T00:00:00Z" });
    expect(await expectInvalidFields(await tasks.patch(task.id, { dueAt: "2030-02-30T00:00:00Z" }))).toEqual(["dueAt"]);
    expect(await tasks.getTask(task.id)).toEqual(task);
  });

  it("applies the same rules to PUT and PATCH as to create", async () => {
    const task = await created({});
    const patched = await (await tasks.patch(task.id, { title: "  Trimmed  ", tags: ["A", "a"] })).json();
    expect(patched).toMatchObject({ title: "Trimmed", tags: ["a"] });
    const replaced = await (
      await tasks.replace(task.id, { title: " Again ", dueAt: "2026-01-02T05:04:05+02:00" })
    ).json();
    expect(replaced).toMatchObject({ title: "Again", dueAt: "2026-01-02T03:04:05.000Z", tags: [] });
    expect(await expectInvalidFields(await tasks.patch(task.id, { title: "   " }))).toEqual(["title"]);
    expect(await expectInvalidFields(await tasks.patch(task.id, { priority: "urgent", tags: [""] }))).toEqual([
      "priority",
      "tags.0",
    ]);
  });
});
