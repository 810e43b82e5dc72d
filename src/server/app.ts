import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler, Next } from "hono";
import { cors } from "hono/cors";
import { addAccountRoutes } from "./account/account.routes.js";
import { AccountService } from "./account/account.service.js";
import { addEmailTokenRoutes } from "./account/email-token.routes.js";
import { addAuthRoutes } from "./auth/auth.routes.js";
import type { AuthModule } from "./auth/index.js";
import { hashQueue } from "./auth/password-hash.js";
import type { Config } from "./config.js";
import type { DatabaseHandle } from "./db/client.js";
import type { AppEnv } from "./http/app-env.js";
import { bodyLimit } from "./http/body-limit.js";
import { notFoundOrNotAllowed, onError } from "./http/errors.js";
import { originCheck } from "./http/origin-check.js";
import { requestLog } from "./http/request-log.js";
import { standardHeaders } from "./http/standard-headers.js";
import { addEventRoutes } from "./live/events.routes.js";
import { createLiveUpdates, type LiveUpdates, listenUrlOf } from "./live/live-updates.js";
import type { Logger } from "./logger.js";
import { addApiDocsRoutes } from "./ops/api-docs.routes.js";
import { addMetricsRoute, createMetrics } from "./ops/metrics.js";
import { addOpsRoutes } from "./ops/ops.routes.js";
import { TaskRepository } from "./tasks/tasks.repository.js";
import { addTaskRoutes } from "./tasks/tasks.routes.js";
import { webApp } from "./web/web-app.js";

export const MAX_BODY_BYTES = 64 * 1024;

/** CORS with credentials for the listed origins only; other origins get no CORS header at all. */
function corsFor(origins: string[]): MiddlewareHandler {
  const allowed = new Set(origins);
  const withCors = cors({
    origin: origins,
    credentials: true,
    allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
    allowHeaders: [
      "Authorization",
      "Content-Type",
      "If-Match",
      "If-None-Match",
      "Last-Event-ID",
      "X-Refresh-Token",
      "X-Request-Id",
    ],
    exposeHeaders: ["ETag", "Location", "Retry-After", "X-Request-Id", "WWW-Authenticate"],
    maxAge: 600,
  });
  return function corsForListedOrigins(c, next) {
    return allowed.has(c.req.header("origin") ?? "") ? withCors(c, next) : next();
  };
}

/**
 * Runs `guards` (body limit, CSRF origin check) for requests that may change state; reads (GET,
 * HEAD, OPTIONS) carry no body and change nothing, so they skip them in one step.
 */
function forStateChanges(...guards: MiddlewareHandler[]): MiddlewareHandler {
  const chain = guards.reduceRight<(c: Context, next: Next) => Promise<void>>(
    (inner, guard) => async (c, next) => {
      await guard(c, () => inner(c, next));
    },
    (_c, next) => next(),
  );
  return function forStateChanges(c, next) {
    const method = c.req.method;
    return method === "GET" || method === "HEAD" || method === "OPTIONS" ? next() : chain(c, next);
  };
}

export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  auth: AuthModule;
  logger: Logger;
  /** The live updates (src/server/live); the caller closes them at shutdown. Absent: made here. */
  live?: LiveUpdates;
}

/**
 * Builds the whole HTTP application from its dependencies. main.ts serves it; tests call
 * `app.request()` on one built over a fresh database.
 */
export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const { config, database, auth, logger } = deps;
  const app = new OpenAPIHono<AppEnv>();

  // First, so that it times everything; absent (no cost at all) unless METRICS_TOKEN is set.
  const metrics = config.metricsToken
    ? createMetrics({ database, hashQueueWaiting: () => hashQueue.waiting })
    : undefined;
  if (metrics) app.use(metrics.middleware);
  app.use(standardHeaders({ https: config.publicUrl.startsWith("https:") }));
  // At a level that drops per-request lines (warn and above), the request log stays out of the
  // chain; unhandled errors are still logged by onError, with the request's method and path.
  if (logger.isLevelEnabled("info")) app.use(requestLog(logger));
  if (config.corsOrigins.length > 0) app.use("/api/*", corsFor(config.corsOrigins));
  app.use(
    "/api/*",
    forStateChanges(
      bodyLimit(MAX_BODY_BYTES),
      originCheck({
        publicOrigin: config.publicUrl,
        corsOrigins: config.corsOrigins,
        production: config.production,
        port: config.port,
      }),
    ),
  );

  addOpsRoutes(app, database);
  if (metrics && config.metricsToken) addMetricsRoute(app, metrics, config.metricsToken);
  addAuthRoutes(app, { config, service: auth.service, tokens: auth.tokens, revocations: auth.revocations });
  const live =
    deps.live ?? createLiveUpdates({ listenUrl: listenUrlOf(config), database, revocations: auth.revocations, logger });
  const taskRepository = new TaskRepository(database.db, {
    maxTasksPerUser: config.maxTasksPerUser,
    onChange: live.onChange,
  });
  addTaskRoutes(app, { repository: taskRepository, tokens: auth.tokens, revocations: auth.revocations });
  addEventRoutes(app, { live, repository: taskRepository, tokens: auth.tokens, revocations: auth.revocations });
  addAccountRoutes(app, {
    config,
    auth,
    service: new AccountService({ config, db: database.db, logger, auth, tasks: taskRepository }),
  });
  addEmailTokenRoutes(app, { config, database, auth, logger });

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  app.doc31("/api/openapi.json", {
    openapi: "3.1.0",
    info: { title: "Taskvault API", version: "0.1.0", description: "Multi-user tasks behind a strict auth layer." },
    servers: [{ url: config.publicUrl }],
  });

  addApiDocsRoutes(app);
  // Last: the web app answers only what no API route did (a middleware, so it adds no 405s).
  app.use(webApp());

  app.notFound(notFoundOrNotAllowed(app));
  app.onError(onError(logger));
  return app;
}
