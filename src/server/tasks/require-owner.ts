import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/app-env.js";
import { ApiError } from "../http/problem.js";
import type { TaskRepository, UserTasks } from "./tasks.repository.js";

export type TasksEnv = AppEnv & { Variables: { tasks: UserTasks } };

/**
 * The one ownership check for the whole `/api/{userId}/tasks` tree: the path's user must be the
 * token's subject, or the answer is 403 before any query runs. Handlers then receive the
 * repository already scoped to that user, and nothing else.
 */
export function requireOwner(repository: TaskRepository): MiddlewareHandler<TasksEnv> {
  return async function requireOwner(c, next) {
    const { userId } = c.get("auth");
    if (c.req.param("userId") !== userId) {
      throw new ApiError(403, "forbidden", "These tasks belong to another account.");
    }
    c.set("tasks", repository.forUser(userId));
    await next();
  };
}
