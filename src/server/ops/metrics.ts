import cluster from "node:cluster";
import { createHash, timingSafeEqual } from "node:crypto";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { AggregatorRegistry, Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { DatabaseHandle } from "../db/client.js";
import type { AppEnv } from "../http/app-env.js";
import { ApiError } from "../http/problem.js";

/** Where the numbers come from that the app does not see in its own requests. */
export interface MetricsSources {
  database: DatabaseHandle;
  /** Password hashes waiting for a slot right now (auth/password-hash.ts's queue). */
  hashQueueWaiting: () => number;
}

export interface Metrics {
  registry: Registry;
  /** Times every request and counts it by route pattern, method and status. */
  middleware: MiddlewareHandler<AppEnv>;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The sign-in's outcome, from its status: no hook into the auth code, whoever changes it. */
function signinOutcome(status: number): string {
  if (status === 200) return "success";
  if (status === 401) return "invalid_credentials";
  if (status === 429) return "throttled";
  if (status === 503) return "busy";
  if (status >= 400 && status < 500) return "invalid_request";
  return "error";
}

/**
 * The process's metrics, in a registry of its own (tests build several apps in one process).
 * Labels are bounded: a route is the pattern that matched (`/api/:userId/tasks`), never the raw
 * path; anything no route matched is `unmatched`, the web app's files are `web`, and what a guard on
 * /api/* answered by itself (a CORS preflight, a 413) is `/api/*`.
 */
export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: "taskvault_http_request_duration_seconds",
    help: "Time to answer a request, by route pattern, method and status; _count is the request count.",
    labelNames: ["route", "method", "status"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const signins = new Counter({
    name: "taskvault_signin_total",
    help: "Sign-in attempts by outcome: success, invalid_credentials, throttled, busy, invalid_request, error.",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const throttled = new Counter({
    name: "taskvault_throttled_requests_total",
    help: "Requests refused with 429 rate_limited, by route pattern.",
    labelNames: ["route"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "taskvault_password_hash_queue_waiting",
    help: "Password hashes waiting for a free hashing slot.",
    registers: [registry],
    collect() {
      this.set(sources.hashQueueWaiting());
    },
  });
  new Gauge({
    name: "taskvault_db_pool_connections",
    help: "Database connections by state (total, idle). PGlite: one connection, idle when no query is running.",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const pool = sources.database.poolStats();
      this.set({ state: "total" }, pool.total);
      this.set({ state: "idle" }, pool.idle);
    },
  });
  new Gauge({
    name: "taskvault_db_pool_waiting_queries",
    help: "Queries waiting for a database connection (PGlite: queued behind the running one).",
    registers: [registry],
    collect() {
      this.set(sources.database.poolStats().waiting);
    },
  });

  // One child per label combination, found by one string key: the hot path does no label hashing.
  const children = new Map<string, { observe(value: number): void }>();
  const SIGNIN_ROUTE = "/api/auth/signin";

  const middleware: MiddlewareHandler<AppEnv> = async function metrics(c, next) {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const status = c.res.status;
    const method = c.req.method;
    let route = c.req.routePath;
    // A wildcard answered: no route matched (404, 405), a guard on /api/* did (a CORS preflight,
    // a body limit), or the web app's files did.
    if (route.endsWith("*")) {
      route = status === 404 || status === 405 ? "unmatched" : route.startsWith("/api/") ? "/api/*" : "web";
    }
    const key = `${route} ${method} ${status}`;
    let child = children.get(key);
    if (child === undefined) {
      child = duration.labels(route, method, String(status));
      children.set(key, child);
    }
    child.observe(seconds);
    if (status === 429) throttled.inc({ route });
    if (route === SIGNIN_ROUTE && method === "POST") signins.inc({ outcome: signinOutcome(status) });
  };

  return { registry, middleware };
}

/**
 * GET /api/metrics in Prometheus text, for the holder of METRICS_TOKEN only: absent token 401,
 * wrong token 401 (compared in constant time). The route exists only when METRICS_TOKEN is set;
 * without it the path answers 404 like any unknown one. Under WEB_CONCURRENCY the worker that
 * answers asks the primary for every worker's numbers, summed (see clusterMetricsText).
 */
export function addMetricsRoute(app: OpenAPIHono<AppEnv>, metrics: Metrics, token: string): void {
  const expected = digest(token);
  if (cluster.isWorker) {
    // The worker's side of the aggregation: constructing one adds the listener that answers the
    // primary with this registry's numbers.
    AggregatorRegistry.setRegistries([metrics.registry]);
    new AggregatorRegistry();
  }
  app.get("/api/metrics", async (c) => {
    const header = c.req.header("authorization") ?? "";
    const sent = header.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : undefined;
    if (sent === undefined || !timingSafeEqual(digest(sent), expected)) {
      throw new ApiError(401, "unauthorized", "Send METRICS_TOKEN as Authorization: Bearer <token>.", {
        headers: { "WWW-Authenticate": 'Bearer realm="metrics"' },
      });
    }
    const text = cluster.isWorker ? await askPrimaryForMetrics() : await metrics.registry.metrics();
    return c.body(text, 200, { "Content-Type": metrics.registry.contentType });
  });
}

// Hashing both sides first gives equal lengths, so the comparison time says nothing about the token.
function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

const METRICS_REQUEST = "taskvault:metrics-request";
const METRICS_REPLY = "taskvault:metrics-reply";
const CLUSTER_METRICS_TIMEOUT_MS = 5_000;
let lastRequestId = 0;

interface MetricsReply {
  type: typeof METRICS_REPLY;
  id: number;
  text?: string;
  error?: string;
}

/** In a worker: the whole group's metrics, gathered by the primary. */
function askPrimaryForMetrics(): Promise<string> {
  const id = ++lastRequestId;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off("message", onMessage);
      reject(new Error("the primary did not answer the metrics request"));
    }, CLUSTER_METRICS_TIMEOUT_MS);
    const onMessage = (message: MetricsReply) => {
      if (message?.type !== METRICS_REPLY || message.id !== id) return;
      clearTimeout(timer);
      process.off("message", onMessage);
      if (message.text === undefined) reject(new Error(message.error ?? "no metrics"));
      else resolve(message.text);
    };
    process.on("message", onMessage);
    process.send?.({ type: METRICS_REQUEST, id });
  });
}

/**
 * In the primary: answers workers' metrics requests with prom-client's AggregatorRegistry, which
 * asks every worker for its registry and sums them (counters and histograms add up; gauges are
 * summed too, the event-loop figures averaged). One scrape of any worker sees the whole group.
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on("message", (worker, message: { type?: string; id?: number }) => {
    if (message?.type !== METRICS_REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: METRICS_REPLY, id: message.id, text }),
      (error: unknown) => worker.send({ type: METRICS_REPLY, id: message.id, error: String(error) }),
    );
  });
}
