import { type AuthResponse, meResponseSchema, tokenResponseSchema, type User } from "../../shared/auth.schemas.js";
import { ApiError, apiErrorFromResponse, NetworkError } from "./api-error.js";
import type { AuthChannel } from "./auth-channel.js";

export type SignedOutReason = "none" | "signed-out" | "expired" | "elsewhere";

export type SessionSnapshot =
  | { status: "loading" }
  /** The session could not be checked because the server did not answer. */
  | { status: "unreachable" }
  | { status: "signed-out"; reason: SignedOutReason }
  | { status: "signed-in"; user: User };

interface Grant {
  token: string;
  /** On this browser's clock: when to renew, comfortably before the token expires. */
  renewAt: number;
}

export interface SessionDeps {
  fetch?: typeof fetch;
  channel?: AuthChannel;
  now?: () => number;
  /** How long a refresh may take before it counts as a network failure. */
  timeoutMs?: number;
}

export interface Session {
  getSnapshot(): SessionSnapshot;
  subscribe(listener: () => void): () => void;
  /** A valid access token, renewed first when it is about to expire; null when signed out. */
  accessToken(): Promise<string | null>;
  /**
   * Called after the server refused `rejected` with 401. Every caller that saw the same token
   * rejected shares one refresh; null means the session is over (the user is signed out).
   */
  tokenAfterRejection(rejected: string): Promise<string | null>;
  /** On page load: restore the session from the HttpOnly refresh cookie, if it still lives. */
  restore(): Promise<void>;
  /** After sign-in or sign-up: keep the token in memory and tell the other tabs. */
  signedIn(body: AuthResponse, serverDate?: string | null): void;
  /**
   * The server answered with a newer copy of the signed-in user (renamed, verified, a new email):
   * show it everywhere. A user other than the signed-in one is ignored.
   */
  userChanged(user: User): void;
  /** Ends the session on the server (through the cookie) and in every tab. */
  signOut(): Promise<void>;
  /** Stops timers and listeners (tests). */
  dispose(): void;
}

const REFRESH_HEADERS = { "Content-Type": "application/json", "X-Refresh-Token": "cookie" };

/**
 * The browser's side of the auth model: the access token lives only in this closure (never in
 * storage), the refresh token only in the HttpOnly cookie. Renewal happens before expiry (a timer)
 * and on a 401 (one refresh in flight, shared by every waiting request).
 */
export function createSession(deps: SessionDeps = {}): Session {
  const send = deps.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const now = deps.now ?? Date.now;
  const timeoutMs = deps.timeoutMs ?? 15_000;
  const listeners = new Set<() => void>();
  let snapshot: SessionSnapshot = { status: "loading" };
  let grant: Grant | null = null;
  let inflight: Promise<Grant | null> | null = null;
  let renewTimer: ReturnType<typeof setTimeout> | undefined;
  // Bumped whenever the session ends or changes hands, so that a refresh started before it
  // cannot bring an ended session back.
  let generation = 0;

  function publish(next: SessionSnapshot): void {
    snapshot = next;
    for (const listener of listeners) listener();
  }

  function keep(next: Grant | null): void {
    grant = next;
    clearTimeout(renewTimer);
    if (!next) return;
    renewTimer = setTimeout(renewInBackground, Math.max(0, next.renewAt - now()));
  }

  function end(reason: SignedOutReason): void {
    generation++;
    keep(null);
    publish({ status: "signed-out", reason });
  }

  function grantFrom(body: { token: string; expiresAt: string }, serverDate: string | null | undefined): Grant {
    const expiresAt = Date.parse(body.expiresAt);
    // Measure the lifetime on the server's clock (Date header) so a wrong local clock does not
    // matter; renew at half of it, or a minute before expiry for long-lived tokens.
    const serverNow = serverDate ? Date.parse(serverDate) : Number.NaN;
    const lifetime = Math.max(0, expiresAt - (Number.isNaN(serverNow) ? now() : serverNow));
    return { token: body.token, renewAt: now() + Math.max(lifetime - 60_000, lifetime / 2) };
  }

  async function call(path: string, init: RequestInit): Promise<Response> {
    try {
      return await send(path, { credentials: "same-origin", signal: AbortSignal.timeout(timeoutMs), ...init });
    } catch {
      throw new NetworkError(`No answer from ${path}`);
    }
  }

  async function requestGrant(): Promise<Grant | null> {
    const response = await call("/api/auth/refresh", { method: "POST", headers: REFRESH_HEADERS, body: "{}" });
    if (response.status === 401) return null;
    if (!response.ok) throw await apiErrorFromResponse(response);
    return grantFrom(tokenResponseSchema.parse(await response.json()), response.headers.get("date"));
  }

  function refresh(): Promise<Grant | null> {
    if (!inflight) {
      const started = generation;
      inflight = requestGrant()
        .then((next) => {
          if (started !== generation) return null;
          if (next) keep(next);
          return next;
        })
        .finally(() => {
          inflight = null;
        });
    }
    return inflight;
  }

  async function renew(): Promise<string | null> {
    const started = generation;
    const next = await refresh();
    if (!next && started === generation && snapshot.status === "signed-in") end("expired");
    return next?.token ?? null;
  }

  function renewInBackground(): void {
    if (snapshot.status !== "signed-in") return;
    renew().catch(() => {
      // Offline or server down: the next request renews (or reports the network problem).
    });
  }

  function onVisible(): void {
    if (document.visibilityState === "visible" && grant && now() >= grant.renewAt) renewInBackground();
  }

  async function fetchUser(token: string): Promise<User> {
    const response = await call("/api/auth/me", { headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) throw await apiErrorFromResponse(response);
    return meResponseSchema.parse(await response.json()).user;
  }

  async function restore(): Promise<void> {
    const started = generation;
    try {
      const next = await refresh();
      if (!next) {
        if (started === generation) end("none");
        return;
      }
      const user = await fetchUser(next.token);
      if (started === generation) publish({ status: "signed-in", user });
    } catch (error) {
      if (started !== generation) return;
      if (error instanceof ApiError && error.status === 401) end("none");
      else publish({ status: "unreachable" });
    }
  }

  const unsubscribeChannel = deps.channel?.subscribe((message) => {
    if (message.type === "signed-out") {
      if (snapshot.status !== "signed-out") end("elsewhere");
    } else if (snapshot.status !== "signed-in" || snapshot.user.id !== message.userId) {
      // Someone signed in in another tab (perhaps as someone else): take up that session.
      generation++;
      keep(null);
      publish({ status: "loading" });
      void restore();
    }
  });
  if (typeof document !== "undefined") document.addEventListener("visibilitychange", onVisible);

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async accessToken() {
      if (grant && now() < grant.renewAt) return grant.token;
      if (snapshot.status !== "signed-in") return grant?.token ?? null;
      return renew();
    },
    async tokenAfterRejection(rejected) {
      if (grant && grant.token !== rejected && now() < grant.renewAt) return grant.token;
      if (snapshot.status !== "signed-in") return null;
      return renew();
    },
    restore,
    signedIn(body, serverDate) {
      generation++;
      keep(grantFrom(body, serverDate));
      publish({ status: "signed-in", user: body.user });
      deps.channel?.post({ type: "signed-in", userId: body.user.id });
    },
    userChanged(user) {
      if (snapshot.status === "signed-in" && snapshot.user.id === user.id) publish({ status: "signed-in", user });
    },
    async signOut() {
      // Signed out here at once, so that no request in flight can renew the token meanwhile.
      end("signed-out");
      try {
        // The cookie names the session even when the access token has already expired.
        await call("/api/auth/signout", { method: "POST" });
      } catch {
        // Offline: this tab and the others forget their tokens all the same; the server's session
        // then ends at its expiry (or at the next sign-out).
      }
      deps.channel?.post({ type: "signed-out" });
    },
    dispose() {
      keep(null);
      unsubscribeChannel?.();
      if (typeof document !== "undefined") document.removeEventListener("visibilitychange", onVisible);
    },
  };
}
