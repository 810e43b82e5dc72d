import type { z } from "zod";
import { type Task, type taskInputSchema, taskSchema } from "../../../../shared/task.schemas.js";
import { api } from "../../../lib/api.js";
import { quoteTitle } from "../lib/report-task-failure.js";
import { newTaskDialog, newTaskDraft } from "../lib/task-drafts.js";
import { formErrorsFromProblem } from "../lib/task-form.js";
import { tasksPath } from "./task-keys.js";
import { useTaskMutation } from "./task-mutation.js";

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
    recurrence: body.recurrence ? { rule: body.recurrence.rule, from: body.recurrence.from ?? "due" } : null,
    reminders: body.reminders ?? [],
    nextId: null,
  };
}

export const isPlaceholder = (task: Task) => task.id.startsWith("pending-");

/** Adds a task at once; if the server refuses, it goes away and its title returns to the input. */
export function useCreateTask() {
  return useTaskMutation({
    send: (userId, body: TaskCreateInput) => createTask(userId, body),
    apply(cache, body) {
      const placeholder = placeholderTask(body);
      cache.insert(placeholder);
      cache.adjustCount("pending", 1);
      return placeholder;
    },
    saved: (cache, task, _body, placeholder) => placeholder && cache.replace(placeholder.id, task),
    key: (body) => `create:${body.title}`,
    failed(error, body, cache, placeholder) {
      if (placeholder) cache.remove(placeholder.id);
      const fromDialog = Object.keys(body).some((field) => field !== "title");
      if (fromDialog) {
        // More than a title was filled in: the dialog comes back with all of it, and the reasons.
        return {
          message: `Couldn't add ${quoteTitle(body.title)}.`,
          action: {
            label: "Edit again",
            onAction: () => newTaskDialog.set({ body, errors: formErrorsFromProblem(error) }),
          },
        };
      }
      if (newTaskDraft.get() === "") newTaskDraft.set(body.title);
      return {
        message: `Couldn't add ${quoteTitle(body.title)}.`,
        beforeRetry: () => {
          if (newTaskDraft.get() === body.title) newTaskDraft.set("");
        },
      };
    },
  });
}
