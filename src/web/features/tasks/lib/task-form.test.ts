import { describe, expect, it } from "vitest";
import type { Task } from "../../../../shared/task.schemas.js";
import { ApiError } from "../../../lib/api-error.js";
import { formErrorsFromProblem, formValuesFrom, patchFromForm } from "./task-form.js";

const task: Task = {
  id: "t1",
  title: "Buy milk",
  description: "",
  completed: false,
  priority: "none",
  dueAt: "2026-05-04T10:30:00.000Z",
  tags: ["home"],
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  completedAt: null,
  recurrence: null,
  reminders: [],
  nextId: null,
};

describe("the task edit form", () => {
  it("sends only what changed", () => {
    const values = { ...formValuesFrom(task), priority: "high" as const, tags: "home, errands" };
    expect(patchFromForm(task, values)).toEqual({ patch: { priority: "high", tags: ["home", "errands"] }, errors: {} });
  });

  it("keeps a due time set through the API when the day is unchanged", () => {
    expect(patchFromForm(task, formValuesFrom(task)).patch).toEqual({});
  });

  it("clears the due date when the field is emptied", () => {
    expect(patchFromForm(task, { ...formValuesFrom(task), due: "" }).patch).toEqual({ dueAt: null });
  });

  it("checks the API's limits and phrases errors like the server", () => {
    const values = {
      ...formValuesFrom(task),
      title: "   ",
      description: "x".repeat(1001),
      tags: `ok, ${"t".repeat(33)}`,
    };
    expect(patchFromForm(task, values).errors).toEqual({
      title: "Title must be 1 to 200 characters",
      description: "Description must be at most 1000 characters",
      tags: "Tags must be 1 to 32 characters",
    });
  });

  it("counts an emoji as one character, as the server does", () => {
    expect(patchFromForm(task, { ...formValuesFrom(task), title: "🎉".repeat(200) }).errors).toEqual({});
    expect(patchFromForm(task, { ...formValuesFrom(task), title: "🎉".repeat(201) }).errors.title).toBeDefined();
  });

  it("refuses a due day the server cannot store", () => {
    expect(patchFromForm(task, { ...formValuesFrom(task), due: "0099-05-04" }).errors).toEqual({
      due: "Due date must be a day between the years 1000 and 9999",
    });
  });

  it("refuses more than ten tags", () => {
    const tags = Array.from({ length: 11 }, (_, i) => `t${i}`).join(",");
    // The message is the shared schema's own, prefixed with the field's label.
    expect(patchFromForm(task, { ...formValuesFrom(task), tags }).errors.tags).toMatch(/^Tags must have at most 10 /);
  });

  it("places the server's field errors on the form's fields", () => {
    const error = new ApiError(400, {
      type: "about:blank",
      title: "Unprocessable",
      status: 400,
      code: "validation_failed",
      detail: "…",
      errors: [
        { path: "dueAt", message: "must be an ISO 8601 date-time" },
        { path: "tags.2", message: "must be 1 to 32 characters" },
      ],
    });
    expect(formErrorsFromProblem(error)).toEqual({
      due: "Due date must be an ISO 8601 date-time",
      tags: "Tags must be 1 to 32 characters",
    });
  });
});
