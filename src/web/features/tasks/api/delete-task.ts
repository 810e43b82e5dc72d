import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Task } from "../../../../shared/task.schemas.js";
import { api } from "../../../lib/api.js";
import { forgottenSinceNow } from "../../../lib/forget-user.js";
import { clearNetworkFailure } from "../../../lib/network-problems.js";
import { showToast } from "../../../lib/toasts.js";
import { useCurrentUser } from "../../../lib/use-session.js";
import { hideTask, unhideTask } from "../lib/pending-deletes.js";
import { quoteTitle, reportTaskFailure } from "../lib/report-task-failure.js";
import { adjustCount, refetchWhenIdle, removeCachedTask, taskMutationKey } from "./task-cache.js";
import { tasksPath } from "./task-keys.js";

/** `DELETE /api/{userId}/tasks/{id}`; keepalive lets it finish when the page is being closed. */
export function deleteTask(userId: string, id: string): Promise<void> {
  return api.request(tasksPath(userId, `/${encodeURIComponent(id)}`), { method: "DELETE", keepalive: true });
}

export const UNDO_WINDOW_MS = 6000;

/**
 * Deletes with an undo toast: the task disappears at once and is deleted on the server when the
 * toast goes away (or the page is closed). Undo brings it back exactly as it was.
 */
export function useDeleteTask(): (task: Task) => void {
  const client = useQueryClient();
  const user = useCurrentUser();
  const forgotten = forgottenSinceNow();
  const mutation = useMutation({
    mutationKey: taskMutationKey,
    mutationFn: (task: Task) => deleteTask(user.id, task.id),
    onSuccess(_nothing, task) {
      clearNetworkFailure(`delete:${task.id}`);
      removeCachedTask(client, user.id, task.id);
      adjustCount(client, user.id, task.completed ? "completed" : "pending", -1);
      unhideTask(task.id);
    },
    onError(error, task) {
      // A delete the ended session could not send: the task stays, and the next user hears nothing of it.
      if (forgotten()) return;
      unhideTask(task.id);
      reportTaskFailure({
        error,
        message: `Couldn't delete ${quoteTitle(task.title)}.`,
        key: `delete:${task.id}`,
        retry: () => {
          hideTask(task);
          mutation.mutate(task);
        },
      });
    },
    onSettled: () => refetchWhenIdle(client, user.id),
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
