import type { MiddlewareHandler } from "hono";
import type { Logger } from "../logger.js";
import type { AppEnv } from "./app-env.js";

/**
 * One line per request: id, method, path (never the query string, which could hold a token),
 * status and duration. Headers and bodies are never logged.
 */
export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async function requestLog(c, next) {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line = {
      reqId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    };
    if (status >= 500) logger.error(line, "request");
    else logger.info(line, "request");
  };
}
