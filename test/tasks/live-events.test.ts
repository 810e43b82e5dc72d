import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../src/server/db/client.js";
import { LISTENER_APPLICATION_NAME } from "../../src/server/live/change-feed.js";
import { createLogger } from "../../src/server/logger.js";
import { Housekeeping } from "../../src/server/ops/housekeeping.js";
import type { Task } from "../../src/shared/task.schemas.js";
import { bearer, jsonRequest, type SignedInUser, signUp } from "../helpers/auth-client.js";
import { type ServedApp, serveOverHttp } from "../helpers/http-server.js";
import { openSse, type SseEvent, type SseStream } from "../helpers/sse-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { expectProblem, tasksApi } from "./helpers.js";

let t: TestApp;
let served: ServedApp;
const streams: SseStream[] = [];
beforeAll(async () => {
  t = await createTestApp();
  served = await serveOverHttp(t);
});
afterAll(async () => {
  for (const stream of streams) stream.close();
  await served.close();
  await t.close();
});

async function open(user: SignedInUser, headers: Record<string, string> = {}, on = served): Promise<SseStream> {
  const stream = await openSse(`${on.url}/api/${user.id}/events`, bearer(user.token, headers));
  streams.push(stream);
  return stream;
}

const dataOf = (event: SseEvent) => JSON.parse(event.data) as Record<string, unknown>;

/** Resolves true when the stream ends within `ms`, false otherwise. */
const endsWithin = (stream: SseStream, ms: number) =>
  Promise.race([stream.ended.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe("GET /api/{userId}/events", () => {
  it("answers an event stream, and each write as its event with the task as the API shows it", async () => {
    const tasks = tasksApi(t, await signUp(t));
    const stream = await open(tasks.user);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);

    const task = await tasks.createTask({ title: "Live", tags: ["home"] });
    const created = await stream.next();
    expect({ event: created.event, id: created.id, data: dataOf(created) }).toEqual({
      event: "task.created",
      id: "1",
      data: task,
    });

    const patched = (await (await tasks.patch(task.id, { priority: "high" })).json()) as Task;
    const updated = await stream.next();
    expect({ event: updated.event, id: updated.id, data: dataOf(updated) }).toEqual({
      event: "task.updated",
      id: "2",
      data: patched,
    });

    const replaced = (await (await tasks.replace(task.id, { title: "Replaced" })).json()) as Task;
    expect(dataOf(await stream.next())).toEqual(replaced);
    const completed = (await (await tasks.complete(task.id)).json()) as Task;
    expect(dataOf(await stream.next())).toEqual(completed);

    expect((await tasks.remove(task.id)).status).toBe(204);
    const deleted = await stream.next();
    expect({ event: deleted.event, id: deleted.id, data: dataOf(deleted) }).toEqual({
      event: "task.deleted",
      id: "5",
      data: { id: task.id },
    });
  });

  it("sends a burst of concurrent writes once each, ids consecutive in commit order", async () => {
    const tasks = tasksApi(t, await signUp(t));
    const stream = await open(tasks.user);
    const created = await Promise.all(Array.from({ length: 8 }, (_, i) => tasks.createTask({ title: `Burst ${i}` })));
    const events = await Promise.all(created.map(() => stream.next()));
    expect(events.map((e) => e.id)).toEqual(["1", "2", "3", "4", "5", "6", "7", "8"]);
    expect(events.map((e) => (dataOf(e) as { id: string }).id).sort()).toEqual(created.map((c) => c.id).sort());
    expect(await stream.collectFor(300)).toEqual([]);
  });

  it("resumes after Last-Event-ID with every change made while disconnected, then continues live", async () => {
    const tasks = tasksApi(t, await signUp(t));
    const first = await open(tasks.user);
    const task = await tasks.createTask({ title: "Before" });
    const seen = await first.next();
    first.close();

    await tasks.patch(task.id, { title: "While away" });
    const other = await tasks.createTask({ title: "Also while away" });
    const again = await open(tasks.user, { "last-event-id": seen.id ?? "" });
    const missed = [await again.next(), await again.next()];
    expect(missed.map((e) => [e.event, e.id, (dataOf(e) as { id: string }).id])).toEqual([
      ["task.updated", "2", task.id],
      ["task.created", "3", other.id],
    ]);
    await tasks.remove(other.id);
    expect(await again.next()).toMatchObject({ event: "task.deleted", id: "4" });
  });

  it("opens with the id it starts from, so a client that reconnects before any event misses nothing", async () => {
    const tasks = tasksApi(t, await signUp(t));
    await tasks.createTask({ title: "Before the stream" });
    await tasks.createTask({ title: "Also before" });
    const first = await open(tasks.user);
    await vi.waitFor(() => expect(first.lastEventId).toBe("2"));
    expect(await first.collectFor(100)).toEqual([]);
    first.close();

    const between = await tasks.createTask({ title: "Between two connections" });
    const again = await open(tasks.user, { "last-event-id": first.lastEventId ?? "" });
    const missed = await again.next();
    expect([missed.event, missed.id, dataOf(missed).id]).toEqual(["task.created", "3", between.id]);
  });

  it("sends reset (too-old) when the changes after Last-Event-ID were pruned, then continues from the reset's id", async () => {
    const tasks = tasksApi(t, await signUp(t));
    await tasks.createTask();
    await tasks.createTask();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const prune = new Housekeeping({
      db: t.database.handle.db,
      logger: createLogger("silent"),
      revocationRetentionSeconds: t.auth.revocations.rememberSeconds,
      taskChangeRetentionSeconds: 0,
    });
    while ((await prune.runOnce()).taskChanges > 0);

    const stream = await open(tasks.user, { "last-event-id": "1" });
    const reset = await stream.next();
    expect({ event: reset.event, id: reset.id, data: dataOf(reset) }).toEqual({
      event: "reset",
      id: "2",
      data: { reason: "too-old" },
    });
    await tasks.createTask();
    expect(await stream.next()).toMatchObject({ event: "task.created", id: "3" });
  });

  it("sends reset (too-old) for a Last-Event-ID this user never reached, or that is not a seq", async () => {
    const tasks = tasksApi(t, await signUp(t));
    await tasks.createTask();
    for (const lastEventId of ["99", "not-a-seq"]) {
      const stream = await open(tasks.user, { "last-event-id": lastEventId });
      expect(await stream.next()).toMatchObject({ event: "reset", id: "1", data: '{"reason":"too-old"}' });
      stream.close();
    }
  });

  it("sends reset (overflow) instead of replaying more than 1000 changes", async () => {
    const user = await signUp(t);
    await t.database.handle.db.execute(sql`
      insert into tasks (id, user_id, title, created_at, updated_at)
      select gen_random_uuid()::text, ${user.id}, 'Bulk ' || n, now(), now() from generate_series(1, 1001) n`);
    const stream = await open(user, { "last-event-id": "0" });
    expect(await stream.next()).toMatchObject({ event: "reset", id: "1001", data: '{"reason":"overflow"}' });
    expect(await stream.collectFor(200)).toEqual([]);
  });

  it("never shows one user's changes on another's stream", async () => {
    const alice = tasksApi(t, await signUp(t));
    const bob = tasksApi(t, await signUp(t));
    const bobs = await open(bob.user);
    const alices = await open(alice.user);
    const task = await alice.createTask({ title: "Alice's secret" });
    await alice.patch(task.id, { title: "Still Alice's" });
    await alice.remove(task.id);
    const events = await Promise.all([alices.next(), alices.next(), alices.next()]);
    // One event per change, in order. Each carries the task's state when it is sent (docs/api.md):
    // read after the delete committed, an earlier change arrives as task.deleted.
    expect(events.map((e) => Number(e.id))).toEqual([1, 2, 3].map((n) => Number(events[0]?.id) + n - 1));
    expect(events[0]?.event).toMatch(/^task\.(created|deleted)$/);
    expect(events[1]?.event).toMatch(/^task\.(updated|deleted)$/);
    expect(events[2]?.event).toBe("task.deleted");
    expect(await bobs.collectFor(500)).toEqual([]);
  });

  it("answers 403 for another user's stream and 401 without a valid token, before any stream", async () => {
    const alice = await signUp(t);
    const bob = await signUp(t);
    await expectProblem(
      await fetch(`${served.url}/api/${alice.id}/events`, { headers: bearer(bob.token) }),
      403,
      "forbidden",
    );
    await expectProblem(await fetch(`${served.url}/api/${alice.id}/events`), 401, "unauthorized");
    await expectProblem(
      await fetch(`${served.url}/api/${alice.id}/events`, { headers: bearer(`${alice.token}x`) }),
      401,
      "unauthorized",
    );
  });

  it("ends the stream within 2 seconds of the session's sign-out", async () => {
    const user = await signUp(t);
    const stream = await open(user);
    const signout = await t.request("/api/auth/signout", jsonRequest("POST", {}, bearer(user.token)));
    expect(signout.status).toBe(204);
    expect(await endsWithin(stream, 2_500)).toBe(true);
  });

  it("caps open streams at 10 per user: a burst of 12 gets 10 streams and two 429 with Retry-After", async () => {
    const user = await signUp(t);
    const other = await signUp(t);
    const opened = await Promise.all(Array.from({ length: 12 }, () => open(user)));
    const statuses = opened.map((s) => s.response.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    const refused = opened.filter((s) => s.response.status === 429);
    expect(refused).toHaveLength(2);
    for (const stream of refused) {
      expect(stream.response.headers.get("retry-after")).toBe("30");
      await expectProblem(stream.response, 429, "rate_limited");
    }
    // Another user is not affected, and closing one stream makes room for one more.
    expect((await open(other)).response.status).toBe(200);
    opened.find((s) => s.response.status === 200)?.close();
    let reopened = 0;
    for (let attempt = 0; attempt < 50 && reopened !== 200; attempt++) {
      const stream = await open(user);
      reopened = stream.response.status;
      if (reopened !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(reopened).toBe(200);
  });
});

describe("an access token's expiry", () => {
  let short: TestApp;
  let shortServed: ServedApp;
  beforeAll(async () => {
    short = await createTestApp({ env: { ACCESS_TOKEN_TTL: "2" }, livePingIntervalMs: 500 });
    shortServed = await serveOverHttp(short);
  });
  afterAll(async () => {
    await shortServed.close();
    await short.close();
  });

  it("ends the stream within 2 seconds of it, sending heartbeat comments (no events) while idle", async () => {
    const user = await signUp(short);
    const stream = await open(user, {}, shortServed);
    expect(stream.response.status).toBe(200);
    expect(await endsWithin(stream, 2_000 + 2_500)).toBe(true);
    expect(stream.comments).toBeGreaterThanOrEqual(1);
    await expect(stream.next(10)).rejects.toThrow(/ended/);
  });

  // Last in this block: it closes this app's live updates, as a server's shutdown does.
  it("ends every open stream at shutdown and refuses new ones with 503", async () => {
    const user = await signUp(short);
    const stream = await open(user, {}, shortServed);
    expect(stream.response.status).toBe(200);
    await short.live.close();
    expect(await endsWithin(stream, 1_000)).toBe(true);
    const refused = await fetch(`${shortServed.url}/api/${user.id}/events`, { headers: bearer(user.token) });
    await expectProblem(refused, 503, "server_busy");
  });
});

// Two processes on one database: only PostgreSQL serves more than one (TEST_DATABASE_URL).
if (process.env.TEST_DATABASE_URL) {
  describe("two app instances on one PostgreSQL database, each with its own pool and listener", () => {
    let second: TestApp;
    let secondServed: ServedApp;
    beforeAll(async () => {
      const url = t.database.url as string;
      const handle = await openDatabase({ databaseUrl: url, poolSize: 4 });
      second = await createTestApp({ database: { handle, url, destroy: () => handle.close() } });
      secondServed = await serveOverHttp(second);
    });
    afterAll(async () => {
      await secondServed.close();
      await second.close();
      await second.database.destroy();
    });

    /** The backends of this database's change listeners (one per instance with an open stream). */
    async function listenerPids(): Promise<number[]> {
      const result = await t.database.handle.db.execute(sql`
        select pid from pg_stat_activity
        where application_name = ${LISTENER_APPLICATION_NAME} and datname = current_database()`);
      return (result as unknown as { rows: { pid: number }[] }).rows.map((row) => row.pid);
    }

    it("delivers a change made through one instance to a stream on the other within a second", async () => {
      const tasks = tasksApi(t, await signUp(t));
      const stream = await open(tasks.user, {}, secondServed);
      await eventually(async () => (await listenerPids()).length >= 1);
      const task = await tasks.createTask({ title: "Made on the first" });
      const event = await stream.next(1_000);
      expect({ event: event.event, data: dataOf(event) }).toEqual({ event: "task.created", data: task });
    });

    it("loses no change when the listener's connection is killed: it reconnects and the log fills the gap", async () => {
      const tasks = tasksApi(t, await signUp(t));
      const stream = await open(tasks.user, {}, secondServed);
      await eventually(async () => (await listenerPids()).length >= 1);
      const before = await listenerPids();
      for (const pid of before) await t.database.handle.db.execute(sql`select pg_terminate_backend(${pid}::int)`);
      // Written while the second instance is not listening: no NOTIFY reaches it.
      const made = [await tasks.createTask({ title: "One" }), await tasks.createTask({ title: "Two" })];
      await tasks.patch(made[0]?.id ?? "", { title: "One, changed" });
      const events = [await stream.next(10_000), await stream.next(10_000), await stream.next(10_000)];
      expect(events.map((e) => [e.event, e.id])).toEqual([
        ["task.created", "1"],
        ["task.created", "2"],
        ["task.updated", "3"],
      ]);
      const after = await listenerPids();
      expect(after.length).toBeGreaterThanOrEqual(1);
      expect(after.filter((pid) => before.includes(pid))).toEqual([]);
      // And it is listening again: the next change arrives live.
      await tasks.remove(made[1]?.id ?? "");
      expect(await stream.next(1_000)).toMatchObject({ event: "task.deleted", id: "4" });
    });
  });
}

/** Waits until `check` holds, polling; fails after `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("the condition never held");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
