import { MAX_YEAR, MIN_YEAR } from "../../../../shared/date-time.js";
import { type Priority, type Task, taskPatchSchema } from "../../../../shared/task.schemas.js";
import { ApiError } from "../../../lib/api-error.js";
import { type FieldErrors, fieldErrorsFromIssues } from "../../../lib/form-errors.js";
import type { TaskPatchInput } from "../api/update-task.js";
import { fromDateInput, toDateInput } from "./due-date.js";

export interface TaskFormValues {
  title: string;
  description: string;
  priority: Priority;
  due: string;
  tags: string;
}

export type TaskFormField = keyof TaskFormValues;

export const taskFormLabels: Record<TaskFormField, string> = {
  title: "Title",
  description: "Description",
  priority: "Priority",
  due: "Due date",
  tags: "Tags",
};

export function formValuesFrom(task: Task, draft?: TaskPatchInput): TaskFormValues {
  return {
    title: draft?.title ?? task.title,
    description: draft?.description ?? task.description,
    priority: draft?.priority ?? task.priority,
    due: toDateInput(draft?.dueAt !== undefined ? draft.dueAt : task.dueAt),
    tags: (draft?.tags ?? task.tags).join(", "),
  };
}

/** "home, Work , home" → ["home", "Work", "home"]; the schema then normalises and checks them. */
export function splitTags(text: string): string[] {
  return text
    .split(",")
    .map((tag) => tag.trim())
    .filter(Boolean);
}

/**
 * The PATCH body for what changed, checked against the API's own schema. Errors are keyed by
 * form field ("dueAt" problems belong to the "due" field).
 */
export function patchFromForm(
  task: Task,
  values: TaskFormValues,
): { patch: TaskPatchInput; errors: FieldErrors<TaskFormField> } {
  const patch: TaskPatchInput = {};
  if (values.title !== task.title) patch.title = values.title;
  if (values.description !== task.description) patch.description = values.description;
  if (values.priority !== task.priority) patch.priority = values.priority;
  const dueAt = fromDateInput(values.due, task.dueAt);
  if (dueAt !== task.dueAt) patch.dueAt = dueAt;
  const tags = splitTags(values.tags);
  if (tags.join(",") !== task.tags.join(",")) patch.tags = tags;
  const parsed = taskPatchSchema.safeParse(patch);
  if (parsed.success) return { patch, errors: {} };
  const { dueAt: dueError, ...errors } = fieldErrorsFromIssues(parsed.error, { ...taskFormLabels, dueAt: "Due date" });
  // The schema speaks of ISO date-times; the person picked a day.
  return {
    patch,
    errors: dueError
      ? { ...errors, due: `Due date must be a day between the years ${MIN_YEAR} and ${MAX_YEAR}` }
      : errors,
  };
}

/** The server's field errors (`errors[].path`) placed beside the form's fields. */
export function formErrorsFromProblem(error: unknown): FieldErrors<TaskFormField> {
  const errors: FieldErrors<TaskFormField> = {};
  if (!(error instanceof ApiError)) return errors;
  for (const { path, message } of error.fieldErrors) {
    const field = formFieldOf(path);
    if (field && !errors[field]) errors[field] = `${taskFormLabels[field]} ${message}`;
  }
  return errors;
}

/** Maps the API's field names onto the form's ("dueAt" is edited in "due"). */
export function formFieldOf(path: string): TaskFormField | null {
  const field = path.split(".")[0];
  if (field === "dueAt") return "due";
  return field && field in taskFormLabels ? (field as TaskFormField) : null;
}
