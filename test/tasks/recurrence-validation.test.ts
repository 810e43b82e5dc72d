import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "../helpers/auth-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectInvalidFields, expectProblem, type TasksApi, tasksApi } from "./helpers.js";

let t: TestApp;
let tasks: TasksApi;
beforeAll(async () => {
  t = await createTestApp();
  tasks = tasksApi(t, await signUp(t));
});
afterAll(() => t.close());

const DUE = "2026-03-02T09:00:00.000Z";

describe("the recurrence and reminders of a body", () => {
  it("refuses a rule part outside the subset, naming it, and writes nothing", async () => {
    const problem = await expectProblem(
      await tasks.create({ title: "Hourly", dueAt: DUE, recurrence: { rule: "FREQ=DAILY;BYHOUR=9" } }),
      400,
      "validation_failed",
    );
    expect(problem.errors).toEqual([{ path: "recurrence.rule", message: expect.stringContaining("BYHOUR") }]);
    expect(await tasks.listAll()).toEqual([]);
  });

  it.each([
    ["no FREQ", { rule: "BYDAY=MO" }, "recurrence.rule"],
    ["an unknown from", { rule: "FREQ=DAILY", from: "whenever" }, "recurrence.from"],
    ["an unknown field", { rule: "FREQ=DAILY", every: 2 }, "recurrence.every"],
    ["a rule that is not a string", { rule: 7 }, "recurrence.rule"],
  ])("refuses a recurrence with %s", async (_, recurrence, path) => {
    const res = await tasks.create({ title: "Bad", dueAt: DUE, recurrence });
    expect(await expectInvalidFields(res)).toEqual([path]);
  });

  it("refuses a recurrence without a dueAt on create and PUT, naming recurrence", async () => {
    const res = await tasks.create({ title: "When?", recurrence: { rule: "FREQ=DAILY" } });
    expect(await expectInvalidFields(res)).toEqual(["recurrence"]);
    const task = await tasks.createTask({ title: "Plain" });
    const put = await tasks.replace(task.id, { title: "When?", recurrence: { rule: "FREQ=DAILY" } });
    expect(await expectInvalidFields(put)).toEqual(["recurrence"]);
    expect(await tasks.getTask(task.id)).toEqual(task);
  });

  it("refuses a PATCH that makes a task without dueAt recurring, naming recurrence", async () => {
    const task = await tasks.createTask({ title: "Undated" });
    const res = await tasks.patch(task.id, { recurrence: { rule: "FREQ=WEEKLY" } });
    expect(await expectInvalidFields(res)).toEqual(["recurrence"]);
    const both = await tasks.patch(task.id, { recurrence: { rule: "FREQ=WEEKLY" }, dueAt: null });
    expect(await expectInvalidFields(both)).toEqual(["recurrence"]);
    expect(await tasks.getTask(task.id)).toEqual(task);
  });

  it("refuses a PATCH that clears the dueAt of a recurring task, naming dueAt", async () => {
    const task = await tasks.createTask({ title: "Daily", dueAt: DUE, recurrence: { rule: "FREQ=DAILY" } });
    const res = await tasks.patch(task.id, { dueAt: null });
    expect(await expectInvalidFields(res)).toEqual(["dueAt"]);
    expect(await tasks.getTask(task.id)).toEqual(task);
    const cleared = await tasks.patch(task.id, { dueAt: null, recurrence: null });
    expect(await cleared.json()).toMatchObject({ dueAt: null, recurrence: null });
  });

  it("refuses more than 5 reminders", async () => {
    const reminders = ["PT1M", "PT2M", "PT3M", "PT4M", "PT5M", "PT6M"].map((before) => ({ before }));
    const res = await tasks.create({ title: "Nagging", dueAt: DUE, reminders });
    expect(await expectInvalidFields(res)).toEqual(["reminders"]);
  });

  it.each(["P31D", "P5W", "PT721H", "P1M", "PT15X", "15 minutes", "-PT5M", ""])(
    "refuses the reminder duration %j (0 to 30 days, ISO 8601, no months)",
    async (before) => {
      const res = await tasks.create({ title: "Bad reminder", dueAt: DUE, reminders: [{ before }] });
      expect(await expectInvalidFields(res)).toEqual(["reminders.0.before"]);
    },
  );

  it("takes reminders of 0 to 30 days, normalized, duplicates removed", async () => {
    const task = await tasks.createTask({
      title: "Reminded",
      dueAt: DUE,
      reminders: [{ before: "p30d" }, { before: "PT0S" }, { before: "PT60M" }, { before: "PT1H" }, { before: "P1W" }],
    });
    expect(task.reminders).toEqual([{ before: "P30D" }, { before: "PT0S" }, { before: "PT1H" }, { before: "P7D" }]);
  });
});

describe("the OpenAPI document", () => {
  it("describes recurrence, reminders and nextId on tasks, and accepts them on create and PATCH", async () => {
    const doc = await (await t.request("/api/openapi.json")).json();
    const text = JSON.stringify(doc);
    expect(text).toContain("FREQ=WEEKLY;BYDAY=MO,WE");
    const operations = doc.paths["/api/{userId}/tasks/{id}"];
    const answered = resolve(doc, operations.get.responses["200"].content["application/json"].schema);
    for (const field of ["recurrence", "reminders", "nextId"]) {
      expect(answered.required).toContain(field);
      expect(answered.properties[field].description ?? resolve(doc, answered.properties[field]).description).toEqual(
        expect.any(String),
      );
    }
    for (const body of [
      doc.paths["/api/{userId}/tasks"].post.requestBody,
      doc.paths["/api/{userId}/tasks/{id}"].patch.requestBody,
    ]) {
      const schema = resolve(doc, body.content["application/json"].schema);
      expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["recurrence", "reminders"]));
    }
    expect(operations.patch.responses["403"].description).toContain("quota_exceeded");
  });
});

/** Follows a $ref of the document, if the schema is one. */
function resolve(doc: { components?: { schemas?: Record<string, unknown> } }, schema: { $ref?: string }) {
  // biome-ignore lint/suspicious/noExplicitAny: a JSON document walked by key
  const target: any = schema.$ref ? doc.components?.schemas?.[schema.$ref.split("/").pop() ?? ""] : schema;
  return target;
}
