import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import type { Handler, MiddlewareHandler } from "hono";
import { problemSchema } from "../../shared/problem.js";
import type { AppEnv } from "./app-env.js";

/** The OpenAPI path (`/api/{userId}/tasks`) in Hono's syntax (`/api/:userId/tasks`). */
export function toHonoPath(openApiPath: string): string {
  return openApiPath.replace(/\{(\w+)\}/g, ":$1");
}

/**
 * Registers a route once for both purposes: the handler that serves it and the OpenAPI document
 * that describes it, from the same definition. Validation happens in the handler (readJson,
 * parseWith) so that every failure takes the contract's problem+json form.
 */
export function addRoute<E extends AppEnv = AppEnv>(
  app: OpenAPIHono<AppEnv>,
  route: RouteConfig,
  ...handlers: [...MiddlewareHandler<E>[], Handler<E>]
): void {
  app.openAPIRegistry.registerPath(route);
  app.on(route.method.toUpperCase(), toHonoPath(route.path), ...(handlers as unknown as [Handler<AppEnv>]));
}

/** A documented problem+json response, for route definitions. */
export function problemResponse(description: string) {
  return { description, content: { "application/problem+json": { schema: problemSchema } } };
}

/** A documented JSON body, for route definitions. */
export function jsonContent<T>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}
