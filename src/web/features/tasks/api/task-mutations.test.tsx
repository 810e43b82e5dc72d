// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Task, TaskCounts } from "../../../../shared/task.schemas.js";
import { ApiError, NetworkError } from "../../../lib/api-error.js";
import { forgetUser } from "../../../lib/forget-user.js";
import { networkProblems, retryNetworkFailures } from "../../../lib/network-problems.js";
import { endToast, showToast, toastStore } from "../../../lib/toasts.js";
import { task, user } from "../../../test/fake-server.js";
import { pendingDeletes } from "../lib/pending-deletes.js";
import { editDraft, editingTaskId, newTaskDraft } from "../lib/task-drafts.js";
import { defaultFilters } from "../lib/task-filters.js";
import { useCreateTask } from "./create-task.js";
import { useDeleteTask } from "./delete-task.js";
import type { TaskPages } from "./list-tasks.js";
import { useSetTaskCompleted } from "./set-task-completed.js";
import { taskKeys } from "./task-keys.js";
import { useUpdateTask } from "./update-task.js";

const request = vi.hoisted(() => vi.fn());
vi.mock("../../../lib/api.js", async () => {
  const { user } = await import("../../../test/fake-server.js");
  const signedIn = { status: "signed-in", user };
  return { api: { request }, session: { subscribe: () => () => {}, getSnapshot: () => signedIn } };
});

const milk = task({});
const listKey = taskKeys.list(user.id, defaultFilters);
let client: QueryClient;

function wrapper({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

function shown(): Task[] {
  return client.getQueryData<TaskPages>(listKey)?.pages.flatMap((p) => p.tasks) ?? [];
}
function count(status: "pending" | "completed"): number | undefined {
  return client.getQueryData<TaskCounts>(taskKeys.counts(user.id))?.[status];
}

const refused = (path: string, message: string) =>
  new ApiError(400, {
    type: "about:blank",
    title: "Unprocessable",
    status: 400,
    code: "validation_failed",
    detail: `${path} ${message}`,
    errors: [{ path, message }],
  });

beforeEach(() => {
  client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Number.POSITIVE_INFINITY } } });
  client.setQueryData<TaskPages>(listKey, { pages: [{ tasks: [milk], nextCursor: null }], pageParams: [null] });
  client.setQueryData<TaskCounts>(taskKeys.counts(user.id), { all: 1, pending: 1, completed: 0 });
  request.mockReset();
  toastStore.set([]);
  networkProblems.set([]);
  pendingDeletes.set(new Map());
  editDraft.set(null);
  editingTaskId.set(null);
  newTaskDraft.set("");
});
afterEach(() => vi.useRealTimers());

describe("optimistic task changes", () => {
  it("show a completion at once, and roll it back with the reason when the server refuses", async () => {
    let refuse: (e: unknown) => void = () => {};
    request.mockImplementation(() => new Promise((_, reject) => (refuse = reject)));
    const { result } = renderHook(() => useSetTaskCompleted(), { wrapper });

    act(() => result.current.mutate({ task: milk, completed: true }));
    await waitFor(() => expect(shown()[0]?.completed).toBe(true));
    expect(count("pending")).toBe(0);
    expect(count("completed")).toBe(1);

    await act(async () =>
      refuse(
        new ApiError(404, {
          type: "about:blank",
          title: "Not Found",
          status: 404,
          code: "not_found",
          detail: "No such task.",
        }),
      ),
    );
    await waitFor(() => expect(shown()[0]?.completed).toBe(false));
    expect(count("pending")).toBe(1);
    expect(count("completed")).toBe(0);
    expect(toastStore.get().map((t) => t.message)).toEqual(["Couldn't mark “Buy milk” as done. No such task."]);
  });

  it("keep a change that could not reach the server, ready to send again from the retry banner", async () => {
    request.mockRejectedValueOnce(new NetworkError("offline"));
    const { result } = renderHook(() => useSetTaskCompleted(), { wrapper });
    act(() => result.current.mutate({ task: milk, completed: true }));
    await waitFor(() => expect(networkProblems.get()).toHaveLength(1));
    expect(shown()[0]?.completed).toBe(false);

    request.mockResolvedValueOnce({ ...milk, completed: true, completedAt: "2026-01-02T00:00:00.000Z" });
    act(() => retryNetworkFailures());
    await waitFor(() => expect(shown()[0]?.completed).toBe(true));
    expect(request).toHaveBeenLastCalledWith(
      `/api/${user.id}/tasks/t1/complete`,
      expect.objectContaining({ body: { completed: true } }),
    );
    expect(networkProblems.get()).toEqual([]);
  });

  it("roll a refused edit back, and reopen it with what was typed and the server's reason beside the field", async () => {
    request.mockRejectedValueOnce(refused("title", "must be 1 to 200 characters"));
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    act(() => result.current.mutate({ task: milk, patch: { title: "Buy oat milk", tags: ["Home", "home"] } }));
    await waitFor(() => expect(toastStore.get()).toHaveLength(1));
    expect(shown()[0]).toEqual(milk);

    const toast = toastStore.get()[0];
    expect(toast?.action?.label).toBe("Edit again");
    act(() => toast?.action?.onAction());
    expect(editingTaskId.get()).toBe("t1");
    expect(editDraft.get()).toEqual({
      taskId: "t1",
      patch: { title: "Buy oat milk", tags: ["Home", "home"] },
      errors: { title: "Title must be 1 to 200 characters" },
    });
  });

  it("apply an edit as the server will store it (trimmed, tags lower-cased and de-duplicated)", async () => {
    request.mockImplementation(() => new Promise(() => {}));
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    act(() =>
      result.current.mutate({ task: milk, patch: { title: "  Buy oat milk ", tags: ["Home", "home", "shop"] } }),
    );
    await waitFor(() => expect(shown()[0]?.title).toBe("Buy oat milk"));
    expect(shown()[0]?.tags).toEqual(["home", "shop"]);
  });
});

describe("deleting with undo", () => {
  it("hides the task at once and never asks the server when undone", async () => {
    const { result } = renderHook(() => useDeleteTask(), { wrapper });
    act(() => result.current(milk));
    expect(pendingDeletes.get().has("t1")).toBe(true);
    const toast = toastStore.get()[0];
    expect(toast?.message).toBe("Deleted “Buy milk”.");
    act(() => {
      toast?.action?.onAction();
      if (toast) endToast(toast.id, "action");
    });
    expect(pendingDeletes.get().size).toBe(0);
    expect(request).not.toHaveBeenCalled();
    expect(shown()).toEqual([milk]);
  });

  it("deletes on the server when the toast goes away, and brings the task back if that fails", async () => {
    request.mockRejectedValueOnce(new NetworkError("offline"));
    const { result } = renderHook(() => useDeleteTask(), { wrapper });
    act(() => result.current(milk));
    const toast = toastStore.get()[0];
    act(() => {
      if (toast) endToast(toast.id, "timeout");
    });
    await waitFor(() =>
      expect(request).toHaveBeenCalledWith(`/api/${user.id}/tasks/t1`, expect.objectContaining({ method: "DELETE" })),
    );
    await waitFor(() => expect(pendingDeletes.get().size).toBe(0));
    expect(shown()).toEqual([milk]);
    expect(toastStore.get().at(-1)?.message).toMatch(/^Couldn't delete “Buy milk”\. Can't reach Taskvault/);

    request.mockResolvedValueOnce(undefined);
    act(() => retryNetworkFailures());
    await waitFor(() => expect(shown()).toEqual([]));
    expect(count("pending")).toBe(0);
  });
  it("deletes a task whose undo toast was pushed off screen by newer toasts", async () => {
    request.mockResolvedValue(undefined);
    const tasks = [milk, task({ id: "t2", title: "Bread" }), task({ id: "t3", title: "Eggs" })];
    client.setQueryData<TaskPages>(listKey, { pages: [{ tasks, nextCursor: null }], pageParams: [null] });
    const { result } = renderHook(() => useDeleteTask(), { wrapper });
    act(() => {
      for (const each of tasks) result.current(each);
    });
    expect(request).not.toHaveBeenCalled();

    act(() => {
      showToast({ message: "Reminder: Water the plants — due 9:00 AM" });
    });
    expect(toastStore.get().map((t) => t.message)).toEqual([
      "Deleted “Bread”.",
      "Deleted “Eggs”.",
      "Reminder: Water the plants — due 9:00 AM",
    ]);
    await waitFor(() =>
      expect(request).toHaveBeenCalledWith(`/api/${user.id}/tasks/t1`, expect.objectContaining({ method: "DELETE" })),
    );
    expect(request).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(shown().map((t) => t.id)).toEqual(["t2", "t3"]));
    expect(pendingDeletes.get().has("t1")).toBe(false);
    expect([...pendingDeletes.get().keys()]).toEqual(["t2", "t3"]);
  });
});

describe("forgetting the user at the end of the session", () => {
  it("drops the drafts, the open editor and the hidden deletes, and sends none of the deletes", async () => {
    const { result } = renderHook(() => useDeleteTask(), { wrapper });
    act(() => result.current(milk));
    newTaskDraft.set("Call the lawyer");
    editingTaskId.set("t1");
    editDraft.set({ taskId: "t1", patch: { title: "Buy oat milk" }, errors: {} });

    act(() => forgetUser(client));

    expect(newTaskDraft.get()).toBe("");
    expect(editingTaskId.get()).toBeNull();
    expect(editDraft.get()).toBeNull();
    expect(pendingDeletes.get().size).toBe(0);
    expect(toastStore.get()).toEqual([]);
    expect(shown()).toEqual([]);
    // The session that could have sent the delete is over: the task stays on the server.
    await new Promise((r) => setTimeout(r, 10));
    expect(request).not.toHaveBeenCalled();
  });

  it("ignores a refused new task that is answered after the user was forgotten", async () => {
    let refuse: (e: unknown) => void = () => {};
    request.mockImplementation(() => new Promise((_, reject) => (refuse = reject)));
    const { result } = renderHook(() => useCreateTask(), { wrapper });
    act(() => result.current.mutate({ title: "Call the lawyer" }));
    await waitFor(() => expect(request).toHaveBeenCalled());

    act(() => forgetUser(client));
    await act(async () => refuse(new NetworkError("offline")));

    // Its title does not come back into the next person's input, nor in a toast or the banner.
    await new Promise((r) => setTimeout(r, 10));
    expect(newTaskDraft.get()).toBe("");
    expect(toastStore.get()).toEqual([]);
    expect(networkProblems.get()).toEqual([]);
  });

  it("ignores a refused edit answered after the user was forgotten: no rollback into the cache, no Edit again", async () => {
    let refuse: (e: unknown) => void = () => {};
    request.mockImplementation(() => new Promise((_, reject) => (refuse = reject)));
    const { result } = renderHook(() => useUpdateTask(), { wrapper });
    act(() => result.current.mutate({ task: milk, patch: { title: "Call the lawyer" } }));
    await waitFor(() => expect(request).toHaveBeenCalled());

    act(() => forgetUser(client));
    await act(async () => refuse(refused("title", "must be 1 to 200 characters")));

    await new Promise((r) => setTimeout(r, 10));
    expect(client.getQueryCache().getAll()).toEqual([]);
    expect(toastStore.get()).toEqual([]);
    expect(editDraft.get()).toBeNull();
  });

  it("ignores a refused completion answered after the user was forgotten", async () => {
    let refuse: (e: unknown) => void = () => {};
    request.mockImplementation(() => new Promise((_, reject) => (refuse = reject)));
    const { result } = renderHook(() => useSetTaskCompleted(), { wrapper });
    act(() => result.current.mutate({ task: milk, completed: true }));
    await waitFor(() => expect(request).toHaveBeenCalled());

    act(() => forgetUser(client));
    await act(async () => refuse(new NetworkError("offline")));

    await new Promise((r) => setTimeout(r, 10));
    expect(client.getQueryCache().getAll()).toEqual([]);
    expect(toastStore.get()).toEqual([]);
    expect(networkProblems.get()).toEqual([]);
  });

  it("ignores a failed delete answered after the user was forgotten", async () => {
    let refuse: (e: unknown) => void = () => {};
    request.mockImplementation(() => new Promise((_, reject) => (refuse = reject)));
    const { result } = renderHook(() => useDeleteTask(), { wrapper });
    act(() => result.current(milk));
    const toast = toastStore.get()[0];
    act(() => {
      if (toast) endToast(toast.id, "timeout");
    });
    await waitFor(() => expect(request).toHaveBeenCalled());

    act(() => forgetUser(client));
    await act(async () => refuse(new NetworkError("offline")));

    await new Promise((r) => setTimeout(r, 10));
    expect(toastStore.get()).toEqual([]);
    expect(networkProblems.get()).toEqual([]);
    expect(pendingDeletes.get().size).toBe(0);
  });

  it("takes a task deleted meanwhile on another device (404) as deleted, without an error", async () => {
    request.mockRejectedValueOnce(
      new ApiError(404, {
        type: "about:blank",
        title: "Not Found",
        status: 404,
        code: "not_found",
        detail: "No task.",
      }),
    );
    const { result } = renderHook(() => useDeleteTask(), { wrapper });
    act(() => result.current(milk));
    const toast = toastStore.get()[0];
    act(() => {
      if (toast) endToast(toast.id, "timeout");
    });
    await waitFor(() => expect(shown()).toEqual([]));
    expect(toastStore.get()).toEqual([]);
    expect(pendingDeletes.get().size).toBe(0);
  });

  it("hands a delete's settling to whoever ends its toast, so signing out can wait for it", async () => {
    request.mockResolvedValueOnce(undefined);
    const { result } = renderHook(() => useDeleteTask(), { wrapper });
    act(() => result.current(milk));
    const toast = toastStore.get()[0];
    let ending: Promise<unknown> | undefined;
    act(() => {
      if (toast) ending = endToast(toast.id, "timeout");
    });
    await act(async () => {
      await ending;
    });
    expect(request).toHaveBeenCalledWith(`/api/${user.id}/tasks/t1`, expect.objectContaining({ method: "DELETE" }));
    expect(shown()).toEqual([]);
    expect(pendingDeletes.get().size).toBe(0);
  });
});
