import type { Task } from "../../../../shared/task.schemas.js";
import { api } from "../../../lib/api.js";
import { ApiError } from "../../../lib/api-error.js";
import { showToast } from "../../../lib/toasts.js";
import { hideTask, unhideTask } from "../lib/pending-deletes.js";
import { quoteTitle } from "../lib/report-task-failure.js";
import { tasksPath } from "./task-keys.js";
import { useTaskMutation } from "./task-mutation.js";

/** `DELETE /api/{userId}/tasks/{id}`; keepalive lets it finish when the page is being closed. */
export function deleteTask(userId: string, id: string): Promise<void> {
  return api.request(tasksPath(userId, `/${encodeURIComponent(id)}`), { method: "DELETE", keepalive: true });
}

export const UNDO_WINDOW_MS = 6000;

function unlessNotFound(error: unknown): void {
  if (!(error instanceof ApiError && error.status === 404)) throw error;
}

/**
 * Deletes with an undo toast: the task disappears at once and is deleted on the server when the
 * toast goes away (or the page is closed). Undo brings it back exactly as it was.
 */
export function useDeleteTask(): (task: Task) => void {
  const mutation = useTaskMutation({
    // Gone already (deleted on another device while its undo toast was open here): done all the same.
    send: (userId, task: Task) => deleteTask(userId, task.id).catch(unlessNotFound),
    saved(cache, _nothing, task) {
      cache.remove(task.id);
      cache.adjustCount(task.completed ? "completed" : "pending", -1);
      unhideTask(task.id);
    },
    key: (task) => `delete:${task.id}`,
    failed(_error, task) {
      unhideTask(task.id);
      return { message: `Couldn't delete ${quoteTitle(task.title)}.`, beforeRetry: () => hideTask(task) };
    },
  });

  return function deleteWithUndo(task: Task) {
    hideTask(task);
    showToast({
      message: `Deleted ${quoteTitle(task.title)}.`,
      durationMs: UNDO_WINDOW_MS,
      action: { label: "Undo", onAction: () => unhideTask(task.id) },
      // Returned so that signing out can wait for it; onError has already told the user of a failure.
      onEnd: (how) => (how === "action" ? undefined : mutation.mutateAsync(task).catch(() => {})),
    });
  };
}
