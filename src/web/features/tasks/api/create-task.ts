import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { type Task, type taskInputSchema, taskSchema } from "../../../../shared/task.schemas.js";
import { api } from "../../../lib/api.js";
import { forgottenSinceNow } from "../../../lib/forget-user.js";
import { clearNetworkFailure } from "../../../lib/network-problems.js";
import { useCurrentUser } from "../../../lib/use-session.js";
import { quoteTitle, reportTaskFailure } from "../lib/report-task-failure.js";
import { newTaskDraft } from "../lib/task-drafts.js";
import {
  adjustCount,
  insertCachedTask,
  refetchWhenIdle,
  removeCachedTask,
  restoreTasks,
  snapshotTasks,
  taskMutationKey,
  updateCachedTask,
} from "./task-cache.js";
import { tasksPath } from "./task-keys.js";

export type TaskCreateInput = z.input<typeof taskInputSchema>;

/** `POST /api/{userId}/tasks`. */
export function createTask(userId: string, body: TaskCreateInput): Promise<Task> {
  return api.request(tasksPath(userId), { method: "POST", body, schema: taskSchema });
}

let temporaryIds = 0;

/** A stand-in shown until the server answers; its id marks it as not yet saved. */
export function placeholderTask(body: TaskCreateInput): Task {
  const now = new Date().toISOString();
  return {
    id: `pending-${++temporaryIds}`,
    title: body.title.trim(),
    description: body.description ?? "",
    completed: body.completed ?? false,
    priority: body.priority ?? "none",
    dueAt: body.dueAt ?? null,
    tags: body.tags ?? [],
    createdAt: now,
    updatedAt: now,
    completedAt: null,
  };
}

export const isPlaceholder = (task: Task) => task.id.startsWith("pending-");

/** Adds a task at once; if the server refuses, it goes away and its title returns to the input. */
export function useCreateTask() {
  const client = useQueryClient();
  const user = useCurrentUser();
  const forgotten = forgottenSinceNow();
  const mutation = useMutation({
    mutationKey: taskMutationKey,
    mutationFn: (body: TaskCreateInput) => createTask(user.id, body),
    async onMutate(body) {
      const snapshot = await snapshotTasks(client, user.id);
      const placeholder = placeholderTask(body);
      insertCachedTask(client, user.id, placeholder);
      adjustCount(client, user.id, "pending", 1);
      return { snapshot, placeholder };
    },
    onSuccess(task, _body, context) {
      clearNetworkFailure(`create:${task.title}`);
      if (context) updateCachedTask(client, user.id, context.placeholder.id, () => task);
    },
    onError(error, body, context) {
      // Once the user is forgotten, a late refusal must not bring their title back into the input.
      if (forgotten()) return;
      if (context) {
        restoreTasks(client, context.snapshot);
        removeCachedTask(client, user.id, context.placeholder.id);
      }
      if (newTaskDraft.get() === "") newTaskDraft.set(body.title);
      reportTaskFailure({
        error,
        message: `Couldn't add ${quoteTitle(body.title)}.`,
        key: `create:${body.title}`,
        retry: () => {
          if (newTaskDraft.get() === body.title) newTaskDraft.set("");
          mutation.mutate(body);
        },
      });
    },
    onSettled: () => refetchWhenIdle(client, user.id),
  });
  return mutation;
}
