import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.js";
import { nodeHttpOf } from "./node-http.js";
import { securityHeadersBySurface } from "./security-headers.js";

const REQUEST_ID_MAX = 128;
const REQUEST_ID_UNSAFE = /[^\w\-=]/;

/**
 * The headers every response carries: X-Request-Id (the client's, when it is short and plain, or a
 * new UUID; also kept for the log as `requestId`) and the security headers. A header the response
 * sets itself wins.
 *
 * Served by Node, they go straight onto its ServerResponse before the handler runs, and Node merges
 * them into whatever is written. Setting them on the WHATWG response afterwards would turn every
 * response's plain header object into a Headers instance, validated and sorted: a fifth of a small
 * request's cost here (docs/benchmarks.md).
 */
export function standardHeaders(options: { https: boolean }): MiddlewareHandler<AppEnv> {
  const securityHeadersFor = securityHeadersBySurface(options);
  return async function standardHeaders(c, next) {
    let id = c.req.header("x-request-id");
    if (!id || id.length > REQUEST_ID_MAX || REQUEST_ID_UNSAFE.test(id)) id = randomUUID();
    c.set("requestId", id);
    const headers = securityHeadersFor(c.req.path);
    const node = nodeHttpOf(c);
    if (node) {
      node.outgoing.setHeader("X-Request-Id", id);
      for (const [name, value] of headers) node.outgoing.setHeader(name, value);
      return next();
    }
    await next();
    const own = c.res.headers;
    if (!own.has("X-Request-Id")) own.set("X-Request-Id", id);
    for (const [name, value] of headers) if (!own.has(name)) own.set(name, value);
  };
}
