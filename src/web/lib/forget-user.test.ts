// @vitest-environment happy-dom
import { QueryClient } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deferred, fakeFetch, json, problem, tokenBody, user } from "../test/fake-server.js";
import { NetworkError } from "./api-error.js";
import type { AuthChannel, AuthMessage } from "./auth-channel.js";
import { createUserStore, forgetUser, forgetUserWhenSessionEnds, forgottenSinceNow } from "./forget-user.js";
import { networkProblems, reportNetworkFailure } from "./network-problems.js";
import { createQueryClient } from "./query-client.js";
import { createSession, type Session } from "./session.js";
import { showToast, toastStore } from "./toasts.js";

const other = { ...user, id: "user-2", email: "grace@example.com", name: "Grace" };
const draft = createUserStore("");
let client: QueryClient;
const cleanups: (() => void)[] = [];

beforeEach(() => {
  client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  draft.set("");
  toastStore.set([]);
  networkProblems.set([]);
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  client.clear();
});

/** Something of the signed-in user's in every place the app keeps it. */
function holdUserData(): { onEnd: ReturnType<typeof vi.fn> } {
  client.setQueryData(["tasks", user.id, "list"], [{ title: "Divorce lawyer" }]);
  client.getMutationCache().build(client, { mutationKey: ["tasks"] });
  draft.set("Call the divorce lawyer");
  const onEnd = vi.fn();
  showToast({ message: "Deleted “Divorce lawyer”.", action: { label: "Undo", onAction() {} }, onEnd });
  reportNetworkFailure({ key: "create:Divorce lawyer", retry() {} });
  return { onEnd };
}

function expectNothingHeld(): void {
  expect(client.getQueryCache().getAll()).toEqual([]);
  expect(client.getMutationCache().getAll()).toEqual([]);
  expect(draft.get()).toBe("");
  expect(toastStore.get()).toEqual([]);
  expect(networkProblems.get()).toEqual([]);
}

describe("forgetUser", () => {
  it("empties the query cache, its mutations, the toasts, the retry banner and every user store", () => {
    const { onEnd } = holdUserData();
    forgetUser(client);
    expectNothingHeld();
    // A delete waiting for its toast to end is not sent by a forgotten session.
    expect(onEnd).not.toHaveBeenCalled();
  });

  it("cancels the reads in flight, so a late answer is cached, or offered for retry, to no one", async () => {
    const app = createQueryClient();
    const answer = deferred<string[]>();
    const failure = deferred<string[]>();
    const reads = [
      app.fetchQuery({ queryKey: ["tasks", user.id, "list"], queryFn: () => answer.promise }),
      app.fetchQuery({ queryKey: ["tasks", user.id, "count"], queryFn: () => failure.promise, retry: false }),
    ];
    forgetUser(app);
    answer.resolve(["Divorce lawyer"]);
    failure.reject(new NetworkError("offline"));
    await Promise.allSettled(reads);
    expect(app.getQueryCache().getAll()).toEqual([]);
    expect(networkProblems.get()).toEqual([]);
  });

  it("lets work started for the user tell that the user has been forgotten since", () => {
    const forgotten = forgottenSinceNow();
    expect(forgotten()).toBe(false);
    forgetUser(client);
    expect(forgotten()).toBe(true);
    expect(forgottenSinceNow()()).toBe(false);
  });
});

describe("every way a session ends forgets its user", () => {
  function setup(handler: Parameters<typeof fakeFetch>[0]) {
    let deliver: (message: AuthMessage) => void = () => {};
    const channel: AuthChannel = {
      post: () => {},
      subscribe(listener) {
        deliver = listener;
        return () => {};
      },
    };
    const fetch = fakeFetch(handler);
    const session: Session = createSession({ fetch, channel });
    cleanups.push(() => session.dispose(), forgetUserWhenSessionEnds(session, client));
    return { session, deliver: (message: AuthMessage) => deliver(message), fetch };
  }

  it("forgets the user who signs out in this tab", async () => {
    const { session } = setup(() => new Response(null, { status: 204 }));
    session.signedIn({ user, ...tokenBody("a") });
    holdUserData();
    await session.signOut();
    expectNothingHeld();
  });

  it("forgets the user signed out in another tab", () => {
    const { session, deliver } = setup(() => json(500, {}));
    session.signedIn({ user, ...tokenBody("a") });
    holdUserData();
    deliver({ type: "signed-out" });
    expect(session.getSnapshot()).toEqual({ status: "signed-out", reason: "elsewhere" });
    expectNothingHeld();
  });

  it("forgets the user whose session the server no longer renews (revoked or expired)", async () => {
    const { session } = setup(() => problem(401, "unauthorized", "session revoked"));
    session.signedIn({ user, ...tokenBody("a", 0) });
    holdUserData();
    expect(await session.accessToken()).toBeNull();
    expect(session.getSnapshot()).toEqual({ status: "signed-out", reason: "expired" });
    expectNothingHeld();
  });

  it("forgets the user when someone else signs in in another tab, and keeps what the new user then has", async () => {
    const { session, deliver } = setup((url) =>
      url === "/api/auth/refresh" ? json(200, tokenBody("b")) : json(200, { user: other }),
    );
    session.signedIn({ user, ...tokenBody("a") });
    holdUserData();
    deliver({ type: "signed-in", userId: other.id });
    expectNothingHeld();
    draft.set("Grace's own draft, typed while her session loads");
    await vi.waitFor(() => expect(session.getSnapshot()).toEqual({ status: "signed-in", user: other }));
    expect(draft.get()).toBe("Grace's own draft, typed while her session loads");
  });

  it("forgets the user before another signs in in this same tab", () => {
    const { session } = setup(() => json(500, {}));
    session.signedIn({ user, ...tokenBody("a") });
    holdUserData();
    session.signedIn({ user: other, ...tokenBody("b") });
    expectNothingHeld();
  });

  it("keeps the user's data through token renewals and a reload's restore", async () => {
    const { session, fetch } = setup((url) =>
      url === "/api/auth/refresh" ? json(200, tokenBody("renewed")) : json(200, { user }),
    );
    await session.restore();
    session.signedIn({ user, ...tokenBody("a", 0) });
    holdUserData();
    expect(await session.accessToken()).toBe("renewed");
    expect(fetch).toHaveBeenCalledWith("/api/auth/refresh", expect.anything());
    expect(draft.get()).toBe("Call the divorce lawyer");
    expect(toastStore.get()).toHaveLength(1);
    expect(client.getQueryData(["tasks", user.id, "list"])).toEqual([{ title: "Divorce lawyer" }]);
  });
});
