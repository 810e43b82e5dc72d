import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit as streamingBodyLimit } from "hono/body-limit";
import { nodeHttpOf } from "./node-http.js";
import { ApiError } from "./problem.js";

/**
 * Whether the request came from Node's HTTP parser. Its headers are then authoritative about the
 * body: HTTP/1.1 has a body only with a Content-Length or a Transfer-Encoding. A Request built
 * in-process (tests' `app.request()`) may carry a body without either.
 */
function fromNodeHttp(c: Context): boolean {
  return nodeHttpOf(c) !== undefined;
}

/** Whether the request carries a body, decided without reading `c.req.raw.body` when possible. */
export function hasBody(c: Context): boolean {
  const length = c.req.header("content-length");
  if (c.req.header("transfer-encoding") !== undefined) return true;
  if (length !== undefined) return length !== "0";
  return fromNodeHttp(c) ? false : c.req.raw.body !== null;
}

/**
 * Refuses bodies larger than `maxBytes` with 413 before they are read.
 *
 * Most requests are decided from their headers alone: no body, or a Content-Length. Only a body
 * of unknown length is counted as it streams in (Hono's bodyLimit). That middleware reads
 * `c.req.raw.body` on every request, which on @hono/node-server turns its lightweight request
 * into a full WHATWG Request (an AbortController, a ReadableStream): most of a small GET's cost
 * beyond Hono itself (docs/benchmarks.md), hence this front door.
 */
export function bodyLimit(maxBytes: number): MiddlewareHandler {
  const tooLarge = (): never => {
    throw new ApiError(413, "payload_too_large", `The request body is larger than ${maxBytes / 1024} KiB.`);
  };
  const streaming = streamingBodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return function bodyLimit(c, next) {
    const length = c.req.header("content-length");
    if (c.req.header("transfer-encoding") === undefined) {
      if (length !== undefined) return Number(length) <= maxBytes ? next() : tooLarge();
      if (fromNodeHttp(c)) return next();
    }
    return streaming(c, next);
  };
}
