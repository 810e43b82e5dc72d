import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { z } from "zod";
import { taskSchema } from "../../../../shared/task.schemas.js";
import { session as appSession } from "../../../lib/api.js";
import { createStore } from "../../../lib/create-store.js";
import { type EventStreamOptions, openEventStream, type StreamState } from "../../../lib/event-stream.js";
import { onForgetUser } from "../../../lib/forget-user.js";
import type { SseEvent } from "../../../lib/sse-parser.js";
import { useSession } from "../../../lib/use-session.js";
import { handleReminderEvent } from "../lib/reminder-alerts.js";
import { taskCache, taskMutationKey } from "./task-cache.js";
import { taskKeys } from "./task-keys.js";

/** The live stream's state, for the header: `off` while nobody is signed in. */
export const liveState = createStore<StreamState | "off">("off");

const deletedSchema = z.object({ id: z.string() });

/**
 * Merges the user's remote changes into the query cache through the same cache writes as local
 * mutations. While any task change of this tab is in flight, events wait and are applied when the
 * last one settles (in order, each only if newer than what the cache then holds), so a remote
 * event never undoes an optimistic change on screen, nor does a refetch it causes. `reset`
 * reloads every task query. Returns the handler and its disposal.
 */
export function createTaskEventMerger(client: QueryClient, userId: string) {
  const waiting: SseEvent[] = [];
  const cache = taskCache(client, userId);
  const idle = () => client.isMutating({ mutationKey: taskMutationKey }) === 0;

  function apply(event: SseEvent): boolean {
    if (event.type === "reset") return true;
    const body = parseJson(event.data);
    if (event.type === "task.created" || event.type === "task.updated") {
      const task = taskSchema.safeParse(body);
      if (task.success) cache.merge(task.data);
    } else if (event.type === "task.deleted") {
      const deleted = deletedSchema.safeParse(body);
      if (deleted.success) cache.remove(deleted.data.id);
    }
    return false;
  }

  function flush(): void {
    if (waiting.length === 0) return;
    const reset = waiting.splice(0).map(apply).some(Boolean);
    if (reset) {
      void client.invalidateQueries({ queryKey: taskKeys.all(userId) });
      return;
    }
    // The counts are one small request; a list read already under way started before these
    // changes, so it is asked again rather than allowed to land older data over them.
    void client.invalidateQueries({ queryKey: taskKeys.counts(userId) });
    void client.invalidateQueries({
      queryKey: taskKeys.lists(userId),
      predicate: (query) => query.state.fetchStatus === "fetching",
    });
  }

  const unsubscribe = client.getMutationCache().subscribe(() => {
    if (idle()) flush();
  });

  return {
    handle(event: SseEvent): void {
      waiting.push(event);
      if (idle()) flush();
    },
    /** The stream (re)opened without resuming: changes made before it opened are read afresh. */
    catchUp(): void {
      waiting.push({ type: "reset", data: "", lastEventId: "" });
      if (idle()) flush();
    },
    dispose(): void {
      unsubscribe();
      waiting.length = 0;
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Follows the user's event stream into `client` until the returned function is called. Reminders
 * are shown as they come (they change no task, so they never wait for a change in flight).
 */
export function followTaskEvents(
  client: QueryClient,
  userId: string,
  deps: Partial<Pick<EventStreamOptions, "session" | "fetch" | "minDelayMs">> & {
    onReminder?(data: string): void;
  } = {},
): () => void {
  const onReminder = deps.onReminder ?? handleReminderEvent;
  const merger = createTaskEventMerger(client, userId);
  let opened = false;
  const stream = openEventStream({
    path: `/api/${encodeURIComponent(userId)}/events`,
    session: deps.session ?? appSession,
    fetch: deps.fetch,
    minDelayMs: deps.minDelayMs,
    onEvent: (event) => (event.type === "reminder" ? onReminder(event.data) : merger.handle(event)),
    onState: (state) => liveState.set(state),
    onOpen(resumed) {
      // The first open follows the first read closely; only a later fresh start can have missed much.
      if (opened && !resumed) merger.catchUp();
      opened = true;
    },
  });
  return () => {
    stream.close();
    merger.dispose();
    liveState.set("off");
  };
}

/** Keeps the signed-in user's tasks live in this tab; stops at sign-out and when the user is forgotten. */
export function useLiveTasks(): void {
  const client = useQueryClient();
  const snapshot = useSession();
  const userId = snapshot.status === "signed-in" ? snapshot.user.id : null;
  useEffect(() => {
    if (!userId) return;
    const stop = followTaskEvents(client, userId);
    const unregister = onForgetUser(stop);
    return () => {
      unregister();
      stop();
    };
  }, [client, userId]);
}
