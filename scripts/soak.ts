// Load and soak run: hundreds of simulated users sign up, sign in, refresh, sign out and work on
// their lists against real server processes on this machine: one on PGlite, or two sharing one
// PostgreSQL database (--db postgres). At the end every user's list is checked against the
// client-side ledger of acknowledged writes. Fails (exit 1) on any 5xx, any unexpected status, a
// request left unanswered, a lost or torn write, a signed-out token still accepted, a server that
// died, or memory still climbing at the end of a run long enough to tell.
//
//   npm run soak -- --minutes 30                       # PGlite, 200 users
//   npm run soak -- --minutes 30 --db postgres         # two processes on one PostgreSQL
//   npm run soak -- --minutes 0.4 --users 200          # the CI smoke
//
// All traffic goes to 127.0.0.1: the servers listen there, and a --database-url on another host
// is refused. Simulated client addresses (198.18.0.0/15, the benchmarking range) exist only in
// the X-Forwarded-For header, so that each user has its own throttling bucket.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type ServerProcess, startServerProcess } from "../test/helpers/server-process.js";
import { TaskLedger } from "../test/helpers/task-ledger.js";
import { pick, randomStep, seededRandom, TaskClient } from "../test/helpers/task-workload.js";
import { adminQuery, withDatabase } from "./lib/postgres-admin.js";

const { values: args } = parseArgs({
  options: {
    minutes: { type: "string", default: "5" },
    db: { type: "string", default: "pglite" },
    users: { type: "string", default: "200" },
    processes: { type: "string" },
    "think-ms": { type: "string", default: "500" },
    "database-url": { type: "string" },
    seed: { type: "string" },
  },
});

const minutes = Number(args.minutes);
const userCount = Number(args.users);
const thinkMs = Number(args["think-ms"]);
const driver = args.db === "postgres" ? "postgres" : args.db === "pglite" ? "pglite" : undefined;
const processCount = Number(args.processes ?? (driver === "postgres" ? 2 : 1));
const seed = Number(args.seed ?? randomBytes(4).readUInt32LE());
if (!(minutes > 0) || !(userCount > 0) || !(thinkMs >= 0) || !driver || !(processCount >= 1)) {
  console.error("usage: soak --minutes N [--db pglite|postgres] [--users N] [--processes N] [--think-ms N]");
  process.exit(2);
}
if (driver === "pglite" && processCount !== 1) {
  console.error("soak: PGlite serves one process; use --db postgres for several");
  process.exit(2);
}

const durationMs = minutes * 60_000;
const REQUEST_TIMEOUT_MS = 15_000;
const PASSWORD = "soak test passphrase 4 all";
const random = seededRandom(seed);

// ---------------------------------------------------------------- measurements

const statusCounts = new Map<number, number>();
const unexpected: string[] = [];
const unanswered: string[] = [];
const latencies = new Uint32Array(60_001); // milliseconds, the last bucket is "60 s or more"
let requests = 0;

const MAX_SHED_RETRIES = 20;
let shedAndRetried = 0;

function isShed(
  outcome: { status: number; body: unknown; headers?: Headers } | { noAnswer: string },
): outcome is { status: number; body: unknown; headers?: Headers } {
  return "status" in outcome && outcome.status === 503 && (outcome.body as { code?: string })?.code === "server_busy";
}

function record(status: number | "none", started: number, what: string, expected: boolean, detail = ""): void {
  requests++;
  const bucket = Math.min(60_000, Math.round(performance.now() - started));
  latencies[bucket] = (latencies[bucket] ?? 0) + 1;
  if (status === "none") {
    unanswered.push(`${what}: ${detail}`);
    return;
  }
  statusCounts.set(status, (statusCounts.get(status) ?? 0) + 1);
  if (!expected) unexpected.push(`${what} -> ${status} ${detail.slice(0, 200)}`);
}

function percentile(p: number): number {
  const target = Math.ceil((p / 100) * requests);
  let seen = 0;
  for (let ms = 0; ms < latencies.length; ms++) {
    seen += latencies[ms] ?? 0;
    if (seen >= target) return ms;
  }
  return latencies.length - 1;
}

interface RssSample {
  atMs: number;
  mib: number[];
}
const rss: RssSample[] = [];

function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------- the system under test

interface Deployment {
  servers: ServerProcess[];
  cleanup(): Promise<void>;
}

function loopbackOnly(url: string): string {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "[::1]", "::1"].includes(host)) {
    throw new Error(`soak: the database must be on this machine (127.0.0.1), not ${host}`);
  }
  return url;
}

async function deploy(): Promise<Deployment> {
  const dataDir = mkdtempSync(join(tmpdir(), "taskvault-soak-"));
  const env = {
    DATA_DIR: dataDir,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    PUBLIC_URL: "http://localhost:3000",
    TRUST_PROXY: "x-forwarded-for",
    LOG_LEVEL: "warn",
  };
  if (driver === "pglite") {
    const server = await startServerProcess(env, 120_000);
    return {
      servers: [server],
      async cleanup() {
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = loopbackOnly(
    args["database-url"] ??
      process.env.SOAK_DATABASE_URL ??
      process.env.TEST_DATABASE_URL ??
      "postgres://postgres@127.0.0.1:5432/test",
  );
  const name = `tv_soak_${randomBytes(5).toString("hex")}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const databaseUrl = withDatabase(adminUrl, name);
  const cleanup = async () => {
    await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    // Started together, as a deployment would: they migrate and create the key under locks.
    const servers = await Promise.all(
      Array.from({ length: processCount }, () => startServerProcess({ ...env, DATABASE_URL: databaseUrl }, 120_000)),
    );
    return { servers, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

// ---------------------------------------------------------------- simulated users

interface SimUser {
  n: number;
  email: string;
  address: string;
  id: string;
  token: string;
  refreshToken: string;
  ledger: TaskLedger;
  random: () => number;
}

const revokedTokens: string[] = [];
let steps = 0;

async function call(
  servers: ServerProcess[],
  user: Pick<SimUser, "address" | "random">,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; headers?: Headers } | { noAnswer: string }> {
  const server = pick(user.random, servers);
  try {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        "x-forwarded-for": user.address,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  } catch (error) {
    return { noAnswer: error instanceof Error ? error.message : String(error) };
  }
}

/** One auth call, counted; returns the body on the expected status, else undefined. */
async function authCall(
  servers: ServerProcess[],
  user: Pick<SimUser, "address" | "random">,
  what: string,
  path: string,
  body: unknown,
  expectedStatus: number,
  headers: Record<string, string> = {},
): Promise<Record<string, unknown> | undefined> {
  let started = performance.now();
  let outcome = await call(servers, user, "POST", path, body, headers);
  // A sign-in or sign-up the server shed (503 server_busy, its hash queue full) is retried after
  // Retry-After, as a real client does; it is counted apart, since shedding is the server's
  // documented answer to a burst, not a failure.
  for (let attempt = 0; attempt < MAX_SHED_RETRIES && isShed(outcome); attempt++) {
    shedAndRetried++;
    const retryAfter = Number(outcome.headers?.get("retry-after") ?? 1);
    await sleep(retryAfter * 1000 * (0.5 + user.random()));
    started = performance.now();
    outcome = await call(servers, user, "POST", path, body, headers);
  }
  if ("noAnswer" in outcome) {
    record("none", started, what, false, outcome.noAnswer);
    return undefined;
  }
  const ok = outcome.status === expectedStatus;
  record(outcome.status, started, what, ok, JSON.stringify(outcome.body));
  return ok ? ((outcome.body ?? {}) as Record<string, unknown>) : undefined;
}

async function signUp(servers: ServerProcess[], n: number): Promise<SimUser | undefined> {
  const user = {
    n,
    email: `soak-${n}-${randomBytes(4).toString("hex")}@example.com`,
    address: `198.18.${(n >> 8) & 255}.${n & 255}`,
    random: seededRandom(Math.floor(random() * 2 ** 32)),
  };
  const body = await authCall(
    servers,
    user,
    "signup",
    "/api/auth/signup",
    { email: user.email, password: PASSWORD },
    201,
  );
  if (!body) return undefined;
  const { id } = body.user as { id: string };
  return {
    ...user,
    id,
    token: body.token as string,
    refreshToken: body.refreshToken as string,
    ledger: new TaskLedger(),
  };
}

async function userLoop(
  servers: ServerProcess[],
  n: number,
  startAt: number,
  deadline: number,
): Promise<SimUser | undefined> {
  await sleep(startAt - performance.now());
  const user = await signUp(servers, n);
  if (!user) return undefined;
  while (performance.now() < deadline) {
    await sleep(user.random() * 2 * thinkMs);
    if (performance.now() >= deadline) break;
    const roll = user.random();
    if (roll < 0.08) {
      const body = await authCall(
        servers,
        user,
        "refresh",
        "/api/auth/refresh",
        { refreshToken: user.refreshToken },
        200,
      );
      // The refresh token rotates: keep the new one (the old one, reused later, would end the session).
      if (body) {
        user.token = body.token as string;
        user.refreshToken = body.refreshToken as string;
      }
    } else if (roll < 0.1) {
      // A new session: sign out (revoking this token everywhere), then sign in again.
      const out = await authCall(servers, user, "signout", "/api/auth/signout", undefined, 204, {
        authorization: `Bearer ${user.token}`,
      });
      if (out) revokedTokens.push(user.token);
      const body = await authCall(
        servers,
        user,
        "signin",
        "/api/auth/signin",
        { email: user.email, password: PASSWORD },
        200,
      );
      if (!body) return user;
      user.token = body.token as string;
      user.refreshToken = body.refreshToken as string;
    } else if (roll < 0.14) {
      const started = performance.now();
      const outcome = await call(servers, user, "GET", "/api/auth/me", undefined, {
        authorization: `Bearer ${user.token}`,
      });
      if ("noAnswer" in outcome) record("none", started, "me", false, outcome.noAnswer);
      else record(outcome.status, started, "me", outcome.status === 200, JSON.stringify(outcome.body));
    } else {
      const started = performance.now();
      const client = new TaskClient({
        baseUrl: pick(user.random, servers).url,
        userId: user.id,
        token: user.token,
        timeoutMs: REQUEST_TIMEOUT_MS,
        headers: { "x-forwarded-for": user.address },
      });
      const step = await randomStep(client, user.ledger, user.random, `s${n}-${steps++}`, { reads: true });
      if ("noAnswer" in step.outcome) record("none", started, step.kind, false, step.outcome.noAnswer);
      else record(step.outcome.status, started, step.kind, step.expected, JSON.stringify(step.outcome.body));
    }
  }
  return user;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

// ---------------------------------------------------------------- checks at the end

async function verifyLedgers(servers: ServerProcess[], users: SimUser[]): Promise<string[]> {
  const problems: string[] = [];
  for (const user of users) {
    const client = new TaskClient({
      baseUrl: pick(random, servers).url,
      userId: user.id,
      token: user.token,
      timeoutMs: 60_000,
      headers: { "x-forwarded-for": user.address },
    });
    const tasks = await client.listAll();
    if (!Array.isArray(tasks)) problems.push(`listing ${user.email} failed: ${JSON.stringify(tasks)}`);
    else problems.push(...user.ledger.verify(tasks).map((p) => `${user.email}: ${p}`));
  }
  return problems;
}

async function verifyRevocations(servers: ServerProcess[]): Promise<string[]> {
  const problems: string[] = [];
  for (const token of revokedTokens.slice(-50)) {
    for (const server of servers) {
      const res = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 401) problems.push(`a signed-out token got ${res.status} from ${server.url}`);
    }
  }
  return problems;
}

/**
 * Whether memory levelled off: after a warm-up (the first 30% of the run), the peak of the last
 * third may exceed the peak of the first third by at most 10% (or 24 MiB), or else must at least
 * be growing at under a quarter of the earlier rate. Runs with fewer than 30 samples after the
 * warm-up are too short to tell.
 */
function memoryVerdict(series: number[]): { judged: boolean; ok: boolean; text: string } {
  const settled = series.slice(Math.floor(series.length * 0.3));
  if (settled.length < 30) return { judged: false, ok: true, text: "not judged (run too short to show a trend)" };
  const third = Math.floor(settled.length / 3);
  const [a, b, c] = [settled.slice(0, third), settled.slice(third, 2 * third), settled.slice(2 * third)];
  const peak = (xs: number[]) => Math.max(...xs);
  const growth = peak(c) - peak(a);
  const earlier = peak(b) - peak(a);
  const later = peak(c) - peak(b);
  const ok = growth <= Math.max(24, peak(a) * 0.1) || later <= Math.max(0, earlier) * 0.25;
  return {
    judged: true,
    ok,
    text: `peaks by thirds after warm-up ${[a, b, c].map((xs) => peak(xs).toFixed(0)).join(" / ")} MiB: ${ok ? "levelled off" : "STILL GROWING"}`,
  };
}

// ---------------------------------------------------------------- the run

async function main(): Promise<number> {
  const hardStop = setTimeout(() => {
    console.error("soak: did not finish in time, giving up");
    process.exit(1);
  }, durationMs + 300_000);
  hardStop.unref();

  console.log(
    `soak: ${minutes} min, ${driver}, ${processCount} process(es), ${userCount} users, think ${thinkMs} ms, seed ${seed}`,
  );
  const deployment = await deploy();
  const { servers } = deployment;
  const died: string[] = [];
  for (const server of servers) {
    server.exited.then((code) => {
      if (!stopping) died.push(`${server.url} exited with ${code}: ${server.stderr().slice(-500)}`);
    });
  }
  let stopping = false;
  const started = performance.now();
  const sampler = setInterval(() => {
    rss.push({ atMs: performance.now() - started, mib: servers.map((s) => rssMiB(s.child.pid)) });
  }, 1_000);

  // Sign-ups are spread over the first quarter of the run (at most 10 s), as users arrive.
  const deadline = started + durationMs;
  const ramp = Math.min(10_000, durationMs / 4);
  const loops = Array.from({ length: userCount }, (_, n) =>
    userLoop(servers, n, started + (n / userCount) * ramp, deadline),
  );
  const users = (await Promise.all(loops)).filter((u): u is SimUser => u !== undefined);
  const loadSeconds = (performance.now() - started) / 1000;
  clearInterval(sampler);

  const lost = await verifyLedgers(servers, users);
  const stillAccepted = await verifyRevocations(servers);
  stopping = true;
  const exits = await Promise.all(servers.map((s) => s.stop("SIGTERM")));
  await deployment.cleanup();

  const fivexx = [...statusCounts].filter(([s]) => s >= 500).reduce((sum, [, n]) => sum + n, 0);
  const memory = servers.map((_, i) => memoryVerdict(rss.map((sample) => sample.mib[i] ?? 0)));
  const acknowledged = users.reduce((sum, u) => sum + u.ledger.acknowledged, 0);
  const failures = [
    ...(fivexx > 0 ? [`${fivexx} responses with a 5xx status`] : []),
    ...(unexpected.length > 0
      ? [`${unexpected.length} unexpected statuses, e.g. ${unexpected.slice(0, 5).join(" | ")}`]
      : []),
    ...(unanswered.length > 0
      ? [`${unanswered.length} requests unanswered, e.g. ${unanswered.slice(0, 3).join(" | ")}`]
      : []),
    ...(users.length < userCount ? [`${userCount - users.length} users could not sign up`] : []),
    ...lost.slice(0, 10).map((p) => `lost or torn write: ${p}`),
    ...stillAccepted.slice(0, 5),
    ...died,
    ...exits.filter((code) => code !== 0).map((code) => `a server did not stop cleanly (exit ${code})`),
    ...memory.filter((m) => !m.ok).map((m) => `memory: ${m.text}`),
  ];

  const line = (label: string, value: string) => console.log(`  ${label.padEnd(22)} ${value}`);
  console.log("\nsoak summary");
  line("database", `${driver}, ${servers.length} server process(es)`);
  line("users", `${users.length} of ${userCount} signed up`);
  line("load", `${loadSeconds.toFixed(1)} s, ${requests} requests, ${(requests / loadSeconds).toFixed(0)} req/s`);
  line(
    "statuses",
    [...statusCounts]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}: ${n}`)
      .join(", "),
  );
  line("5xx", String(fivexx));
  line("shed, retried", `${shedAndRetried} sign-ins or sign-ups answered 503 server_busy and retried`);
  line("unexpected statuses", String(unexpected.length));
  line("unanswered", String(unanswered.length));
  line("latency", `p50 ${percentile(50)} ms, p95 ${percentile(95)} ms, p99 ${percentile(99)} ms`);
  line("acknowledged writes", `${acknowledged}, ${lost.length} lost or torn (ledger check of every list)`);
  line(
    "revoked tokens",
    `${Math.min(50, revokedTokens.length)} checked on every process, ${stillAccepted.length} accepted`,
  );
  servers.forEach((_, i) => {
    const series = rss.map((sample) => sample.mib[i] ?? 0).filter((v) => v > 0);
    const stats = series.length
      ? `start ${series[0]?.toFixed(0)}, peak ${Math.max(...series).toFixed(0)}, end ${series.at(-1)?.toFixed(0)} MiB`
      : "no samples";
    line(`rss process ${i + 1}`, `${stats}; ${memory[i]?.text}`);
  });
  line("seed", String(seed));
  console.log(failures.length === 0 ? "\nsoak: PASSED" : `\nsoak: FAILED\n  - ${failures.join("\n  - ")}`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`soak: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
