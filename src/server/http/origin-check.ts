import type { MiddlewareHandler } from "hono";
import { ApiError } from "./problem.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export interface OriginCheckOptions {
  /** PUBLIC_URL's origin: where users reach the app. */
  publicOrigin: string;
  /** CORS_ORIGINS: other origins allowed to call the API with credentials. */
  corsOrigins: string[];
  /** In production only the origins above pass; otherwise loopback origins on `port` do too. */
  production: boolean;
  /** The port the server listens on (0: chosen by the system, so no loopback origin is added). */
  port: number;
}

/**
 * CSRF defence for the cookie-authenticated routes (and login CSRF on sign-in): a browser
 * request that changes state must come from PUBLIC_URL's origin or one listed in CORS_ORIGINS.
 * The Host header is never consulted: whoever forges the Origin can forge it too. Clients that
 * are not browsers send no Origin and pass, unless Sec-Fetch-Site says the request is cross-site.
 *
 * @example
 *   app.use("/api/*", originCheck({ publicOrigin: "https://todo.example.com", corsOrigins: [], production: true, port: 3000 }));
 */
export function originCheck(options: OriginCheckOptions): MiddlewareHandler {
  const allowed = allowedOrigins(options);
  return function originCheck(c, next) {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const origin = c.req.header("origin");
    if (origin === undefined) {
      if (c.req.header("sec-fetch-site") === "cross-site") throw forbidden();
      return next();
    }
    // `Origin: null` (sandboxed frames, some redirects) is in no set, so it is refused too.
    if (!allowed.has(origin)) throw forbidden();
    return next();
  };
}

/**
 * The exact origins that may change state. Outside production a developer reaches the server as
 * localhost, 127.0.0.1 or [::1] on its port, or on PUBLIC_URL's port when that is a loopback URL
 * (`npm run dev` sets PUBLIC_URL to Vite's dev server, which proxies /api to us).
 */
function allowedOrigins({ publicOrigin, corsOrigins, production, port }: OriginCheckOptions): Set<string> {
  const allowed = new Set([publicOrigin, ...corsOrigins]);
  if (production) return allowed;
  // URL#origin is what a browser sends: lower case, no default port (http://localhost, not :80).
  const addLoopback = (protocol: string, onPort: string) => {
    for (const host of LOOPBACK_HOSTS) allowed.add(new URL(`${protocol}//${host}:${onPort}`).origin);
  };
  if (port > 0) addLoopback("http:", String(port));
  const publicUrl = new URL(publicOrigin);
  if (LOOPBACK_HOSTS.has(publicUrl.hostname)) addLoopback(publicUrl.protocol, publicUrl.port);
  return allowed;
}

function forbidden(): ApiError {
  return new ApiError(403, "forbidden", "Cross-origin requests that change state are not allowed from this origin.");
}
