// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, renderHook, waitFor } from "@testing-library/react";
import { createElement, type ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { navigate } from "../../../lib/router.js";
import { showToast, toastStore } from "../../../lib/toasts.js";
import { deferred } from "../../../test/fake-server.js";
import { FINISH_DELETES_MS, signOut, useSignOut } from "./sign-out.js";

const session = vi.hoisted(() => ({ signOut: vi.fn(async () => {}) }));
vi.mock("../../../lib/api.js", () => ({ session }));

beforeEach(() => {
  toastStore.set([]);
  session.signOut.mockClear();
});
afterEach(() => vi.useRealTimers());

/** A delete whose undo toast is still open: it is sent when the toast ends (other than by Undo). */
function pendingDelete(settles: Promise<unknown>) {
  const onEnd = vi.fn(() => settles);
  showToast({ message: "Deleted “Old notes”.", action: { label: "Undo", onAction() {} }, onEnd });
  return onEnd;
}

describe("signing out", () => {
  it("sends a delete whose undo toast is still open, and ends the session once it has been answered", async () => {
    const answered = deferred<void>();
    const onEnd = pendingDelete(answered.promise);

    const done = signOut();
    expect(onEnd).toHaveBeenCalledWith("timeout");
    await new Promise((r) => setTimeout(r, 10));
    expect(session.signOut).not.toHaveBeenCalled();

    answered.resolve();
    await done;
    expect(session.signOut).toHaveBeenCalledTimes(1);
  });

  it("ends the session all the same when the delete fails", async () => {
    pendingDelete(Promise.reject(new Error("offline")));
    await signOut();
    expect(session.signOut).toHaveBeenCalledTimes(1);
  });

  it("does not keep a person signed in for long behind a delete that gets no answer", async () => {
    vi.useFakeTimers();
    pendingDelete(new Promise(() => {}));
    const done = signOut();
    await vi.advanceTimersByTimeAsync(FINISH_DELETES_MS - 1);
    expect(session.signOut).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(session.signOut).toHaveBeenCalledTimes(1);
  });
});

describe("the sign-out button's mutation", () => {
  function renderSignOut() {
    const client = new QueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => createElement(QueryClientProvider, { client }, children);
    return renderHook(() => useSignOut(), { wrapper }).result;
  }

  it("shows the sign-in page once signed out", async () => {
    window.history.replaceState(null, "", "/account");
    const result = renderSignOut();
    act(() => result.current.mutate());
    await waitFor(() => expect(window.location.pathname).toBe("/signin"));
  });

  it("leaves a person where they went meanwhile (the session gate sent them to sign in, they went on)", async () => {
    window.history.replaceState(null, "", "/account");
    const answered = deferred<void>();
    session.signOut.mockImplementationOnce(() => answered.promise);
    const result = renderSignOut();
    act(() => result.current.mutate());
    await waitFor(() => expect(session.signOut).toHaveBeenCalled());
    navigate("/forgot-password");
    answered.resolve();
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(window.location.pathname).toBe("/forgot-password");
  });
});
