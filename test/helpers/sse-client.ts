/** One Server-Sent Event as a client sees it (comments are counted, not returned). */
export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
}

export interface SseStream {
  response: Response;
  /** The next event (skipping none), or a failure after `timeoutMs`. */
  next(timeoutMs?: number): Promise<SseEvent>;
  /** The events that arrive within `ms`, for asserting that nothing (more) came. */
  collectFor(ms: number): Promise<SseEvent[]>;
  /** The last `id:` received so far, from an event or a block without data (as EventSource keeps it). */
  readonly lastEventId: string | undefined;
  /** How many comment lines (`: ping`) arrived so far. */
  readonly comments: number;
  /** Resolves when the server ends the body. */
  readonly ended: Promise<void>;
  close(): void;
}

/**
 * Opens an event stream over a real socket with fetch (as the web app does: the token in a
 * header, which EventSource cannot send) and parses it per the SSE spec's line rules.
 *
 * @example
 *   const stream = await openSse(`${served.url}/api/${id}/events`, { authorization: `Bearer ${token}` });
 *   expect((await stream.next()).event).toBe("task.created");
 */
export async function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  const queue: SseEvent[] = [];
  const waiters: (() => void)[] = [];
  let comments = 0;
  let lastEventId: string | undefined;
  let done = false;
  const notify = () => {
    for (const wake of waiters.splice(0)) wake();
  };

  const ended = (async () => {
    if (!response.ok || !response.body) return;
    const decoder = new TextDecoder();
    let buffer = "";
    let current: Partial<SseEvent> & { data?: string } = {};
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let newline = buffer.search(/\r\n|\r|\n/);
        while (newline >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + (buffer.startsWith("\r\n", newline) ? 2 : 1));
          if (line === "") {
            if (current.data !== undefined) {
              queue.push({ event: current.event ?? "message", data: current.data, id: current.id });
              notify();
            }
            current = {};
          } else if (line.startsWith(":")) {
            comments++;
          } else {
            const colon = line.indexOf(":");
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (field === "data") current.data = current.data === undefined ? value : `${current.data}\n${value}`;
            else if (field === "event") current.event = value;
            else if (field === "id") {
              current.id = value;
              lastEventId = value;
            }
          }
          newline = buffer.search(/\r\n|\r|\n/);
        }
      }
    } catch {
      // Aborted by close(), or the connection dropped: the stream has ended either way.
    } finally {
      done = true;
      notify();
    }
  })();

  const next = async (timeoutMs = 5_000): Promise<SseEvent> => {
    const deadline = Date.now() + timeoutMs;
    while (queue.length === 0) {
      if (done) throw new Error("the stream ended before the next event");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return queue.shift() as SseEvent;
  };

  return {
    response,
    next,
    async collectFor(ms) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return queue.splice(0);
    },
    get comments() {
      return comments;
    },
    get lastEventId() {
      return lastEventId;
    },
    ended,
    close: () => abort.abort(),
  };
}
