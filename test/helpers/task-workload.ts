import type { Priority, Task } from "../../src/shared/task.schemas.js";
import { priorities } from "../../src/shared/task.schemas.js";
import type { TaskContent, TaskLedger } from "./task-ledger.js";

// A client's work on its task list over real HTTP, recorded in a TaskLedger: shared by the crash
// test (test/reliability) and the soak run (scripts/soak.ts).

/** A deterministic random source (mulberry32), so that a failing run can be replayed by its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

/** How one request ended: a status, or no answer at all (connection refused or reset). */
export type Outcome = { status: number; body: unknown } | { noAnswer: string };

export interface TaskClientOptions {
  baseUrl: string;
  userId: string;
  token: string;
  /** Per-request timeout, so that a hung server cannot hang the client. */
  timeoutMs?: number;
  /** Extra headers on every request (e.g. X-Forwarded-For for a simulated client address). */
  headers?: Record<string, string>;
}

/** One user's HTTP client for the tasks API; never throws for HTTP errors or a dead server. */
export class TaskClient {
  constructor(private readonly options: TaskClientOptions) {}

  setToken(token: string): void {
    this.options.token = token;
  }

  async send(method: string, path: string, body?: unknown): Promise<Outcome> {
    const { baseUrl, userId, token, timeoutMs = 10_000, headers = {} } = this.options;
    try {
      const res = await fetch(`${baseUrl}/api/${userId}/tasks${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    } catch (error) {
      return { noAnswer: error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : String(error) };
    }
  }

  /** Every task of the user, walking all pages. */
  async listAll(): Promise<Task[] | Outcome> {
    const all: Task[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 1_000; page++) {
      const query: string = `?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const outcome = await this.send("GET", query);
      if ("noAnswer" in outcome || outcome.status !== 200) return outcome;
      const body = outcome.body as { tasks: Task[]; nextCursor: string | null };
      all.push(...body.tasks);
      cursor = body.nextCursor;
      if (cursor === null) return all;
    }
    throw new Error("the listing never ended");
  }
}

/** What one write step did, for the caller's counters. */
export interface StepResult {
  kind: "create" | "patch" | "replace" | "toggle" | "delete" | "read" | "list";
  outcome: Outcome;
  /** True when the status was the one this request must get. */
  expected: boolean;
}

function content(marker: string, random: () => number, completed: boolean): TaskContent {
  return {
    title: marker,
    description: marker,
    completed,
    priority: pick(random, priorities) as Priority,
    tags: [`tag-${Math.floor(random() * 5)}`],
  };
}

/**
 * Performs one random step of a user's work on their list, recording it in the ledger before it
 * is sent and confirming it on a 2xx. `marker` must be unique per step.
 */
export async function randomStep(
  client: TaskClient,
  ledger: TaskLedger,
  random: () => number,
  marker: string,
  options: { reads?: boolean } = {},
): Promise<StepResult> {
  const live = ledger.liveIds();
  const roll = random();
  if (live.length === 0 || roll < 0.3) {
    const next = content(marker, random, random() < 0.2);
    ledger.beginCreate(next);
    const outcome = await client.send("POST", "", next);
    const expected = "status" in outcome && outcome.status === 201;
    if (expected) ledger.ackCreate(outcome.body as Task);
    return { kind: "create", outcome, expected };
  }
  const id = pick(random, live);
  const current = ledger.contentOf(id);
  if (options.reads && roll < 0.45) {
    const outcome =
      roll < 0.38 ? await client.send("GET", `/${id}`) : await client.send("GET", "?limit=20&status=pending");
    return { kind: roll < 0.38 ? "read" : "list", outcome, expected: "status" in outcome && outcome.status === 200 };
  }
  if (roll < 0.6) {
    const next = { ...current, title: marker, description: marker, completed: random() < 0.5 };
    return write(client, ledger, id, next, "patch", "PATCH", `/${id}`, {
      title: marker,
      description: marker,
      completed: next.completed,
    });
  }
  if (roll < 0.75) {
    // PUT without `completed` reopens the task.
    const next = content(marker, random, false);
    const { completed: _, ...body } = next;
    return write(client, ledger, id, next, "replace", "PUT", `/${id}`, body);
  }
  if (roll < 0.9) {
    const next = { ...current, completed: !current.completed };
    return write(client, ledger, id, next, "toggle", "PATCH", `/${id}/complete`, undefined);
  }
  ledger.beginWrite(id, "deleted");
  const outcome = await client.send("DELETE", `/${id}`);
  const expected = "status" in outcome && outcome.status === 204;
  if (expected) ledger.ackWrite(id, "deleted");
  return { kind: "delete", outcome, expected };
}

async function write(
  client: TaskClient,
  ledger: TaskLedger,
  id: string,
  next: TaskContent,
  kind: StepResult["kind"],
  method: string,
  path: string,
  body: unknown,
): Promise<StepResult> {
  ledger.beginWrite(id, next);
  const outcome = await client.send(method, path, body);
  const expected = "status" in outcome && outcome.status === 200;
  if (expected) ledger.ackWrite(id, outcome.body as Task);
  return { kind, outcome, expected };
}
