import type { TaskFilters } from "../lib/task-filters.js";

/** Cache keys: everything of one user's tasks sits under `["tasks", userId]`. */
export const taskKeys = {
  all: (userId: string) => ["tasks", userId] as const,
  lists: (userId: string) => ["tasks", userId, "list"] as const,
  list: (userId: string, filters: TaskFilters) => ["tasks", userId, "list", filters] as const,
  counts: (userId: string) => ["tasks", userId, "counts"] as const,
};

/** `/api/{userId}/tasks` and below. */
export function tasksPath(userId: string, rest = ""): string {
  return `/api/${encodeURIComponent(userId)}/tasks${rest}`;
}
