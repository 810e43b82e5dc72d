import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type Task, taskSchema } from "../../../../shared/task.schemas.js";
import { api } from "../../../lib/api.js";
import { forgottenSinceNow } from "../../../lib/forget-user.js";
import { clearNetworkFailure } from "../../../lib/network-problems.js";
import { useCurrentUser } from "../../../lib/use-session.js";
import { quoteTitle, reportTaskFailure } from "../lib/report-task-failure.js";
import {
  moveBetweenCounts,
  refetchWhenIdle,
  restoreTasks,
  snapshotTasks,
  taskMutationKey,
  updateCachedTask,
} from "./task-cache.js";
import { tasksPath } from "./task-keys.js";
import { applyPatch } from "./update-task.js";

/** `PATCH /api/{userId}/tasks/{id}/complete` with an explicit state, so a retry cannot flip it back. */
export function setTaskCompleted(userId: string, id: string, completed: boolean): Promise<Task> {
  return api.request(tasksPath(userId, `/${encodeURIComponent(id)}/complete`), {
    method: "PATCH",
    body: { completed },
    schema: taskSchema,
  });
}

/** Ticks or unticks at once; a refusal unticks again and says why. */
export function useSetTaskCompleted() {
  const client = useQueryClient();
  const user = useCurrentUser();
  const forgotten = forgottenSinceNow();
  const mutation = useMutation({
    mutationKey: taskMutationKey,
    mutationFn: ({ task, completed }: { task: Task; completed: boolean }) =>
      setTaskCompleted(user.id, task.id, completed),
    async onMutate({ task, completed }) {
      const snapshot = await snapshotTasks(client, user.id);
      updateCachedTask(client, user.id, task.id, (current) => applyPatch(current, { completed }));
      moveBetweenCounts(client, user.id, task.completed, completed);
      return { snapshot };
    },
    onSuccess(saved, { task }) {
      clearNetworkFailure(`complete:${task.id}`);
      updateCachedTask(client, user.id, task.id, () => saved);
    },
    onError(error, { task, completed }, context) {
      // Once the user is forgotten, a late refusal must not restore their tasks or name one.
      if (forgotten()) return;
      if (context) restoreTasks(client, context.snapshot);
      reportTaskFailure({
        error,
        message: `Couldn't mark ${quoteTitle(task.title)} as ${completed ? "done" : "not done"}.`,
        key: `complete:${task.id}`,
        retry: () => mutation.mutate({ task, completed }),
      });
    },
    onSettled: () => refetchWhenIdle(client, user.id),
  });
  return mutation;
}
