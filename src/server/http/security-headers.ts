import type { MiddlewareHandler } from "hono";

// The API answers JSON only: nothing it sends may run script, load resources or be framed.
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// The interactive API reference (/api/docs) loads its script and styles from our own origin;
// Swagger UI sets inline styles, so only style-src is relaxed.
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// The web app: our own scripts and styles only.
export const APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Sets the headers every response carries; HSTS only when the public URL is https. */
export function securityHeaders(options: { https: boolean }): MiddlewareHandler {
  return async function securityHeaders(c, next) {
    await next();
    const h = c.res.headers;
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Cross-Origin-Opener-Policy", "same-origin");
    h.set("Cross-Origin-Resource-Policy", "same-origin");
    h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (!h.has("Content-Security-Policy")) {
      const path = c.req.path;
      h.set("Content-Security-Policy", !path.startsWith("/api/") ? APP_CSP : path === "/api/docs" ? DOCS_CSP : API_CSP);
    }
    if (options.https) h.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  };
}
