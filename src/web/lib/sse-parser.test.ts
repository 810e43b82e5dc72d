import { describe, expect, it } from "vitest";
import { createSseParser, type SseEvent } from "./sse-parser.js";

function parse(chunks: string[]) {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const parser = createSseParser({ onEvent: (e) => events.push(e), onRetry: (ms) => retries.push(ms) });
  for (const chunk of chunks) parser.push(chunk);
  return { events, retries, lastEventId: parser.lastEventId() };
}

const wire = 'id: 7\nevent: task.deleted\ndata: {"id":"t1"}\n\nid: 8\nevent: task.created\ndata: {"id":"t2"}\n\n';

describe("the event-stream parser", () => {
  it("reads named events with their ids", () => {
    expect(parse([wire]).events).toEqual([
      { type: "task.deleted", data: '{"id":"t1"}', lastEventId: "7" },
      { type: "task.created", data: '{"id":"t2"}', lastEventId: "8" },
    ]);
  });

  it("gives the same events however the text is split into chunks, one character at a time included", () => {
    const whole = parse([wire]).events;
    for (let cut = 1; cut < wire.length; cut++) {
      expect(parse([wire.slice(0, cut), wire.slice(cut)]).events).toEqual(whole);
    }
    expect(parse([...wire]).events).toEqual(whole);
  });

  it("accepts CRLF and CR line ends, a CRLF split between two chunks counting as one", () => {
    const crlf = wire.replaceAll("\n", "\r\n");
    const whole = parse([wire]).events;
    expect(parse([crlf]).events).toEqual(whole);
    expect(parse([wire.replaceAll("\n", "\r")]).events).toEqual(whole);
    const split = crlf.indexOf("\r\n\r\n") + 1;
    expect(parse([crlf.slice(0, split), crlf.slice(split)]).events).toEqual(whole);
  });

  it("joins multi-line data with newlines and strips one leading space only", () => {
    expect(parse(["data: first\ndata:  second\ndata\n\n"]).events).toEqual([
      { type: "message", data: "first\n second\n", lastEventId: "" },
    ]);
  });

  it("drops comments such as the heartbeat, and dispatches nothing for an event without data", () => {
    const { events, lastEventId } = parse([
      ": ping\n\n",
      "id: 3\n\n",
      ":\n",
      'event: reset\ndata: {"reason":"too-old"}\n\n',
    ]);
    expect(events).toEqual([{ type: "reset", data: '{"reason":"too-old"}', lastEventId: "3" }]);
    expect(lastEventId).toBe("3");
  });

  it("keeps the last id for later events, ignores an id with NUL, and holds an event until its blank line", () => {
    const { events } = parse(["id: 5\ndata: a\n\n", "id: 6\0\ndata: b\n\n", "data: c\n"]);
    expect(events.map((e) => [e.data, e.lastEventId])).toEqual([
      ["a", "5"],
      ["b", "5"],
    ]);
  });

  it("reports a numeric retry and ignores any other", () => {
    expect(parse(["retry: 2500\nretry: soon\nretry: 1e3\n\n"]).retries).toEqual([2500]);
  });

  it("skips a byte-order mark at the start of the stream", () => {
    expect(parse(["\uFEFFdata: x\n\n"]).events).toEqual([{ type: "message", data: "x", lastEventId: "" }]);
  });
});
