import type { Task } from "../../../../shared/task.schemas.js";
import { createUserStore } from "../../../lib/forget-user.js";

/**
 * Tasks the user deleted whose undo toast is still up: hidden from every list at once, deleted
 * on the server only when the toast goes away, so Undo loses nothing (not even the id or the
 * creation date). Signing out here sends them first; a session ended elsewhere cannot, and the
 * tasks stay (src/web/README.md, "Forgetting the user").
 */
export const pendingDeletes = createUserStore<ReadonlyMap<string, Task>>(new Map());

export function hideTask(task: Task): void {
  pendingDeletes.set((hidden) => new Map(hidden).set(task.id, task));
}

export function unhideTask(id: string): void {
  if (!pendingDeletes.get().has(id)) return;
  pendingDeletes.set((hidden) => {
    const next = new Map(hidden);
    next.delete(id);
    return next;
  });
}

/** How many of the hidden tasks are pending and completed, to keep the counts honest. */
export function hiddenCounts(hidden: ReadonlyMap<string, Task>): { pending: number; completed: number } {
  let completed = 0;
  for (const task of hidden.values()) if (task.completed) completed++;
  return { pending: hidden.size - completed, completed };
}
