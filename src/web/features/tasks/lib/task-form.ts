import type { z } from "zod";
import { MAX_YEAR, MIN_YEAR } from "../../../../shared/date-time.js";
import type { Recurrence } from "../../../../shared/recurrence.js";
import { type Priority, type Task, taskInputSchema, taskPatchSchema } from "../../../../shared/task.schemas.js";
import { ApiError } from "../../../lib/api-error.js";
import { type FieldErrors, fieldErrorsFromIssues } from "../../../lib/form-errors.js";
import type { TaskCreateInput } from "../api/create-task.js";
import type { TaskPatchInput } from "../api/update-task.js";
import { fromDueInputs, toDateInput, toTimeInput } from "./due-date.js";
import { buildRecurrence, type RepeatValues, repeatValuesFrom } from "./repeat-choice.js";

export interface TaskFormValues {
  title: string;
  description: string;
  priority: Priority;
  due: string;
  /** "HH:MM", or "" for the end of the due day. */
  time: string;
  repeat: RepeatValues;
  /** Normalized ISO 8601 durations before the due time. */
  reminders: string[];
  tags: string;
}

export type TaskFormField = keyof TaskFormValues;

export const taskFormLabels: Record<TaskFormField, string> = {
  title: "Title",
  description: "Description",
  priority: "Priority",
  due: "Due date",
  time: "Time",
  repeat: "Repeat",
  reminders: "Reminders",
  tags: "Tags",
};

/** The API's field names that the form edits under another name. */
const apiFieldLabels = { ...taskFormLabels, dueAt: "Due date", recurrence: "Repeat" };

/** What a new task starts as in the dialog: every field at the API's default. */
export function blankTask(): Task {
  return {
    id: "new",
    title: "",
    description: "",
    completed: false,
    priority: "none",
    dueAt: null,
    tags: [],
    createdAt: "",
    updatedAt: "",
    completedAt: null,
    recurrence: null,
    reminders: [],
    nextId: null,
  };
}

export function formValuesFrom(task: Task, draft?: TaskPatchInput): TaskFormValues {
  const dueAt = draft?.dueAt !== undefined ? draft.dueAt : task.dueAt;
  const due = toDateInput(dueAt);
  const recurrence: Recurrence | null =
    draft?.recurrence !== undefined
      ? draft.recurrence && { rule: draft.recurrence.rule, from: draft.recurrence.from ?? "due" }
      : task.recurrence;
  return {
    title: draft?.title ?? task.title,
    description: draft?.description ?? task.description,
    priority: draft?.priority ?? task.priority,
    due,
    time: toTimeInput(dueAt),
    repeat: repeatValuesFrom(recurrence, due),
    reminders: (draft?.reminders ?? task.reminders).map((r) => r.before),
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

const sameRecurrence = (a: Recurrence | null, b: Recurrence | null) =>
  a === b || (a !== null && b !== null && a.rule === b.rule && a.from === b.from);

type FormCheck<T> = { body: T; errors: FieldErrors<TaskFormField> };

/** The changes from `task`, with what the form itself can tell is wrong before any schema runs. */
function changesFrom(task: Task, values: TaskFormValues): FormCheck<TaskPatchInput> {
  const patch: TaskPatchInput = {};
  const errors: FieldErrors<TaskFormField> = {};
  if (values.title !== task.title) patch.title = values.title;
  if (values.description !== task.description) patch.description = values.description;
  if (values.priority !== task.priority) patch.priority = values.priority;
  if (values.time && !values.due) errors.time = "Time needs a due date: pick the day too";
  const dueAt = fromDueInputs(values.due, values.time, task.dueAt);
  if (dueAt !== task.dueAt) patch.dueAt = dueAt;
  const built = buildRecurrence(values.repeat, values.due);
  if (!built.ok) errors.repeat = built.error;
  else if (!sameRecurrence(built.recurrence, task.recurrence)) patch.recurrence = built.recurrence;
  if (values.reminders.join() !== task.reminders.map((r) => r.before).join()) {
    patch.reminders = values.reminders.map((before) => ({ before }));
  }
  const tags = splitTags(values.tags);
  if (tags.join(",") !== task.tags.join(",")) patch.tags = tags;
  return { body: patch, errors };
}

/** The schema's verdict on `body`, keyed by form field, after the form's own findings. */
function checkWith<T>(schema: z.ZodType, { body, errors }: FormCheck<T>): FormCheck<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { body, errors };
  const { dueAt, recurrence, ...found } = fieldErrorsFromIssues(parsed.error, apiFieldLabels);
  // The schema speaks of ISO date-times; the person picked a day.
  if (dueAt) found.due = `Due date must be a day between the years ${MIN_YEAR} and ${MAX_YEAR}`;
  if (recurrence) found.repeat = recurrence;
  return { body, errors: { ...found, ...errors } };
}

/**
 * The PATCH body for what changed, checked against the API's own schema. Errors are keyed by
 * form field ("dueAt" problems belong to the "due" field).
 */
export function patchFromForm(
  task: Task,
  values: TaskFormValues,
): { patch: TaskPatchInput; errors: FieldErrors<TaskFormField> } {
  const { body, errors } = checkWith(taskPatchSchema, changesFrom(task, values));
  return { patch: body, errors };
}

/** The POST body of a task made in the dialog, checked like an edit. */
export function createBodyFromForm(values: TaskFormValues): FormCheck<TaskCreateInput> {
  const { body, errors } = changesFrom(blankTask(), values);
  return checkWith(taskInputSchema, { body: { ...body, title: values.title }, errors });
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
  if (field === "recurrence") return "repeat";
  return field && field in taskFormLabels ? (field as TaskFormField) : null;
}
