import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  completeBodySchema,
  listQuerySchema,
  RECURRENCE_NEEDS_DUE,
  taskCountsSchema,
  taskInputSchema,
  taskListSchema,
  taskPatchSchema,
  taskSchema,
} from "../../shared/task.schemas.js";
import type { AccessTokens } from "../auth/access-tokens.js";
import { requireUser, unauthorized } from "../auth/require-user.js";
import type { RevocationList } from "../auth/revocations.js";
import type { AppEnv } from "../http/app-env.js";
import { methodNotAllowedProblem } from "../http/errors.js";
import { ApiError, validationError } from "../http/problem.js";
import { addRoute, jsonContent, problemResponse } from "../http/routes.js";
import { parseWith, readJson } from "../http/validation.js";
import { etagOf, noneMatch, preconditionOf, staleTask, taskNotFound } from "./etag.js";
import { requireOwner, type TasksEnv } from "./require-owner.js";
import type { CreateOutcome, StoredTask, TaskRepository, WriteOutcome } from "./tasks.repository.js";

const security = [{ bearerAuth: [] }];
const userParams = z.object({ userId: z.string().describe("Your user id: the access token's `sub`") });
const taskParams = userParams.extend({ id: z.string().describe("The task's id") });
const ifMatch = z.object({
  "if-match": z.string().optional().describe("Write only if the task still has this ETag (else 412)"),
});
const ifNoneMatch = z.object({
  "if-none-match": z.string().optional().describe("Answer 304 without a body if the task still has this ETag"),
});
const jsonBody = <T>(schema: T, required = true) => ({ content: { "application/json": { schema } }, required });
// Each route documents exactly the errors it can answer.
const guarded = {
  401: problemResponse("unauthorized: missing, invalid, expired or revoked access token"),
  403: problemResponse("forbidden: the path's user is not the token's user"),
};
const invalid = { 400: problemResponse("validation_failed or invalid_json") };
const withBody = {
  ...invalid,
  413: problemResponse("payload_too_large"),
  415: problemResponse("unsupported_media_type"),
};
const oneTask = {
  ...guarded,
  404: problemResponse("not_found: no such task, a malformed id, or another user's task (the same answer)"),
};
const conditionalWrite = {
  ...oneTask,
  ...withBody,
  403: problemResponse(
    "forbidden: the path's user is not the token's user; quota_exceeded: completing a recurring task would create its next occurrence beyond MAX_TASKS_PER_USER (nothing is written)",
  ),
  412: problemResponse("precondition_failed"),
};
const taskResponse = (description: string) => ({
  ...jsonContent(taskSchema, description),
  headers: { ETag: { schema: { type: "string" as const }, description: "The task's current version" } },
});

export const listTasksRoute = createRoute({
  method: "get",
  path: "/api/{userId}/tasks",
  tags: ["tasks"],
  summary: "List tasks: filtered, sorted, paginated by cursor",
  security,
  request: { params: userParams, query: listQuerySchema },
  responses: {
    200: jsonContent(taskListSchema, "One page of tasks and the cursor of the next"),
    ...guarded,
    ...invalid,
  },
});

export const countTasksRoute = createRoute({
  method: "get",
  path: "/api/{userId}/tasks/counts",
  tags: ["tasks"],
  summary: "Count tasks: all, pending and completed",
  security,
  request: { params: userParams },
  responses: { 200: jsonContent(taskCountsSchema, "How many tasks, in total and by status"), ...guarded },
});

export const createTaskRoute = createRoute({
  method: "post",
  path: "/api/{userId}/tasks",
  tags: ["tasks"],
  summary: "Create a task",
  security,
  request: { params: userParams, body: jsonBody(taskInputSchema) },
  responses: {
    201: {
      ...taskResponse("Created"),
      headers: {
        ETag: { schema: { type: "string" as const } },
        Location: { schema: { type: "string" as const }, description: "The new task's URL" },
      },
    },
    401: guarded[401],
    403: problemResponse(
      "forbidden: the path's user is not the token's user; quota_exceeded: the account already holds MAX_TASKS_PER_USER tasks",
    ),
    ...withBody,
  },
});

export const getTaskRoute = createRoute({
  method: "get",
  path: "/api/{userId}/tasks/{id}",
  tags: ["tasks"],
  summary: "Read one task",
  security,
  request: { params: taskParams, headers: ifNoneMatch },
  responses: { 200: taskResponse("The task"), 304: { description: "Not modified (If-None-Match)" }, ...oneTask },
});

export const replaceTaskRoute = createRoute({
  method: "put",
  path: "/api/{userId}/tasks/{id}",
  tags: ["tasks"],
  summary: "Replace a task (omitted fields reset to their defaults)",
  security,
  request: { params: taskParams, headers: ifMatch, body: jsonBody(taskInputSchema) },
  responses: { 200: taskResponse("The task"), ...conditionalWrite },
});

export const patchTaskRoute = createRoute({
  method: "patch",
  path: "/api/{userId}/tasks/{id}",
  tags: ["tasks"],
  summary: "Change only the given fields of a task",
  security,
  request: { params: taskParams, headers: ifMatch, body: jsonBody(taskPatchSchema) },
  responses: { 200: taskResponse("The task"), ...conditionalWrite },
});

export const deleteTaskRoute = createRoute({
  method: "delete",
  path: "/api/{userId}/tasks/{id}",
  tags: ["tasks"],
  summary: "Delete a task",
  security,
  request: { params: taskParams },
  responses: { 204: { description: "Deleted" }, ...oneTask },
});

export const completeTaskRoute = createRoute({
  method: "patch",
  path: "/api/{userId}/tasks/{id}/complete",
  tags: ["tasks"],
  summary: "Toggle completion, or set it with { completed }",
  security,
  request: { params: taskParams, headers: ifMatch, body: jsonBody(completeBodySchema, false) },
  responses: { 200: taskResponse("The task"), ...conditionalWrite },
});

/** The query string as the schema expects it: a parameter given twice stays an array and fails. */
function queryOf(c: Context): Record<string, string | string[]> {
  const all = c.req.queries();
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v.length === 1 ? (v[0] ?? "") : v]));
}

const taskId = (c: Context) => c.req.param("id") ?? "";

function sendTask(c: Context, stored: StoredTask, status: 200 | 201 = 200): Response {
  c.header("ETag", etagOf(stored));
  c.header("Cache-Control", "no-store");
  return c.json(stored.task, status);
}

/** The created task, or the error that says why none was created. */
function createdTask(outcome: CreateOutcome): StoredTask {
  if ("task" in outcome) return outcome.task;
  if ("quotaExceeded" in outcome) {
    const { limit } = outcome.quotaExceeded;
    throw new ApiError(403, "quota_exceeded", `An account holds at most ${limit} tasks: delete some to add more.`);
  }
  // The account was deleted after the access token was issued and before its revocation reached
  // this process: the token's account is gone, which is a 401.
  throw unauthorized(true, "The account of this access token no longer exists.");
}

function sendOutcome(c: Context, outcome: WriteOutcome): Response {
  if ("task" in outcome) return sendTask(c, outcome.task);
  if ("needsDue" in outcome) {
    const path = outcome.needsDue;
    const message = path === "recurrence" ? RECURRENCE_NEEDS_DUE : "cannot be cleared while the task repeats";
    throw validationError([{ path, message }]);
  }
  if ("seriesQuotaExceeded" in outcome) {
    const { limit } = outcome.seriesQuotaExceeded;
    throw new ApiError(
      403,
      "quota_exceeded",
      `The series could not continue: the task limit of ${limit} is reached, so the task was left as it was. Delete some tasks, then complete it again.`,
    );
  }
  throw "stale" in outcome ? staleTask() : taskNotFound();
}

export interface TaskRouteDeps {
  repository: TaskRepository;
  tokens: AccessTokens;
  revocations: RevocationList;
}

/** The seven task routes, behind one authentication and one ownership check for the tree. */
export function addTaskRoutes(app: OpenAPIHono<AppEnv>, deps: TaskRouteDeps): void {
  const guard = [requireUser(deps.tokens, deps.revocations), requireOwner(deps.repository)] as const;
  app.use("/api/:userId/tasks", ...guard);
  app.use("/api/:userId/tasks/*", ...guard);
  const tasksOf = (c: Context<TasksEnv>) => c.get("tasks");

  addRoute<TasksEnv>(app, listTasksRoute, async (c) => {
    const query = parseWith(listQuerySchema, queryOf(c));
    const page = await tasksOf(c).list(query);
    return c.json({ tasks: page.tasks.map((t) => t.task), nextCursor: page.nextCursor }, 200);
  });

  // Before the one-task routes: "counts" would otherwise be read as a task id. Other methods on
  // it are 405 (as on any path), not a PUT, PATCH or DELETE of a task whose id is "counts".
  app.use("/api/:userId/tasks/counts", async function countsIsReadOnly(c, next) {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    return methodNotAllowedProblem(c, ["GET", "HEAD"]);
  });
  addRoute<TasksEnv>(app, countTasksRoute, async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(await tasksOf(c).counts(), 200);
  });

  addRoute<TasksEnv>(app, createTaskRoute, async (c) => {
    const input = await readJson(c, taskInputSchema);
    const stored = createdTask(await tasksOf(c).create(input));
    c.header("Location", `/api/${encodeURIComponent(tasksOf(c).userId)}/tasks/${stored.task.id}`);
    return sendTask(c, stored, 201);
  });

  addRoute<TasksEnv>(app, getTaskRoute, async (c) => {
    const stored = await tasksOf(c).get(taskId(c));
    if (!stored) throw taskNotFound();
    if (noneMatch(c.req.header("if-none-match"), etagOf(stored))) {
      // A 304 carries the headers the 200 would have (RFC 9110 §15.4.5).
      c.header("ETag", etagOf(stored));
      c.header("Cache-Control", "no-store");
      return c.body(null, 304);
    }
    return sendTask(c, stored);
  });

  addRoute<TasksEnv>(app, replaceTaskRoute, async (c) => {
    const input = await readJson(c, taskInputSchema);
    const outcome = await tasksOf(c).replace(taskId(c), input, preconditionOf(c.req.header("if-match")));
    return sendOutcome(c, outcome);
  });

  addRoute<TasksEnv>(app, patchTaskRoute, async (c) => {
    const patch = await readJson(c, taskPatchSchema);
    const outcome = await tasksOf(c).patch(taskId(c), patch, preconditionOf(c.req.header("if-match")));
    return sendOutcome(c, outcome);
  });

  addRoute<TasksEnv>(app, completeTaskRoute, async (c) => {
    const body = await readJson(c, completeBodySchema, { optional: true });
    const outcome = await tasksOf(c).complete(taskId(c), body.completed, preconditionOf(c.req.header("if-match")));
    return sendOutcome(c, outcome);
  });

  addRoute<TasksEnv>(app, deleteTaskRoute, async (c) => {
    if (!(await tasksOf(c).delete(taskId(c)))) throw taskNotFound();
    return c.body(null, 204);
  });
}
