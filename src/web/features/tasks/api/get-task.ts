import { type Task, taskSchema } from "../../../../shared/task.schemas.js";
import { api } from "../../../lib/api.js";
import { tasksPath } from "./task-keys.js";

/** `GET /api/{userId}/tasks/{id}`. */
export function getTask(userId: string, id: string): Promise<Task> {
  return api.request(tasksPath(userId, `/${encodeURIComponent(id)}`), { schema: taskSchema });
}
