import type { Session } from "./session.js";
import { createSseParser, type SseEvent } from "./sse-parser.js";

/** `connecting` at first, `live` while open, `reconnecting` between attempts, `ended` for good. */
export type StreamState = "connecting" | "live" | "reconnecting" | "ended";

export interface EventStreamOptions {
  path: string;
  session: Pick<Session, "accessToken" | "tokenAfterRejection">;
  onEvent(event: SseEvent): void;
  onState?(state: StreamState): void;
  /** Each time the stream opens; `resumed` when it picked up after a Last-Event-ID. */
  onOpen?(resumed: boolean): void;
  fetch?: typeof fetch;
  /** First delay after a failure (doubled each time, with jitter) and its cap. */
  minDelayMs?: number;
  /** The pause before reconnecting after the server ended the stream (token expiry), unless it sent `retry:`. */
  reopenDelayMs?: number;
  maxDelayMs?: number;
  /** No byte for this long means a dead connection (the server pings every 15 s). */
  idleTimeoutMs?: number;
  random?: () => number;
}

type Outcome = { kind: "ended" } | { kind: "failed"; retryAfterMs?: number } | { kind: "stop" };

/** A stream the server closed sooner than this after opening counts as a failure (no hot loop). */
const SHORTEST_STREAM_MS = 1000;

/**
 * Follows a Server-Sent Events stream with `fetch`, so that the access token travels in the
 * Authorization header (EventSource cannot send one). The token comes from the session, which
 * renews it; a 401 asks the session for a new one, and a session that cannot be renewed (signed
 * out, revoked, expired) ends the stream, the session having already signed the tab out. Every
 * reconnect sends `Last-Event-ID`, so no event is lost; failures back off exponentially with
 * jitter (or as `Retry-After` says); the server ending the stream (its token expired) reopens it
 * at once with a fresh token, or after the server's `retry:`.
 *
 * @example
 *   const stream = openEventStream({ path: "/api/u1/events", session, onEvent: (e) => … });
 *   stream.close();
 */
export function openEventStream(options: EventStreamOptions): { close(): void } {
  const send = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const minDelayMs = options.minDelayMs ?? 1000;
  const reopenDelayMs = options.reopenDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 45_000;
  const random = options.random ?? Math.random;
  const closing = new AbortController();
  let lastEventId = "";
  let serverRetryMs: number | undefined;
  let failures = 0;

  const closed = () => closing.signal.aborted;
  const setState = (state: StreamState) => {
    if (!closed()) options.onState?.(state);
  };

  function request(token: string, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "text/event-stream" };
    if (lastEventId) headers["Last-Event-ID"] = lastEventId;
    return send(options.path, { headers, signal, cache: "no-store", credentials: "same-origin" });
  }

  async function read(body: ReadableStream<Uint8Array>, attempt: AbortController): Promise<void> {
    const parser = createSseParser(
      {
        onEvent(event) {
          lastEventId = event.lastEventId;
          if (!closed()) options.onEvent(event);
        },
        onRetry: (ms) => {
          serverRetryMs = ms;
        },
      },
      lastEventId,
    );
    const decoder = new TextDecoder();
    const reader = body.getReader();
    let idle = setTimeout(() => attempt.abort(), idleTimeoutMs);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        clearTimeout(idle);
        if (done) break;
        idle = setTimeout(() => attempt.abort(), idleTimeoutMs);
        parser.push(decoder.decode(value, { stream: true }));
      }
    } finally {
      clearTimeout(idle);
      // Also when the connection broke: an `id:` without data (the stream's opening line) counts.
      lastEventId = parser.lastEventId();
    }
  }

  async function connectOnce(): Promise<Outcome> {
    const attempt = new AbortController();
    const stopAttempt = () => attempt.abort();
    closing.signal.addEventListener("abort", stopAttempt);
    try {
      let token = await options.session.accessToken();
      if (!token) return { kind: "stop" };
      let response = await request(token, attempt.signal);
      if (response.status === 401) {
        // Expired, or the session is gone: the session renews, or signs the tab out (null).
        token = await options.session.tokenAfterRejection(token);
        if (!token) return { kind: "stop" };
        response = await request(token, attempt.signal);
      }
      // Another user's stream, or no such route: retrying cannot help.
      if (response.status === 403 || response.status === 404) return { kind: "stop" };
      if (!response.ok || !response.body) {
        const retryAfter = Number(response.headers.get("retry-after"));
        return { kind: "failed", retryAfterMs: Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined };
      }
      setState("live");
      options.onOpen?.(lastEventId !== "");
      const openedAt = Date.now();
      let broke = false;
      await read(response.body, attempt).catch(() => {
        broke = true;
      });
      const lasted = Date.now() - openedAt >= SHORTEST_STREAM_MS;
      if (lasted) failures = 0;
      if (closed()) return { kind: "stop" };
      return broke || attempt.signal.aborted || !lasted ? { kind: "failed" } : { kind: "ended" };
    } catch {
      return closed() ? { kind: "stop" } : { kind: "failed" };
    } finally {
      closing.signal.removeEventListener("abort", stopAttempt);
    }
  }

  function delayAfter(outcome: Outcome): number {
    if (outcome.kind !== "failed") return serverRetryMs ?? reopenDelayMs;
    failures++;
    const backoff = Math.min(maxDelayMs, minDelayMs * 2 ** (failures - 1)) * (0.5 + random() / 2);
    return Math.max(backoff, outcome.retryAfterMs ?? 0);
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      closing.signal.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(timer);
        closing.signal.removeEventListener("abort", done);
        resolve();
      }
    });
  }

  async function run(): Promise<void> {
    setState("connecting");
    while (!closed()) {
      const outcome = await connectOnce();
      if (outcome.kind === "stop") break;
      if (closed()) return;
      setState("reconnecting");
      await sleep(delayAfter(outcome));
    }
    setState("ended");
  }

  void run();
  return { close: () => closing.abort() };
}
