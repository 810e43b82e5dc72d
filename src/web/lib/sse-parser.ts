/** One Server-Sent Event, as the HTML standard's "dispatch the event" step builds it. */
export interface SseEvent {
  /** `event:`, or "message" when the event named none. */
  type: string;
  data: string;
  /** The last `id:` seen so far (it carries over to later events), or "" when none. */
  lastEventId: string;
}

export interface SseHandlers {
  onEvent(event: SseEvent): void;
  /** A `retry:` field: the reconnection delay the server asks for, in milliseconds. */
  onRetry?(ms: number): void;
}

/**
 * An incremental `text/event-stream` parser (HTML § 9.2.6) for a body read with `fetch`: feed it
 * decoded text in chunks of any size; a line split across chunks, including a CRLF split between
 * its CR and LF, is handled. Comments (`: ping`) are dropped; an event without data is not
 * dispatched, but its `id:` still counts.
 *
 * @example
 *   const parser = createSseParser({ onEvent: (e) => console.log(e.type, e.data) });
 *   parser.push("event: task.deleted\nid: 7\ndata: {\"id\":\"t1\"}\n\n");
 */
export function createSseParser(
  handlers: SseHandlers,
  /** The last event ID of the connection before this one: like EventSource's, it carries over. */
  initialLastEventId = "",
): { push(text: string): void; lastEventId(): string } {
  let buffer = "";
  let started = false;
  // A chunk that ended in CR: a LF at the start of the next one belongs to the same line break.
  let afterCr = false;
  let type = "";
  let data: string[] = [];
  let lastEventId = initialLastEventId;

  function dispatch(): void {
    if (data.length > 0) handlers.onEvent({ type: type || "message", data: data.join("\n"), lastEventId });
    type = "";
    data = [];
  }

  function line(text: string): void {
    if (text === "") {
      dispatch();
      return;
    }
    if (text.startsWith(":")) return;
    const colon = text.indexOf(":");
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") type = value;
    else if (field === "data") data.push(value);
    else if (field === "id") {
      if (!value.includes("\0")) lastEventId = value;
    } else if (field === "retry" && /^\d+$/.test(value)) handlers.onRetry?.(Number(value));
  }

  return {
    lastEventId: () => lastEventId,
    push(text) {
      let chunk = text;
      if (!started && chunk.length > 0) {
        started = true;
        if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      }
      if (afterCr && chunk.startsWith("\n")) chunk = chunk.slice(1);
      afterCr = false;
      buffer += chunk;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer[i];
        if (c !== "\n" && c !== "\r") continue;
        line(buffer.slice(start, i));
        if (c === "\r") {
          if (i + 1 === buffer.length) afterCr = true;
          else if (buffer[i + 1] === "\n") i++;
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
  };
}
