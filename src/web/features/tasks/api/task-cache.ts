import type { QueryClient, QueryKey } from "@tanstack/react-query";
import type { Task } from "../../../../shared/task.schemas.js";
import type { TaskFilters } from "../lib/task-filters.js";
import type { TaskCount } from "./count-tasks.js";
import type { TaskPages } from "./list-tasks.js";
import { taskKeys } from "./task-keys.js";

/** Every cached list and count of one user, as they were before an optimistic change. */
export type TasksSnapshot = [QueryKey, unknown][];

/** All task mutations share this key, so the last one to settle can refetch once. */
export const taskMutationKey = ["tasks"] as const;

export async function snapshotTasks(client: QueryClient, userId: string): Promise<TasksSnapshot> {
  // A refetch landing after the optimistic change would undo it on screen.
  await client.cancelQueries({ queryKey: taskKeys.all(userId) });
  return client.getQueriesData({ queryKey: taskKeys.all(userId) });
}

/** Puts the cache back as the snapshot had it: the rollback of a refused change. */
export function restoreTasks(client: QueryClient, snapshot: TasksSnapshot): void {
  for (const [key, data] of snapshot) client.setQueryData(key, data);
}

function mapPages(
  client: QueryClient,
  userId: string,
  map: (tasks: Task[], filters: TaskFilters, page: number) => Task[],
) {
  for (const [key, data] of client.getQueriesData<TaskPages>({ queryKey: taskKeys.lists(userId) })) {
    if (!data) continue;
    const filters = key[3] as TaskFilters;
    client.setQueryData<TaskPages>(key, {
      ...data,
      pages: data.pages.map((page, i) => ({ ...page, tasks: map(page.tasks, filters, i) })),
    });
  }
}

/** Changes one task wherever it is shown. */
export function updateCachedTask(client: QueryClient, userId: string, id: string, update: (task: Task) => Task) {
  mapPages(client, userId, (tasks) => tasks.map((task) => (task.id === id ? update(task) : task)));
}

/** Removes one task from every list. */
export function removeCachedTask(client: QueryClient, userId: string, id: string) {
  mapPages(client, userId, (tasks) => tasks.filter((task) => task.id !== id));
}

/** Adds a task at the top of every list whose filters it matches (the refetch then sorts it). */
export function insertCachedTask(client: QueryClient, userId: string, task: Task) {
  mapPages(client, userId, (tasks, filters, page) => (page === 0 && matches(task, filters) ? [task, ...tasks] : tasks));
}

function matches(task: Task, filters: TaskFilters): boolean {
  const q = filters.q.trim().toLowerCase();
  return (
    (filters.status === "all" || (filters.status === "completed") === task.completed) &&
    (!filters.priority || filters.priority === task.priority) &&
    (!filters.tag || task.tags.includes(filters.tag)) &&
    (!q || task.title.toLowerCase().includes(q) || task.description.toLowerCase().includes(q))
  );
}

/** Moves the pending/completed counts by `delta` at once; the next refetch corrects them. */
export function adjustCount(client: QueryClient, userId: string, status: "pending" | "completed", delta: number) {
  client.setQueryData<TaskCount>(taskKeys.count(userId, status), (count) =>
    count ? { ...count, count: Math.max(0, count.count + delta) } : count,
  );
}

/** A task moved between pending and completed (or did not): both counts follow at once. */
export function moveBetweenCounts(client: QueryClient, userId: string, was: boolean, now: boolean) {
  if (was === now) return;
  adjustCount(client, userId, "completed", now ? 1 : -1);
  adjustCount(client, userId, "pending", now ? -1 : 1);
}

/** After the last of several overlapping changes settles, fetch the truth once. */
export function refetchWhenIdle(client: QueryClient, userId: string): Promise<void> | undefined {
  if (client.isMutating({ mutationKey: taskMutationKey }) > 1) return undefined;
  return client.invalidateQueries({ queryKey: taskKeys.all(userId) });
}
