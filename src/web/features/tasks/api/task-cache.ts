import type { QueryClient, QueryKey } from "@tanstack/react-query";
import type { Task, TaskCounts } from "../../../../shared/task.schemas.js";
import type { TaskFilters } from "../lib/task-filters.js";
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

/**
 * Puts the saved task where its stand-in (`replacedId`) was, and drops any other copy of it: a
 * remote event may have brought the same task in meanwhile.
 */
export function replaceCachedTask(client: QueryClient, userId: string, replacedId: string, task: Task) {
  mapPages(client, userId, (tasks) =>
    tasks.flatMap((cached) => (cached.id === replacedId ? [task] : cached.id === task.id ? [] : [cached])),
  );
}

/** Whether any cached list holds the task. */
export function hasCachedTask(client: QueryClient, userId: string, id: string): boolean {
  return client
    .getQueriesData<TaskPages>({ queryKey: taskKeys.lists(userId) })
    .some(([, data]) => data?.pages.some((page) => page.tasks.some((task) => task.id === id)));
}

/** Removes one task from every list. */
export function removeCachedTask(client: QueryClient, userId: string, id: string) {
  mapPages(client, userId, (tasks) => tasks.filter((task) => task.id !== id));
}

/** Adds a task at the top of every list whose filters it matches (the refetch then sorts it). */
export function insertCachedTask(client: QueryClient, userId: string, task: Task) {
  mapPages(client, userId, (tasks, filters, page) => (page === 0 && matches(task, filters) ? [task, ...tasks] : tasks));
}

/**
 * The server's copy of a task, merged into every list: replaced where shown (unless the cache
 * already holds a later version), dropped from lists whose filters it no longer matches, added at
 * the top of those it now matches. Used for the server's answers and for remote events alike.
 */
export function mergeServerTask(client: QueryClient, userId: string, task: Task) {
  for (const [key, data] of client.getQueriesData<TaskPages>({ queryKey: taskKeys.lists(userId) })) {
    if (!data) continue;
    const cached = data.pages.flatMap((page) => page.tasks).find((t) => t.id === task.id);
    if (cached && isOlder(task, cached)) continue;
    const fits = matches(task, key[3] as TaskFilters);
    if (!cached && !fits) continue;
    const pages = data.pages.map((page, i) => {
      const kept = page.tasks.flatMap((t) => (t.id !== task.id ? [t] : fits ? [task] : []));
      return { ...page, tasks: !cached && i === 0 ? [task, ...kept] : kept };
    });
    client.setQueryData<TaskPages>(key, { ...data, pages });
  }
}

/** Every write moves `updatedAt` forward on the server, so an older one is a stale copy. */
function isOlder(task: Task, than: Task): boolean {
  return Date.parse(task.updatedAt) < Date.parse(than.updatedAt);
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

/** Moves the pending/completed counts (and the total) by `delta` at once; the next refetch corrects them. */
export function adjustCount(client: QueryClient, userId: string, status: "pending" | "completed", delta: number) {
  client.setQueryData<TaskCounts>(taskKeys.counts(userId), (counts) =>
    counts
      ? { ...counts, all: Math.max(0, counts.all + delta), [status]: Math.max(0, counts[status] + delta) }
      : counts,
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

/** The cache writes of one user's tasks, bound to the client: what mutations and remote events use. */
export interface TaskCache {
  has(id: string): boolean;
  update(id: string, change: (task: Task) => Task): void;
  replace(replacedId: string, task: Task): void;
  remove(id: string): void;
  insert(task: Task): void;
  merge(task: Task): void;
  adjustCount(status: "pending" | "completed", delta: number): void;
  moveBetweenCounts(was: boolean, now: boolean): void;
}

export function taskCache(client: QueryClient, userId: string): TaskCache {
  return {
    has: (id) => hasCachedTask(client, userId, id),
    update: (id, change) => updateCachedTask(client, userId, id, change),
    replace: (replacedId, task) => replaceCachedTask(client, userId, replacedId, task),
    remove: (id) => removeCachedTask(client, userId, id),
    insert: (task) => insertCachedTask(client, userId, task),
    merge: (task) => mergeServerTask(client, userId, task),
    adjustCount: (status, delta) => adjustCount(client, userId, status, delta),
    moveBetweenCounts: (was, now) => moveBetweenCounts(client, userId, was, now),
  };
}
