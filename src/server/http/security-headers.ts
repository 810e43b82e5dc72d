// The API answers JSON only: nothing it sends may run script, load resources or be framed.
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// The interactive API reference (/api/docs) loads its script and styles from our own origin;
// Swagger UI sets inline styles, so only style-src is relaxed.
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// The web app: our own scripts and styles only.
export const APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

type Header = readonly [name: string, value: string];

// On every response: no MIME sniffing, no framing, no cross-origin embedding.
const EVERY: Header[] = [
  ["X-Content-Type-Options", "nosniff"],
  ["X-Frame-Options", "DENY"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
];
// Only documents (the web app, the API reference) have referrers, openers and features to govern;
// on JSON these are inert, so API answers do without them (OWASP's REST Security Cheat Sheet).
const DOCUMENT: Header[] = [
  ["Referrer-Policy", "no-referrer"],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Permissions-Policy", "camera=(), microphone=(), geolocation=()"],
];
const HSTS: Header = ["Strict-Transport-Security", "max-age=63072000; includeSubDomains"];

// API answers are per user and often carry personal data: no cache keeps them unless a route
// says otherwise (the public JWKS, the API reference's assets).
const NO_STORE: Header = ["Cache-Control", "no-store"];

/**
 * The headers every response carries, by surface (API, API reference, web app): the security
 * headers (fewer on JSON than on documents), HSTS only when the public URL is https, and no-store
 * on the API. Built once: the
 * request path only picks one of three lists.
 */
export function securityHeadersBySurface(options: { https: boolean }): (path: string) => readonly Header[] {
  const build = (csp: string, extra: Header[]): Header[] => [
    ...EVERY,
    ["Content-Security-Policy", csp],
    ...(options.https ? [HSTS] : []),
    ...extra,
  ];
  const api = build(API_CSP, [NO_STORE]);
  const docs = build(DOCS_CSP, [...DOCUMENT, NO_STORE]);
  const app = build(APP_CSP, DOCUMENT);
  return (path) => (!path.startsWith("/api/") ? app : path === "/api/docs" ? docs : api);
}
