import type { MiddlewareHandler } from "hono";
import { ApiError } from "./problem.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF defence for the cookie-authenticated routes (and login CSRF on sign-in): a browser
 * request that changes state must come from our own origin or one listed in CORS_ORIGINS.
 * Clients that are not browsers send no Origin and pass.
 */
export function originCheck(options: { allowedOrigins: string[] }): MiddlewareHandler {
  const allowed = new Set(options.allowedOrigins);
  return function originCheck(c, next) {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const origin = c.req.header("origin");
    if (origin === undefined) {
      if (c.req.header("sec-fetch-site") === "cross-site") throw forbidden();
      return next();
    }
    const self = `${new URL(c.req.url).protocol}//${c.req.header("host") ?? ""}`;
    if (origin !== self && !allowed.has(origin)) throw forbidden();
    return next();
  };
}

function forbidden(): ApiError {
  return new ApiError(403, "forbidden", "Cross-origin requests that change state are not allowed from this origin.");
}
