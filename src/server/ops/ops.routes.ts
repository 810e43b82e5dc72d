import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { DatabaseHandle } from "../db/client.js";
import type { AppEnv } from "../http/app-env.js";
import { addRoute, jsonContent, problemResponse } from "../http/routes.js";

const statusSchema = z.object({ status: z.string() });

export const healthRoute = createRoute({
  method: "get",
  path: "/api/health",
  tags: ["operations"],
  summary: "Liveness: the process is up",
  responses: { 200: jsonContent(statusSchema, "Up") },
});

export const readyRoute = createRoute({
  method: "get",
  path: "/api/ready",
  tags: ["operations"],
  summary: "Readiness: the database answers",
  responses: {
    200: jsonContent(statusSchema, "Ready"),
    503: problemResponse("The database does not answer"),
  },
});

const READY_TIMEOUT_MS = 2_000;

export function addOpsRoutes(app: OpenAPIHono<AppEnv>, database: DatabaseHandle): void {
  // No Cache-Control here: every API response is no-store by default (http/standard-headers.ts).
  addRoute(app, healthRoute, (c) => c.json({ status: "ok" }, 200));

  addRoute(app, readyRoute, async (c) => {
    const ok = await Promise.race([
      database.ping().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => setTimeout(resolve, READY_TIMEOUT_MS, false).unref()),
    ]);
    if (ok) return c.json({ status: "ready" }, 200);
    return c.body(
      JSON.stringify({
        type: "about:blank",
        title: "Service Unavailable",
        status: 503,
        code: "internal",
        detail: "The database is not answering.",
      }),
      503,
      { "Content-Type": "application/problem+json" },
    );
  });
}
