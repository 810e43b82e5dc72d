import { BENCH_PASSWORD, createTaskBody, seededUser } from "./fixture.js";
import { progress } from "./progress.js";
import type { Measured } from "./scenarios.js";
import { type BenchServer, sleep } from "./server-process.js";

/** Issue 12: this many streams open at once, this many per user (the server's per-user cap). */
export const OPEN_STREAMS = 1_000;
const STREAMS_PER_USER = 10;
const STREAM_USERS = OPEN_STREAMS / STREAMS_PER_USER;
/** Tasks created per second while the streams are open, spread round-robin over their users. */
export const CREATES_PER_SECOND = 50;
const CREATE_SECONDS = 10;
/** Quiet time after opening the streams (and after the creates) before reading memory or results. */
const SETTLE_MS = 3_000;
/** Streams opened at once: a burst of 1,000 connections measures the kernel's accept queue, not the server. */
const OPEN_CONCURRENCY = 50;

export interface LiveStreamsResult {
  streams: number;
  users: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  /** V8's used heap from /api/metrics, MiB; absent without METRICS_TOKEN. */
  heapBeforeMiB?: number;
  heapAfterMiB?: number;
  /** Create's 201 → the task.created event on each of that user's streams, ms. */
  delivery: {
    p50: number;
    p99: number;
    max: number;
    samples: number;
    /** Events that arrived before the create's 201 reached the client (counted as 0 ms). */
    beforeResponse: number;
    /** Deliveries expected (creates × streams of the user) that never came. */
    missing: number;
    creates: number;
    createFailures: number;
    /** Ticks skipped because that user's previous create had not answered yet. */
    skipped: number;
  };
  /** The list measured while every stream is open. */
  list: Measured;
}

interface StreamUser {
  userId: string;
  token: string;
  /** The 201 times of this user's creates, in order (performance.now()). */
  created: number[];
  busy: boolean;
}

/** One open stream: when each task.created arrived, in order. */
interface OpenStream {
  user: StreamUser;
  arrivals: number[];
  ended: boolean;
}

/**
 * 1,000 event streams (GET /api/{userId}/events, 10 for each of 100 seeded users) held open by
 * this process: the server's RSS before and after opening them, idle, gives the memory per idle
 * stream; then tasks are created at a steady rate and each task.created is timed from the create's
 * 201 to its arrival on every stream of that user; then `measureList` runs with the streams open.
 * Sign-ins happen first, outside every measured part.
 */
export async function liveStreams(
  server: BenchServer,
  measureList: () => Promise<Measured>,
  metricsToken: string | undefined,
): Promise<LiveStreamsResult> {
  const users = await signInStreamUsers(server.url);
  const heap = () => (metricsToken ? heapUsedMiB(server.url, metricsToken) : Promise.resolve(undefined));
  await sleep(SETTLE_MS);
  const rssBeforeMiB = server.rssMiB();
  const heapBeforeMiB = await heap();
  const controller = new AbortController();
  const streams: OpenStream[] = [];
  try {
    const slots = users.flatMap((user) => Array.from({ length: STREAMS_PER_USER }, () => user));
    for (let i = 0; i < slots.length; i += OPEN_CONCURRENCY) {
      const batch = slots.slice(i, i + OPEN_CONCURRENCY);
      streams.push(...(await Promise.all(batch.map((user) => openStream(server.url, user, controller.signal)))));
    }
    await sleep(SETTLE_MS);
    const rssAfterMiB = server.rssMiB();
    const heapAfterMiB = await heap();
    progress(
      `streams: ${streams.length} open; server RSS ${rssBeforeMiB.toFixed(1)} → ${rssAfterMiB.toFixed(1)} MiB${
        heapBeforeMiB === undefined || heapAfterMiB === undefined
          ? ""
          : `, heap ${heapBeforeMiB.toFixed(1)} → ${heapAfterMiB.toFixed(1)} MiB`
      }`,
    );
    const delivery = await createAtSteadyRate(server.url, users, streams);
    progress(
      `streams: delivery p50 ${delivery.p50} ms, p99 ${delivery.p99} ms over ${delivery.samples} deliveries of ${delivery.creates} creates; ${delivery.missing} missing`,
    );
    const ended = streams.filter((s) => s.ended).length;
    if (ended > 0) throw new Error(`${ended} of the ${streams.length} streams ended before the list was measured`);
    const list = await measureList();
    return {
      streams: streams.length,
      users: users.length,
      rssBeforeMiB,
      rssAfterMiB,
      ...(heapBeforeMiB === undefined ? {} : { heapBeforeMiB }),
      ...(heapAfterMiB === undefined ? {} : { heapAfterMiB }),
      delivery,
      list,
    };
  } finally {
    controller.abort();
  }
}

/**
 * Signs in the streaming users (seeded users 2–101: user 1 is the create scenario's writer), a few
 * at a time, each from an address of its own: the sign-in throttle counts per address.
 */
async function signInStreamUsers(url: string): Promise<StreamUser[]> {
  const users: StreamUser[] = [];
  for (let i = 0; i < STREAM_USERS; i += 4) {
    const batch = Array.from({ length: Math.min(4, STREAM_USERS - i) }, (_, j) => i + j);
    users.push(
      ...(await Promise.all(
        batch.map(async (n) => {
          const { email } = seededUser(n + 2);
          const res = await fetch(`${url}/api/auth/signin`, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              // 198.18.0.0/15: the range set aside for benchmarks (RFC 2544).
              "x-forwarded-for": `198.19.${(n >> 8) & 255}.${n & 255}`,
            },
            body: JSON.stringify({ email, password: BENCH_PASSWORD }),
          });
          if (res.status !== 200) throw new Error(`sign-in of ${email} answered ${res.status}: ${await res.text()}`);
          const body = (await res.json()) as { user: { id: string }; token: string };
          return { userId: body.user.id, token: body.token, created: [], busy: false };
        }),
      )),
    );
  }
  return users;
}

/** Opens one stream and reads it in the background until aborted, noting each task.created's arrival. */
async function openStream(url: string, user: StreamUser, signal: AbortSignal): Promise<OpenStream> {
  const res = await fetch(`${url}/api/${user.userId}/events`, {
    headers: { authorization: `Bearer ${user.token}`, accept: "text/event-stream" },
    signal,
  });
  if (res.status !== 200 || !res.body) throw new Error(`a stream of ${user.userId} answered ${res.status}`);
  const stream: OpenStream = { user, arrivals: [], ended: false };
  void readEvents(res.body, stream).catch(() => {});
  return stream;
}

/** Only the `event:` lines matter here: a task.created is timed when its blank line arrives. */
async function readEvents(body: ReadableStream<Uint8Array>, stream: OpenStream): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  let event = "";
  try {
    for await (const chunk of body) {
      const now = performance.now();
      pending += decoder.decode(chunk, { stream: true });
      let newline = pending.indexOf("\n");
      while (newline >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line === "") {
          if (event === "task.created") stream.arrivals.push(now);
          event = "";
        } else if (line.startsWith("event:")) {
          event = line.slice("event:".length).trim();
        }
        newline = pending.indexOf("\n");
      }
    }
  } finally {
    stream.ended = true;
  }
}

/**
 * Creates tasks at CREATES_PER_SECOND for CREATE_SECONDS, round-robin over the users, one create
 * per user at a time (so the k-th task.created on a user's streams is the k-th 201), then matches
 * each arrival with its create.
 */
async function createAtSteadyRate(
  url: string,
  users: StreamUser[],
  streams: OpenStream[],
): Promise<LiveStreamsResult["delivery"]> {
  let createFailures = 0;
  let skipped = 0;
  const inFlight = new Set<Promise<void>>();
  const interval = 1000 / CREATES_PER_SECOND;
  const started = performance.now();
  const ticks = CREATES_PER_SECOND * CREATE_SECONDS;
  for (let tick = 0; tick < ticks; tick++) {
    // Against the schedule, not the previous tick: a late timer does not lower the rate.
    const wait = started + tick * interval - performance.now();
    if (wait > 0) await sleep(wait);
    const user = users[tick % users.length];
    if (!user) continue;
    if (user.busy) {
      skipped++;
      continue;
    }
    user.busy = true;
    const create = (async () => {
      try {
        const res = await fetch(`${url}/api/${user.userId}/tasks`, {
          method: "POST",
          headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" },
          body: JSON.stringify(createTaskBody),
        });
        const answered = performance.now();
        await res.arrayBuffer();
        if (res.status === 201) user.created.push(answered);
        else createFailures++;
      } catch {
        createFailures++;
      } finally {
        user.busy = false;
      }
    })();
    inFlight.add(create);
    void create.finally(() => inFlight.delete(create));
  }
  await Promise.all(inFlight);
  await sleep(SETTLE_MS);
  const latencies: number[] = [];
  let beforeResponse = 0;
  let missing = 0;
  for (const stream of streams) {
    const { created } = stream.user;
    created.forEach((at, k) => {
      const arrived = stream.arrivals[k];
      if (arrived === undefined) {
        missing++;
        return;
      }
      if (arrived < at) beforeResponse++;
      latencies.push(Math.max(0, arrived - at));
    });
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? Number.NaN;
  const round1 = (n: number) => Math.round(n * 10) / 10;
  return {
    p50: round1(at(0.5)),
    p99: round1(at(0.99)),
    max: round1(latencies.at(-1) ?? Number.NaN),
    samples: latencies.length,
    beforeResponse,
    missing,
    creates: users.reduce((sum, u) => sum + u.created.length, 0),
    createFailures,
    skipped,
  };
}

/** V8's used heap as the server reports it (prom-client's nodejs_heap_size_used_bytes), MiB. */
async function heapUsedMiB(url: string, token: string): Promise<number | undefined> {
  const res = await fetch(`${url}/api/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) {
    await res.arrayBuffer();
    return undefined;
  }
  const match = /^nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)/m.exec(await res.text());
  return match ? Number(match[1]) / 2 ** 20 : undefined;
}
