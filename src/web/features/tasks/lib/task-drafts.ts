import { createUserStore } from "../../../lib/forget-user.js";
import type { FieldErrors } from "../../../lib/form-errors.js";
import type { TaskCreateInput } from "../api/create-task.js";
import type { TaskPatchInput } from "../api/update-task.js";
import type { TaskFormField } from "./task-form.js";

/**
 * Text the user typed that the server has not accepted yet. It lives outside the components so
 * that a failed save or a closed dialog never loses it; the end of the session does (user stores),
 * so the next person to sign in on this tab never sees it.
 */
export const newTaskDraft = createUserStore("");

/** An edit that failed to save, reopened in the dialog on "Edit again". */
export const editDraft = createUserStore<{
  taskId: string;
  patch: TaskPatchInput;
  /** The server's reasons, shown beside the fields they name. */
  errors: FieldErrors<TaskFormField>;
} | null>(null);

/** The task whose edit dialog is open. */
export const editingTaskId = createUserStore<string | null>(null);

/** The new-task dialog, open with what it starts from (a title typed, or a failed create's body). */
export const newTaskDialog = createUserStore<{
  body: TaskCreateInput;
  errors: FieldErrors<TaskFormField>;
} | null>(null);
