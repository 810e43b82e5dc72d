import { afterEach, describe, expect, it, vi } from "vitest";
import { openEventStream, type StreamState } from "./event-stream.js";
import type { SseEvent } from "./sse-parser.js";

/** A response body the test writes to, then ends or breaks. */
function openBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => (controller = c) });
  const encoder = new TextEncoder();
  return {
    response: new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } }),
    write: (text: string) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
    breakOff: () => controller.error(new TypeError("network error")),
  };
}

interface Call {
  headers: Record<string, string>;
}

function harness(answers: Array<() => Response | Promise<Response>>, session = fakeSession()) {
  const calls: Call[] = [];
  const events: SseEvent[] = [];
  const states: StreamState[] = [];
  const opens: boolean[] = [];
  const fetch = vi.fn(async (_input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({ headers: init.headers as Record<string, string> });
    const next = answers.shift();
    if (!next) return new Promise<Response>(() => {});
    return next();
  });
  const stream = openEventStream({
    path: "/api/u1/events",
    session,
    fetch: fetch as unknown as typeof globalThis.fetch,
    onEvent: (e) => events.push(e),
    onState: (s) => states.push(s),
    onOpen: (resumed) => opens.push(resumed),
    minDelayMs: 5,
    random: () => 1,
  });
  return { calls, events, states, opens, stream, session };
}

function fakeSession(tokens: Array<string | null> = ["token-2"]) {
  return {
    accessToken: vi.fn(async () => "token-1"),
    tokenAfterRejection: vi.fn(async () => tokens.shift() ?? null),
  };
}

let close: (() => void) | undefined;
afterEach(() => close?.());

describe("following an event stream", () => {
  it("sends the token in the Authorization header and delivers events as they arrive", async () => {
    const first = openBody();
    const h = harness([() => first.response]);
    close = h.stream.close;
    await vi.waitFor(() => expect(h.states).toEqual(["connecting", "live"]));
    first.write('id: 1\nevent: task.created\ndata: {"id":"t1"}\n\n');
    await vi.waitFor(() => expect(h.events).toHaveLength(1));
    expect(h.calls[0]?.headers).toEqual({ Authorization: "Bearer token-1", Accept: "text/event-stream" });
  });

  it("reconnects with Last-Event-ID after the server ends the stream, and after the connection breaks", async () => {
    const first = openBody();
    const second = openBody();
    const third = openBody();
    const h = harness([() => first.response, () => second.response, () => third.response]);
    close = h.stream.close;
    first.write("id: 4\nevent: task.updated\ndata: {}\n\n: ping\n\n");
    await vi.waitFor(() => expect(h.events).toHaveLength(1));
    first.end();
    await vi.waitFor(() => expect(h.calls).toHaveLength(2));
    expect(h.calls[1]?.headers["Last-Event-ID"]).toBe("4");

    second.write("id: 5\nevent: task.deleted\ndata: {}\n\n");
    await vi.waitFor(() => expect(h.events).toHaveLength(2));
    second.breakOff();
    await vi.waitFor(() => expect(h.calls).toHaveLength(3));
    expect(h.calls[2]?.headers["Last-Event-ID"]).toBe("5");
    expect(h.opens).toEqual([false, true, true]);
    expect(h.states).toEqual(["connecting", "live", "reconnecting", "live", "reconnecting", "live"]);
  });

  it("resumes from the id a stream opened with, and keeps it across a connection that brought nothing", async () => {
    const [first, second, third, fourth] = [openBody(), openBody(), openBody(), openBody()];
    const h = harness([() => first.response, () => second.response, () => third.response, () => fourth.response]);
    close = h.stream.close;
    await vi.waitFor(() => expect(h.calls).toHaveLength(1));
    // The server's opening line: an id without data, which dispatches no event.
    first.write("id: 7\n\n");
    first.end();
    await vi.waitFor(() => expect(h.calls).toHaveLength(2));
    expect(h.calls[1]?.headers["Last-Event-ID"]).toBe("7");

    second.end();
    await vi.waitFor(() => expect(h.calls).toHaveLength(3));
    expect(h.calls[2]?.headers["Last-Event-ID"]).toBe("7");

    third.write("id: 9\n\n");
    third.breakOff();
    await vi.waitFor(() => expect(h.calls).toHaveLength(4));
    expect(h.calls[3]?.headers["Last-Event-ID"]).toBe("9");
    expect(h.events).toEqual([]);
    expect(h.opens).toEqual([false, true, true, true]);
  });

  it("asks the session for a new token after a 401 and carries on with it", async () => {
    const body = openBody();
    const h = harness([() => new Response(null, { status: 401 }), () => body.response]);
    close = h.stream.close;
    await vi.waitFor(() => expect(h.states.at(-1)).toBe("live"));
    expect(h.session.tokenAfterRejection).toHaveBeenCalledWith("token-1");
    expect(h.calls[1]?.headers.Authorization).toBe("Bearer token-2");
  });

  it("ends for good when the session cannot be renewed (revoked), without trying again", async () => {
    const first = openBody();
    const h = harness([() => first.response, () => new Response(null, { status: 401 })], fakeSession([null]));
    close = h.stream.close;
    await vi.waitFor(() => expect(h.states.at(-1)).toBe("live"));
    first.end();
    await vi.waitFor(() => expect(h.states.at(-1)).toBe("ended"));
    await new Promise((r) => setTimeout(r, 30));
    expect(h.calls).toHaveLength(2);
  });

  it("backs off after failures, doubling the wait, and honours Retry-After on 429", async () => {
    vi.useFakeTimers();
    try {
      const h = harness([
        () => new Response(null, { status: 503 }),
        () => new Response(null, { status: 503 }),
        () => new Response(null, { status: 429, headers: { "retry-after": "30" } }),
      ]);
      close = h.stream.close;
      await vi.advanceTimersByTimeAsync(0);
      expect(h.calls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(5); // 5 ms after the first failure
      expect(h.calls).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(9);
      expect(h.calls).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1); // 10 ms after the second
      expect(h.calls).toHaveLength(3);
      await vi.advanceTimersByTimeAsync(29_000);
      expect(h.calls).toHaveLength(3);
      await vi.advanceTimersByTimeAsync(1000);
      expect(h.calls).toHaveLength(4);
      expect(h.states.filter((s) => s === "reconnecting")).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it("stops reading and never reconnects once closed", async () => {
    const first = openBody();
    const h = harness([() => first.response]);
    await vi.waitFor(() => expect(h.states.at(-1)).toBe("live"));
    h.stream.close();
    first.write("id: 1\ndata: late\n\n");
    await new Promise((r) => setTimeout(r, 30));
    expect(h.events).toEqual([]);
    expect(h.calls).toHaveLength(1);
    expect(h.states).toEqual(["connecting", "live"]);
  });
});
