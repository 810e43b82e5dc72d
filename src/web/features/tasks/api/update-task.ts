import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { type Task, taskPatchSchema, taskSchema } from "../../../../shared/task.schemas.js";
import { api } from "../../../lib/api.js";
import { forgottenSinceNow } from "../../../lib/forget-user.js";
import { clearNetworkFailure } from "../../../lib/network-problems.js";
import { useCurrentUser } from "../../../lib/use-session.js";
import { quoteTitle, reportTaskFailure } from "../lib/report-task-failure.js";
import { editDraft, editingTaskId } from "../lib/task-drafts.js";
import { formErrorsFromProblem } from "../lib/task-form.js";
import {
  moveBetweenCounts,
  refetchWhenIdle,
  restoreTasks,
  snapshotTasks,
  taskMutationKey,
  updateCachedTask,
} from "./task-cache.js";
import { tasksPath } from "./task-keys.js";

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
  const client = useQueryClient();
  const user = useCurrentUser();
  const forgotten = forgottenSinceNow();
  const mutation = useMutation({
    mutationKey: taskMutationKey,
    scope: { id: "task-edits" },
    mutationFn: ({ task, patch }: { task: Task; patch: TaskPatchInput }) => updateTask(user.id, task.id, patch),
    async onMutate({ task, patch }) {
      const snapshot = await snapshotTasks(client, user.id);
      const next = applyPatch(task, patch);
      updateCachedTask(client, user.id, task.id, () => next);
      moveBetweenCounts(client, user.id, task.completed, next.completed);
      return { snapshot };
    },
    onSuccess(saved, { task }) {
      clearNetworkFailure(`update:${task.id}`);
      updateCachedTask(client, user.id, task.id, () => saved);
    },
    onError(error, { task, patch }, context) {
      // Once the user is forgotten, a late refusal must not restore their tasks or offer their edit.
      if (forgotten()) return;
      if (context) restoreTasks(client, context.snapshot);
      reportTaskFailure({
        error,
        message: `Couldn't save your changes to ${quoteTitle(task.title)}.`,
        key: `update:${task.id}`,
        retry: () => mutation.mutate({ task, patch }),
        action: {
          label: "Edit again",
          onAction: () => {
            editDraft.set({ taskId: task.id, patch, errors: formErrorsFromProblem(error) });
            editingTaskId.set(task.id);
          },
        },
      });
    },
    onSettled: () => refetchWhenIdle(client, user.id),
  });
  return mutation;
}
