// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Task, TaskCounts } from "../../../../shared/task.schemas.js";
import type { SseEvent } from "../../../lib/sse-parser.js";
import { deferred, task, user } from "../../../test/fake-server.js";
import { defaultFilters } from "../lib/task-filters.js";
import type { TaskPages } from "./list-tasks.js";
import { createTaskEventMerger } from "./live-tasks.js";
import { taskKeys } from "./task-keys.js";
import { useUpdateTask } from "./update-task.js";

const request = vi.hoisted(() => vi.fn());
vi.mock("../../../lib/api.js", async () => {
  const { user } = await import("../../../test/fake-server.js");
  const signedIn = { status: "signed-in", user };
  return { api: { request }, session: { subscribe: () => () => {}, getSnapshot: () => signedIn } };
});

const milk = task({});
const allKey = taskKeys.list(user.id, defaultFilters);
const pendingKey = taskKeys.list(user.id, { ...defaultFilters, status: "pending" });
let client: QueryClient;
let merger: ReturnType<typeof createTaskEventMerger>;
let seq = 0;

function event(type: string, data: unknown): SseEvent {
  return { type, data: JSON.stringify(data), lastEventId: String(++seq) };
}
const shown = (key = allKey) => client.getQueryData<TaskPages>(key)?.pages.flatMap((p) => p.tasks) ?? [];
const later = (minutes: number) => new Date(Date.parse(milk.updatedAt) + minutes * 60_000).toISOString();

beforeEach(() => {
  client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Number.POSITIVE_INFINITY } } });
  for (const key of [allKey, pendingKey]) {
    client.setQueryData<TaskPages>(key, { pages: [{ tasks: [milk], nextCursor: null }], pageParams: [null] });
  }
  client.setQueryData<TaskCounts>(taskKeys.counts(user.id), { all: 1, pending: 1, completed: 0 });
  request.mockReset();
  merger = createTaskEventMerger(client, user.id);
});
afterEach(() => merger.dispose());

describe("merging remote changes into the cache", () => {
  it("adds a created task at the top of the lists it belongs in, once, however often it is told", () => {
    const bread = task({ id: "t2", title: "Bake bread", updatedAt: later(1) });
    merger.handle(event("task.created", bread));
    merger.handle(event("task.updated", bread));
    expect(shown()).toEqual([bread, milk]);
    expect(shown(pendingKey)).toEqual([bread, milk]);
  });

  it("changes an updated task in place, and takes it out of a list whose filter it no longer matches", () => {
    const done = { ...milk, completed: true, completedAt: later(2), updatedAt: later(2) };
    merger.handle(event("task.updated", done));
    expect(shown()).toEqual([done]);
    expect(shown(pendingKey)).toEqual([]);
  });

  it("keeps the newer copy when an older one arrives late", () => {
    const renamed = { ...milk, title: "Buy oat milk", updatedAt: later(3) };
    merger.handle(event("task.updated", renamed));
    merger.handle(event("task.updated", { ...milk, title: "Buy soy milk", updatedAt: later(1) }));
    expect(shown()).toEqual([renamed]);
  });

  it("removes a deleted task everywhere and refreshes the counts from the server", async () => {
    request.mockResolvedValue({ all: 0, pending: 0, completed: 0 });
    client.getQueryCache().build(client, { queryKey: taskKeys.counts(user.id), queryFn: () => request() });
    merger.handle(event("task.deleted", { id: "t1" }));
    expect(shown()).toEqual([]);
    expect(shown(pendingKey)).toEqual([]);
    expect(client.getQueryState(taskKeys.counts(user.id))?.isInvalidated).toBe(true);
  });

  it("ignores an event it cannot read", () => {
    merger.handle({ type: "task.updated", data: "{not json", lastEventId: "9" });
    merger.handle(event("task.updated", { id: "t1" }));
    merger.handle(event("task.exploded", milk));
    expect(shown()).toEqual([milk]);
  });

  it("reloads every task query on reset", () => {
    merger.handle(event("reset", { reason: "too-old" }));
    expect(client.getQueryState(allKey)?.isInvalidated).toBe(true);
    expect(client.getQueryState(taskKeys.counts(user.id))?.isInvalidated).toBe(true);
    expect(shown()).toEqual([milk]);
  });

  it("never undoes an edit in flight: the remote change waits until it settles, then applies only if newer", async () => {
    const answer = deferred<Task>();
    request.mockImplementation(() => answer.promise);
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    );
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    act(() => result.current.mutate({ task: milk, patch: { title: "Buy oat milk" } }));
    await waitFor(() => expect(shown()[0]?.title).toBe("Buy oat milk"));

    // Another device's change of the same task, made before ours reached the server.
    merger.handle(event("task.updated", { ...milk, title: "Buy soy milk", updatedAt: later(1) }));
    // And of another task: it waits too, so no refetch lands over the optimistic edit.
    const bread = task({ id: "t2", title: "Bake bread", updatedAt: later(1) });
    merger.handle(event("task.created", bread));
    expect(shown().map((t) => t.title)).toEqual(["Buy oat milk"]);

    const saved = { ...milk, title: "Buy oat milk", updatedAt: later(2) };
    request.mockResolvedValue({ tasks: [saved, bread], nextCursor: null });
    await act(async () => answer.resolve(saved));
    await waitFor(() => expect(shown().map((t) => t.title)).toEqual(["Bake bread", "Buy oat milk"]));
    expect(shown().find((t) => t.id === "t1")).toEqual(saved);
  });
});
