import type { Context, ErrorHandler, Hono, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { TrieRouter } from "hono/router/trie-router";
import type { Logger } from "../logger.js";
import type { AppEnv } from "./app-env.js";
import { ApiError } from "./problem.js";

/** Renders a problem through the context, so headers set earlier (Set-Cookie) are kept. */
export function sendProblem(c: Context, error: ApiError): Response {
  for (const [name, value] of Object.entries(error.options.headers ?? {})) c.header(name, value);
  // RFC 9110 §15.5.2: every 401 carries a challenge, also those of sign-in and refresh.
  if (error.status === 401 && !error.options.headers?.["WWW-Authenticate"]) {
    c.header("WWW-Authenticate", 'Bearer realm="taskvault"');
  }
  c.header("Content-Type", "application/problem+json");
  return c.body(JSON.stringify(error.toProblem()), error.status as 400);
}

/**
 * The one place where errors become responses. Expected failures (ApiError) keep their status
 * and code; anything else is logged with the request id and answered with a bare 500.
 */
export function onError(logger: Logger): ErrorHandler<AppEnv> {
  return function onError(error, c) {
    if (error instanceof ApiError) return sendProblem(c, error);
    if (error instanceof HTTPException && error.status === 413) {
      return sendProblem(c, new ApiError(413, "payload_too_large", "The request body is larger than 64 KiB."));
    }
    if (isTransientConflict(error)) {
      // PostgreSQL broke a deadlock (or a serialization conflict) by aborting this transaction:
      // nothing was written, and the same request will very likely succeed at once.
      logger.warn(
        { reqId: c.get("requestId"), method: c.req.method, path: c.req.path },
        "transaction aborted by a conflict",
      );
      return sendProblem(
        c,
        new ApiError(503, "server_busy", "The request collided with another change and was not applied. Try again.", {
          headers: { "Retry-After": "1" },
        }),
      );
    }
    logger.error(
      { reqId: c.get("requestId"), method: c.req.method, path: c.req.path, err: describeError(error) },
      "unhandled error",
    );
    return sendProblem(
      c,
      new ApiError(
        500,
        "internal",
        "Something went wrong on our side. Try again; if it persists, quote the X-Request-Id.",
      ),
    );
  };
}

/** SQLSTATE 40P01 (deadlock detected) or 40001 (serialization failure), also as a cause. */
function isTransientConflict(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === "40P01" || code === "40001") return true;
  }
  return false;
}

/**
 * Answers a request no route took: 405 with Allow when a route exists at this path for other
 * methods, otherwise 404. Deciding it here, once nothing matched, rather than in a middleware
 * wrapped around every request keeps that work off the requests that do match.
 */
export function notFoundOrNotAllowed(app: Pick<Hono, "routes">): NotFoundHandler {
  let methodsAt: TrieRouter<string[]> | undefined;
  return function notFound(c) {
    methodsAt ??= methodRouter(app.routes);
    const allowed = new Set(methodsAt.match("ALL", c.req.path)[0].flatMap(([methods]) => methods));
    if (allowed.size > 0 && !allowed.has(c.req.method)) return methodNotAllowedProblem(c, [...allowed]);
    return sendProblem(c, new ApiError(404, "not_found", `Nothing at ${c.req.method} ${c.req.path}.`));
  };
}

/** Every route path with the methods it answers (GET implies HEAD); middleware is not a route. */
function methodRouter(routes: Hono["routes"]): TrieRouter<string[]> {
  const byPath = new Map<string, Set<string>>();
  for (const route of routes) {
    if (route.method === "ALL" || route.method === "HEAD") continue;
    const methods = byPath.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    if (route.method === "GET") methods.add("HEAD");
    byPath.set(route.path, methods);
  }
  const router = new TrieRouter<string[]>();
  for (const [path, methods] of byPath) router.add("ALL", path, [...methods]);
  return router;
}

/** 405 keeps the contract's code list: no route answers this method here, so `not_found`. */
export function methodNotAllowedProblem(c: Context, methods: string[]): Response {
  c.header("Allow", methods.join(", "));
  return sendProblem(
    c,
    new ApiError(405, "not_found", `${c.req.method} is not allowed here. Allowed: ${methods.join(", ")}.`, {
      title: "Method Not Allowed",
    }),
  );
}

/**
 * An error fit for the log: Drizzle puts a failed query's parameters (emails, tokens) in its
 * message, so everything from "params:" on is cut from the message and the stack.
 */
export function describeError(error: Error): { name: string; message: string; stack?: string; cause?: string } {
  const scrub = (text: string) => text.replace(/\nparams:[\s\S]*?(?=\n {4}at |$)/g, "\nparams: [redacted]");
  const cause = error.cause instanceof Error ? scrub(error.cause.message) : undefined;
  return {
    name: error.name,
    message: scrub(error.message),
    ...(error.stack ? { stack: scrub(error.stack) } : {}),
    ...(cause ? { cause } : {}),
  };
}
