import { queryOptions, useQuery } from "@tanstack/react-query";
import { type TaskCounts, taskCountsSchema } from "../../../../shared/task.schemas.js";
import { api } from "../../../lib/api.js";
import { useCurrentUser } from "../../../lib/use-session.js";
import { taskKeys, tasksPath } from "./task-keys.js";

/** `GET /api/{userId}/tasks/counts`: every task of the user, whatever the list shows. */
export function countTasks(userId: string, signal?: AbortSignal): Promise<TaskCounts> {
  return api.request(tasksPath(userId, "/counts"), { schema: taskCountsSchema, signal });
}

export function taskCountsQueryOptions(userId: string) {
  return queryOptions({
    queryKey: taskKeys.counts(userId),
    queryFn: ({ signal }) => countTasks(userId, signal),
  });
}

/** All, pending and completed counts of the user's tasks (not only those shown): one request. */
export function useTaskCounts(): TaskCounts | undefined {
  const user = useCurrentUser();
  return useQuery(taskCountsQueryOptions(user.id)).data;
}
