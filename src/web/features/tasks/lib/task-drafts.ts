import { createStore } from "../../../lib/create-store.js";
import type { FieldErrors } from "../../../lib/form-errors.js";
import type { TaskPatchInput } from "../api/update-task.js";
import type { TaskFormField } from "./task-form.js";

/**
 * Text the user typed that the server has not accepted yet. It lives outside the components so
 * that a failed save, a trip to the sign-in page or a closed dialog never loses it.
 */
export const newTaskDraft = createStore("");

/** An edit that failed to save, reopened in the dialog on "Edit again". */
export const editDraft = createStore<{
  taskId: string;
  patch: TaskPatchInput;
  /** The server's reasons, shown beside the fields they name. */
  errors: FieldErrors<TaskFormField>;
} | null>(null);

/** The task whose edit dialog is open. */
export const editingTaskId = createStore<string | null>(null);
