import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AccessTokens } from "../auth/access-tokens.js";
import { requireUser } from "../auth/require-user.js";
import type { RevocationList } from "../auth/revocations.js";
import type { AppEnv } from "../http/app-env.js";
import { addRoute, problemResponse } from "../http/routes.js";
import { requireOwner, type TasksEnv } from "../tasks/require-owner.js";
import type { TaskRepository } from "../tasks/tasks.repository.js";
import { type LiveUpdates, MAX_STREAMS_PER_USER } from "./live-updates.js";

export const eventsRoute = createRoute({
  method: "get",
  path: "/api/{userId}/events",
  tags: ["tasks"],
  summary: "Live updates: a Server-Sent Events stream of the user's task changes",
  description:
    "Events `task.created` and `task.updated` (data: the task), `task.deleted` (data: `{ id }`), " +
    "`reminder` (data: `{ taskId, title, dueAt, before, fireAt }`: a task's reminder came due), " +
    "`reset` (data: `{ reason }`: reload everything); `id:` is the user's change sequence number. " +
    "A `: ping` comment every 15 s. The stream ends within 2 s of the access token's expiry or its " +
    "session's end. See docs/api.md, Live updates.",
  security: [{ bearerAuth: [] }],
  request: {
    params: z.object({ userId: z.string().describe("Your user id: the access token's `sub`") }),
    headers: z.object({
      "last-event-id": z
        .string()
        .optional()
        .describe("The last `id:` received: the stream first sends every change after it"),
    }),
  },
  responses: {
    200: {
      description: "The event stream (text/event-stream), open until the token expires or the session ends",
      content: { "text/event-stream": { schema: { type: "string" } } },
    },
    401: problemResponse("unauthorized: missing, invalid, expired or revoked access token"),
    403: problemResponse("forbidden: the path's user is not the token's user"),
    429: problemResponse(`rate_limited: ${MAX_STREAMS_PER_USER} streams of this account are open on this server`),
    503: problemResponse("server_busy: this server is shutting down; reconnect (to another)"),
  },
});

export interface EventRouteDeps {
  live: LiveUpdates;
  repository: TaskRepository;
  tokens: AccessTokens;
  revocations: RevocationList;
}

/** GET /api/{userId}/events, behind the task routes' authentication and ownership check. */
export function addEventRoutes(app: OpenAPIHono<AppEnv>, deps: EventRouteDeps): void {
  app.use("/api/:userId/events", requireUser(deps.tokens, deps.revocations), requireOwner(deps.repository));
  addRoute<TasksEnv>(app, eventsRoute, (c) => deps.live.open(c, c.get("auth"), c.req.header("last-event-id")));
}
