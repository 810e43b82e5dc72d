import { vi } from "vitest";
import type { Task } from "../../shared/task.schemas.js";

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}) {
  return json(status, { type: "about:blank", title: "Problem", status, code, detail, ...extra });
}

export const user = {
  id: "user-1",
  email: "ada@example.com",
  name: "Ada",
  emailVerified: false,
  createdAt: "2026-01-01T00:00:00.000Z",
  timeZone: "UTC",
};

/** A token response valid for `seconds`, measured on the server clock of the Date header. */
export function tokenBody(token: string, seconds = 900, now = Date.now()) {
  return { token, tokenType: "Bearer" as const, expiresAt: new Date(now + seconds * 1000).toISOString() };
}

/** A fetch double: each call is answered by `handler`, and every call is recorded. */
export function fakeFetch(handler: (url: string, init: RequestInit) => Response | Promise<Response>) {
  return vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => handler(String(input), init));
}

export function authorizationOf(init: RequestInit): string | undefined {
  return (init.headers as Record<string, string> | undefined)?.Authorization;
}

/** A task as the API answers it, "Buy milk" unless `overrides` say otherwise. */
export function task(overrides: Partial<Task> = {}): Task {
  return {
    id: "t1",
    title: "Buy milk",
    description: "",
    completed: false,
    priority: "none",
    dueAt: null,
    tags: [],
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    completedAt: null,
    recurrence: null,
    reminders: [],
    nextId: null,
    ...overrides,
  };
}
