import { queryOptions, useQuery } from "@tanstack/react-query";
import { LIST_LIMIT_MAX } from "../../../../shared/task.schemas.js";
import { useCurrentUser } from "../../../lib/use-session.js";
import { listTasks } from "./list-tasks.js";
import { taskKeys } from "./task-keys.js";

/** Past this many, the count reads "1000+" rather than walking every page. */
export const COUNT_CAP = 1000;

export interface TaskCount {
  count: number;
  /** True when there are more than COUNT_CAP. */
  capped: boolean;
}

/**
 * Counts one status. The API has no count route, so this walks the list at its largest page
 * size: one small request for most people, at most ten for anyone.
 */
export async function countTasks(
  userId: string,
  status: "pending" | "completed",
  signal?: AbortSignal,
): Promise<TaskCount> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const page = await listTasks(
      userId,
      { status, limit: String(LIST_LIMIT_MAX), ...(cursor ? { cursor } : {}) },
      signal,
    );
    count += page.tasks.length;
    cursor = page.nextCursor;
  } while (cursor && count < COUNT_CAP);
  return { count: Math.min(count, COUNT_CAP), capped: cursor !== null };
}

export function taskCountQueryOptions(userId: string, status: "pending" | "completed") {
  return queryOptions({
    queryKey: taskKeys.count(userId, status),
    queryFn: ({ signal }) => countTasks(userId, status, signal),
  });
}

/** Pending and completed counts of all the user's tasks (not only those shown). */
export function useTaskCounts() {
  const user = useCurrentUser();
  const pending = useQuery(taskCountQueryOptions(user.id, "pending"));
  const completed = useQuery(taskCountQueryOptions(user.id, "completed"));
  return { pending: pending.data, completed: completed.data };
}
