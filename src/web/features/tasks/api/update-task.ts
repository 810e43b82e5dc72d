import type { z } from "zod";
import { type Task, taskPatchSchema, taskSchema } from "../../../../shared/task.schemas.js";
import { api } from "../../../lib/api.js";
import { quoteTitle } from "../lib/report-task-failure.js";
import { editDraft, editingTaskId } from "../lib/task-drafts.js";
import { formErrorsFromProblem } from "../lib/task-form.js";
import { tasksPath } from "./task-keys.js";
import { useTaskMutation } from "./task-mutation.js";

export type TaskPatchInput = z.input<typeof taskPatchSchema>;

/** `PATCH /api/{userId}/tasks/{id}`: only the fields given change. */
export function updateTask(userId: string, id: string, patch: TaskPatchInput): Promise<Task> {
  return api.request(tasksPath(userId, `/${encodeURIComponent(id)}`), {
    method: "PATCH",
    body: patch,
    schema: taskSchema,
  });
}

/**
 * The task as the server will store it after `patch`, for showing at once: the shared schema
 * trims, lower-cases and de-duplicates exactly as the server does.
 */
export function applyPatch(task: Task, patch: TaskPatchInput, now = new Date()): Task {
  const parsed = taskPatchSchema.safeParse(patch);
  if (!parsed.success) return task;
  const { dueAt, completed, ...rest } = parsed.data;
  const next: Task = { ...task, ...rest, updatedAt: now.toISOString() };
  if (dueAt !== undefined) next.dueAt = dueAt ? dueAt.toISOString() : null;
  if (completed !== undefined && completed !== task.completed) {
    next.completed = completed;
    next.completedAt = completed ? now.toISOString() : null;
  }
  return next;
}

/** Saves an edit optimistically; a refusal rolls it back and offers the typed edit again. */
export function useUpdateTask() {
  return useTaskMutation({
    scope: "task-edits",
    send: (userId, { task, patch }: { task: Task; patch: TaskPatchInput }) => updateTask(userId, task.id, patch),
    apply(cache, { task, patch }) {
      const next = applyPatch(task, patch);
      cache.update(task.id, () => next);
      cache.moveBetweenCounts(task.completed, next.completed);
    },
    saved: (cache, saved, { task }) => cache.update(task.id, () => saved),
    key: ({ task }) => `update:${task.id}`,
    failed: (error, { task, patch }) => ({
      message: `Couldn't save your changes to ${quoteTitle(task.title)}.`,
      action: {
        label: "Edit again",
        onAction: () => {
          editDraft.set({ taskId: task.id, patch, errors: formErrorsFromProblem(error) });
          editingTaskId.set(task.id);
        },
      },
    }),
  });
}
