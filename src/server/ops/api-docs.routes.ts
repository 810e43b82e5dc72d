import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../http/app-env.js";

// Swagger UI is served from our own origin (swagger-ui-dist, Apache-2.0), so the docs page
// works offline and its Content-Security-Policy needs no third-party host.
const assetsDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const assets = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
} as const;

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Taskvault API reference</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
  <div id="docs"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>
`;

const init = `window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#docs",
  deepLinking: true,
  tryItOutEnabled: true,
  persistAuthorization: false,
});
`;

/** `GET /api/docs`: an interactive reference for /api/openapi.json. */
export function addApiDocsRoutes(app: OpenAPIHono<AppEnv>): void {
  const cache = new Map<string, string>();

  app.get("/api/docs", (c) => {
    c.header("Cache-Control", "no-cache");
    return c.html(page);
  });

  app.get("/api/docs/init.js", (c) => {
    c.header("Cache-Control", "no-cache");
    return c.body(init, 200, { "Content-Type": "text/javascript; charset=utf-8" });
  });

  app.get("/api/docs/:asset{swagger-ui\\.css|swagger-ui-bundle\\.js}", async (c) => {
    const name = c.req.param("asset") as keyof typeof assets;
    let body = cache.get(name);
    if (body === undefined) {
      body = await readFile(join(assetsDir, name), "utf8");
      cache.set(name, body);
    }
    c.header("Cache-Control", "public, max-age=86400");
    return c.body(body, 200, { "Content-Type": assets[name] });
  });
}
