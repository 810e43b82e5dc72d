import { type Task, taskSchema } from "../../../../shared/task.schemas.js";
import { api } from "../../../lib/api.js";
import { quoteTitle } from "../lib/report-task-failure.js";
import { tasksPath } from "./task-keys.js";
import { useTaskMutation } from "./task-mutation.js";
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
  return useTaskMutation({
    send: (userId, { task, completed }: { task: Task; completed: boolean }) =>
      setTaskCompleted(userId, task.id, completed),
    apply(cache, { task, completed }) {
      cache.update(task.id, (current) => applyPatch(current, { completed }));
      cache.moveBetweenCounts(task.completed, completed);
    },
    saved: (cache, saved, { task }) => cache.update(task.id, () => saved),
    key: ({ task }) => `complete:${task.id}`,
    failed: (_error, { task, completed }) => ({
      message: `Couldn't mark ${quoteTitle(task.title)} as ${completed ? "done" : "not done"}.`,
    }),
  });
}
