import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Context, MiddlewareHandler } from "hono";
import { fromProjectRoot } from "../paths.js";

/** Where `npm run build` puts the web app (vite.config.ts). */
export const WEB_DIST_DIR = fromProjectRoot("dist/web");

const IMMUTABLE = "public, max-age=31536000, immutable";
const SAFE_NAME = /^[\w-][\w.-]*$/;
const TEXT_TYPES = new Set([".js", ".css", ".svg", ".json", ".txt", ".webmanifest", ".map", ".html"]);
const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".woff2": "font/woff2",
  ".html": "text/html; charset=utf-8",
};

interface StaticFile {
  type: string;
  raw: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

const NOT_BUILT = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Taskvault</title></head>
<body>
  <h1>Taskvault is running, but its web app has not been built</h1>
  <p>Run <code>npm run build</code> (<code>npm start</code> builds it for you), then reload this page.
  The API is at <a href="/api/docs">/api/docs</a>.</p>
</body>
</html>
`;

/**
 * Serves the built single-page app from the API's own origin: hashed files under /assets/ are
 * cached for a year (their name changes with their content), other files of the build for an
 * hour, and every other GET for a page (a client route such as /account) gets index.html, never
 * cached, so a new deploy is picked up on the next visit. /api/* is never touched: an unknown API
 * path stays a JSON 404 problem.
 */
export function webApp(options: { distDir?: string } = {}): MiddlewareHandler {
  const distDir = options.distDir ?? WEB_DIST_DIR;
  const cache = new Map<string, StaticFile>();

  async function load(relative: string, keep: boolean): Promise<StaticFile | null> {
    const cached = cache.get(relative);
    if (cached) return cached;
    let raw: Buffer;
    try {
      raw = await readFile(join(distDir, relative));
    } catch {
      return null;
    }
    const ext = extname(relative);
    const file: StaticFile = { type: CONTENT_TYPES[ext] ?? "application/octet-stream", raw };
    if (TEXT_TYPES.has(ext) && raw.length > 1024) {
      file.br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
      file.gzip = gzipSync(raw, { level: 9 });
    }
    // Hashed assets never change under the same name; the other files are re-read so that a
    // rebuild while the server runs is picked up.
    if (keep) cache.set(relative, file);
    return file;
  }

  return async function webApp(c, next) {
    const path = c.req.path;
    if ((c.req.method !== "GET" && c.req.method !== "HEAD") || path === "/api" || path.startsWith("/api/")) {
      return next();
    }
    const name = path.slice(path.lastIndexOf("/") + 1);
    if (path.startsWith("/assets/") && path.split("/").length === 3 && SAFE_NAME.test(name)) {
      const file = await load(`assets/${name}`, true);
      return file ? send(c, file, IMMUTABLE) : next();
    }
    if (path.split("/").length === 2 && SAFE_NAME.test(name) && name !== "index.html") {
      const file = await load(name, false);
      if (file) return send(c, file, "public, max-age=3600");
    }
    if (!wantsPage(c, name)) return next();
    const index = await load("index.html", false);
    if (!index) return c.html(NOT_BUILT, 503, { "Cache-Control": "no-store" });
    return send(c, index, "no-cache");
  };
}

/** A browser navigation asks for text/html; a bare `*\/*` counts only for paths without an extension. */
function wantsPage(c: Context, name: string): boolean {
  const accept = c.req.header("accept") ?? "";
  if (accept.includes("text/html")) return true;
  return (accept === "" || accept.includes("*/*")) && !name.includes(".");
}

function send(c: Context, file: StaticFile, cacheControl: string): Response {
  const accepted = c.req.header("accept-encoding") ?? "";
  const headers: Record<string, string> = { "Content-Type": file.type, "Cache-Control": cacheControl };
  let body = file.raw;
  if (file.br || file.gzip) {
    headers.Vary = "Accept-Encoding";
    if (file.br && /\bbr\b/.test(accepted)) {
      body = file.br;
      headers["Content-Encoding"] = "br";
    } else if (file.gzip && /\bgzip\b/.test(accepted)) {
      body = file.gzip;
      headers["Content-Encoding"] = "gzip";
    }
  }
  return c.body(new Uint8Array(body), 200, headers);
}
