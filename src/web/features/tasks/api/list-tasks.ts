import { type InfiniteData, infiniteQueryOptions, useInfiniteQuery } from "@tanstack/react-query";
import { type TaskList, taskListSchema } from "../../../../shared/task.schemas.js";
import { api } from "../../../lib/api.js";
import { useCurrentUser } from "../../../lib/use-session.js";
import { type ListQueryInput, listQueryFrom, type TaskFilters } from "../lib/task-filters.js";
import { taskKeys, tasksPath } from "./task-keys.js";

export const PAGE_SIZE = 30;

export type TaskPages = InfiniteData<TaskList, string | null>;

/** `GET /api/{userId}/tasks` with filters, sort and a cursor. */
export function listTasks(userId: string, query: ListQueryInput, signal?: AbortSignal): Promise<TaskList> {
  const search = new URLSearchParams(query as Record<string, string>).toString();
  return api.request(tasksPath(userId, `?${search}`), { schema: taskListSchema, signal });
}

export function tasksQueryOptions(userId: string, filters: TaskFilters) {
  return infiniteQueryOptions({
    queryKey: taskKeys.list(userId, filters),
    queryFn: ({ pageParam, signal }) =>
      listTasks(userId, listQueryFrom(filters, { cursor: pageParam, limit: PAGE_SIZE }), signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** The signed-in user's tasks for these filters, one page at a time (`fetchNextPage`). */
export function useTasks(filters: TaskFilters) {
  const user = useCurrentUser();
  return useInfiniteQuery({ ...tasksQueryOptions(user.id, filters), placeholderData: (previous) => previous });
}
