import { type Task, taskSchema } from "../../../../shared/task.schemas.js";
import { api } from "../../../lib/api.js";
import { quoteTitle } from "../lib/report-task-failure.js";
import { getTask } from "./get-task.js";
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

/**
 * Completes or reopens a task; completing a recurring one also reads the next occurrence the
 * server created (`nextId`), so the list shows it together with the tick rather than whenever the
 * live stream or a refetch brings it. Reading it is a courtesy: if it fails (or the next one has
 * been deleted), the completion still stands.
 */
export async function completeAndReadNext(
  userId: string,
  id: string,
  completed: boolean,
): Promise<{ task: Task; next: Task | null }> {
  const task = await setTaskCompleted(userId, id, completed);
  const next = task.completed && task.nextId ? await getTask(userId, task.nextId).catch(() => null) : null;
  return { task, next };
}

/** Ticks or unticks at once; a refusal unticks again and says why. */
export function useSetTaskCompleted() {
  return useTaskMutation({
    send: (userId, { task, completed }: { task: Task; completed: boolean }) =>
      completeAndReadNext(userId, task.id, completed),
    apply(cache, { task, completed }) {
      cache.update(task.id, (current) => applyPatch(current, { completed }));
      cache.moveBetweenCounts(task.completed, completed);
    },
    saved(cache, { task: saved, next }, { task }) {
      cache.update(task.id, () => saved);
      if (next && !cache.has(next.id)) {
        cache.merge(next);
        if (!next.completed) cache.adjustCount("pending", 1);
      }
    },
    key: ({ task }) => `complete:${task.id}`,
    failed: (_error, { task, completed }) => ({
      message: `Couldn't mark ${quoteTitle(task.title)} as ${completed ? "done" : "not done"}.`,
    }),
  });
}
