import { useMutation, useQueryClient } from "@tanstack/react-query";
import { forgottenSinceNow } from "../../../lib/forget-user.js";
import { clearNetworkFailure } from "../../../lib/network-problems.js";
import { useCurrentUser } from "../../../lib/use-session.js";
import { reportTaskFailure } from "../lib/report-task-failure.js";
import {
  refetchWhenIdle,
  restoreTasks,
  snapshotTasks,
  type TaskCache,
  type TasksSnapshot,
  taskCache,
  taskMutationKey,
} from "./task-cache.js";

/** What one kind of task change does; `useTaskMutation` adds the rest. */
export interface TaskMutationSpec<TVariables, TResult, TApplied> {
  /** Mutations in one scope run one after another (edits of a task must not overtake each other). */
  scope?: string;
  send(userId: string, variables: TVariables): Promise<TResult>;
  /** The change shown at once; the cache is snapshotted first, and restored if the server refuses. */
  apply?(cache: TaskCache, variables: TVariables): TApplied;
  /** The server's answer into the cache. */
  saved(cache: TaskCache, result: TResult, variables: TVariables, applied: TApplied | undefined): void;
  /** Identifies the change in the retry banner, so that retrying twice never sends it twice. */
  key(variables: TVariables): string;
  /**
   * After a failure (never for a forgotten user): undo what the snapshot does not cover and say
   * what did not happen; `beforeRetry` runs when the user sends it again.
   */
  failed(
    error: unknown,
    variables: TVariables,
    cache: TaskCache,
    applied: TApplied | undefined,
  ): { message: string; action?: { label: string; onAction(): void }; beforeRetry?(): void };
}

interface Context<TApplied> {
  snapshot: TasksSnapshot;
  applied: TApplied;
}

/**
 * The one skeleton of every task change: snapshot the cache, apply the change at once, put the
 * server's answer in, or roll back and report why (with Retry when the server was not reached),
 * then, once no other task change is in flight, fetch the truth. A late answer for a user who has
 * been forgotten meanwhile changes nothing the next person could see.
 *
 * @example
 *   const mutation = useTaskMutation({ send: (userId, id: string) => …, saved: (cache, task) => cache.merge(task), … });
 */
export function useTaskMutation<TVariables, TResult, TApplied = undefined>(
  spec: TaskMutationSpec<TVariables, TResult, TApplied>,
) {
  const client = useQueryClient();
  const user = useCurrentUser();
  const forgotten = forgottenSinceNow();
  const cache = taskCache(client, user.id);
  const mutation = useMutation<TResult, unknown, TVariables, Context<TApplied> | undefined>({
    mutationKey: taskMutationKey,
    scope: spec.scope ? { id: spec.scope } : undefined,
    mutationFn: (variables) => spec.send(user.id, variables),
    onMutate: spec.apply
      ? async (variables) => {
          const snapshot = await snapshotTasks(client, user.id);
          return { snapshot, applied: spec.apply?.(cache, variables) as TApplied };
        }
      : undefined,
    onSuccess(result, variables, context) {
      clearNetworkFailure(spec.key(variables));
      spec.saved(cache, result, variables, context?.applied);
    },
    onError(error, variables, context) {
      // Once the user is forgotten, a late failure must not restore their tasks, nor name one.
      if (forgotten()) return;
      if (context) restoreTasks(client, context.snapshot);
      const report = spec.failed(error, variables, cache, context?.applied);
      reportTaskFailure({
        error,
        message: report.message,
        key: spec.key(variables),
        action: report.action,
        retry: () => {
          report.beforeRetry?.();
          mutation.mutate(variables);
        },
      });
    },
    onSettled: () => refetchWhenIdle(client, user.id),
  });
  return mutation;
}
