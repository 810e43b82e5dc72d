import { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "hono";

/**
 * The Node request and response behind this context when @hono/node-server serves the app; absent
 * for a Request handled in-process (tests' `app.request()`). A few hot paths use them to skip
 * work that the WHATWG objects would cost on every request (docs/benchmarks.md).
 */
export function nodeHttpOf(c: Context): { incoming: IncomingMessage; outgoing: ServerResponse } | undefined {
  const env = c.env as { incoming?: unknown; outgoing?: unknown } | undefined;
  if (env?.incoming instanceof IncomingMessage && env.outgoing instanceof ServerResponse) {
    return { incoming: env.incoming, outgoing: env.outgoing };
  }
  return undefined;
}
