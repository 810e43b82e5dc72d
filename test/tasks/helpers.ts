import { expect } from "vitest";
import type { Task, TaskList } from "../../src/shared/task.schemas.js";
import { bearer, jsonRequest, type SignedInUser } from "../helpers/auth-client.js";
import type { TestApp } from "../helpers/test-app.js";

/** An ISO 8601 UTC time with milliseconds, the only form the API answers with. */
export const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A UUID that no task will ever have. */
export const MISSING_ID = "00000000-0000-4000-8000-000000000000";

import { expectProblem } from "../helpers/problem-expectations.js";

export { expectProblem, type Problem } from "../helpers/problem-expectations.js";

/** The paths of the `errors[]` entries of a validation_failed answer. */
export async function expectInvalidFields(res: Response): Promise<string[]> {
  const problem = await expectProblem(res, 400, "validation_failed");
  expect(problem.errors?.length).toBeGreaterThan(0);
  for (const error of problem.errors ?? []) expect(error.message).toEqual(expect.any(String));
  return (problem.errors ?? []).map((e) => e.path);
}

export type Query = string | Record<string, string>;

function queryString(query: Query): string {
  const text = typeof query === "string" ? query : new URLSearchParams(query).toString();
  return text === "" ? "" : `?${text}`;
}

/**
 * One user's view of the tasks API, as a client would drive it: every method sends the user's
 * token to the user's own path and returns the raw response (the `*Task` methods also assert
 * success and parse the body).
 *
 * @example
 *   const tasks = tasksApi(t, await signUp(t));
 *   const task = await tasks.createTask({ title: "Buy milk" });
 *   expect((await tasks.get(task.id)).status).toBe(200);
 */
export function tasksApi(t: TestApp, user: SignedInUser) {
  const base = `/api/${user.id}/tasks`;
  const auth = (headers: Record<string, string> = {}) => bearer(user.token, headers);
  const send = (method: string, path: string, body: unknown, headers: Record<string, string>) =>
    t.request(path, body === undefined ? { method, headers: auth(headers) } : jsonRequest(method, body, auth(headers)));

  const api = {
    user,
    base,
    path: (id: string) => `${base}/${id}`,
    list: (query: Query = "") => t.request(`${base}${queryString(query)}`, { headers: auth() }),
    create: (body: unknown, headers: Record<string, string> = {}) => send("POST", base, body, headers),
    get: (id: string, headers: Record<string, string> = {}) => t.request(`${base}/${id}`, { headers: auth(headers) }),
    replace: (id: string, body: unknown, headers: Record<string, string> = {}) =>
      send("PUT", `${base}/${id}`, body, headers),
    patch: (id: string, body: unknown, headers: Record<string, string> = {}) =>
      send("PATCH", `${base}/${id}`, body, headers),
    /** Without a body, the complete route toggles. */
    complete: (id: string, body?: unknown, headers: Record<string, string> = {}) =>
      send("PATCH", `${base}/${id}/complete`, body, headers),
    remove: (id: string) => t.request(`${base}/${id}`, { method: "DELETE", headers: auth() }),

    async createTask(body: Record<string, unknown> = {}): Promise<Task> {
      const res = await api.create({ title: "A task", ...body });
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as Task;
    },
    async getTask(id: string): Promise<Task> {
      const res = await api.get(id);
      expect(res.status).toBe(200);
      return (await res.json()) as Task;
    },
    async listPage(query: Query = ""): Promise<TaskList> {
      const res = await api.list(query);
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as TaskList;
    },
    /** Walks every page of a listing; `between` runs before each next page is fetched. */
    async listAll(query: Record<string, string> = {}, between?: () => Promise<void>): Promise<Task[]> {
      const all: Task[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 300; page++) {
        const body: TaskList = await api.listPage(cursor ? { ...query, cursor } : query);
        all.push(...body.tasks);
        cursor = body.nextCursor;
        if (cursor === null) return all;
        await between?.();
      }
      throw new Error("the listing never ended");
    },
  };
  return api;
}

export type TasksApi = ReturnType<typeof tasksApi>;

/** The ids of tasks, in order. */
export const idsOf = (tasks: readonly Task[]) => tasks.map((task) => task.id);
