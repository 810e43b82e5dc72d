import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import type autocannon from "autocannon";
import type { BenchDatabase } from "./bench-database.js";
import {
  betterOf,
  type CeilingName,
  type Ceilings,
  HTTP_CONNECTIONS,
  measureCeiling,
  measureColdOpen,
  SIGNIN_CONNECTIONS,
} from "./ceilings.js";
import { BENCH_PASSWORD, createTaskBody, measuredUser, SEEDED_USERS, seededUser, writerUser } from "./fixture.js";
import { type LiveStreamsResult, liveStreams } from "./live-streams.js";
import { backgroundLoad, type LoadResult, type LoadTiming, runLoad } from "./load.js";
import { progress } from "./progress.js";
import { round2 } from "./report.js";
import { type MeasuredLoad, ServerProbe } from "./server-probe.js";
import { sleep, startServer } from "./server-process.js";
import { type OwnerUnderStorm, ownerUnderStorm } from "./signin-storm.js";

export const scenarioNames = [
  "health",
  "list",
  "create",
  "signin",
  "storm",
  "ownerstorm",
  "streams",
  "cluster",
  "coldstart",
] as const;
export type ScenarioName = (typeof scenarioNames)[number];

const COLD_STARTS = 3;
export const PROFILE_DIR = "bench-results/profiles";

export interface ScenarioRun {
  database: BenchDatabase;
  timing: LoadTiming;
  only: Set<ScenarioName>;
  profile: boolean;
  /** See ServerOptions.entry. */
  entry: string | undefined;
  authSecret: string;
}

/** A measured load, with the machine's 1-minute load average when it ended. */
export type Measured = MeasuredLoad & { load1: number };

/** What the server did; bench/score.ts compares it with the ceilings and the targets. */
export interface ServerMeasurements {
  health?: Measured;
  list?: Measured;
  create?: Measured;
  signin?: Measured;
  storm?: { list: Measured; signins: LoadResult };
  /** One owner signing in once a second while 2,000 strangers storm the sign-in. */
  ownerStorm?: OwnerUnderStorm;
  /** 1,000 open event streams: memory, delivery latency, and the list beside them. */
  streams?: LiveStreamsResult;
  /** Each scenario's ceiling, measured just before and just after it (the better of the two). */
  ceilings: Ceilings;
  peakRssMiB: number;
  /** Sorted start times, ms; absent when cold start was not measured. */
  coldStartsMs?: number[];
  /** Sorted times of a bare Node process opening the same database and answering one query, ms. */
  coldOpensMs?: number[];
  /** PostgreSQL only: the list on one process, then on WEB_CONCURRENCY=2, back to back. */
  cluster?: { one: LoadResult; two: LoadResult };
}

/** Starts the server, runs the chosen scenarios against it, then measures its cold start. */
export async function measureServer(run: ScenarioRun): Promise<ServerMeasurements> {
  const { database, timing, only } = run;
  // The owner storm's strangers come from many addresses, named in X-Forwarded-For.
  const env: Record<string, string> = {
    ...database.serverEnv,
    AUTH_SECRET: run.authSecret,
    TRUST_PROXY: "x-forwarded-for",
    // The create scenario adds tens of thousands of tasks to one user, far past the default quota.
    MAX_TASKS_PER_USER: "100000000",
  };
  // The streams scenario reads the server's heap from /api/metrics (its middleware then times every request).
  const metricsToken = only.has("streams") ? randomBytes(24).toString("hex") : undefined;
  if (metricsToken) env.METRICS_TOKEN = metricsToken;
  const nodeArgs = run.profile ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const server = await startServer({ env, nodeArgs, entry: run.entry });
  progress(`server ready in ${ms(server.readyAfterMs)} (pid ${server.pid}), RSS ${server.rssMiB().toFixed(0)} MiB`);
  const probe = new ServerProbe(server, timing);
  // Each line carries the load it was measured under: on a shared machine, that decides whether to trust it.
  const measure = async (name: string, options: autocannon.Options): Promise<Measured> => {
    const load = await probe.measure(name, options);
    progress(
      `${name}: ${load.rps.toFixed(0)}/s, p50 ${load.p50} ms, p99 ${load.p99} ms; server CPU ${load.cpuMsPerRequest.toFixed(3)} ms/request (main thread ${load.mainThreadMsPerRequest.toFixed(3)})`,
    );
    return { ...load, load1: round2(loadavg()[0] ?? 0) };
  };
  const measured: ServerMeasurements = { ceilings: {}, peakRssMiB: Number.NaN };
  // A scenario between two measurements of its ceiling, taken while the server is idle.
  const between = async <T>(name: CeilingName, scenario: () => Promise<T>): Promise<T> => {
    const before = await measureCeiling(database, name, timing);
    const result = await scenario();
    const after = await measureCeiling(database, name, timing);
    measured.ceilings = betterOf(measured.ceilings, betterOf(before, after));
    return result;
  };
  try {
    const client = new ApiClient(server.url);
    const owner = await client.signIn(measuredUser.email);
    const writer = await client.signIn(writerUser.email);
    const listOptions: autocannon.Options = {
      url: `${server.url}/api/${owner.userId}/tasks`,
      connections: HTTP_CONNECTIONS,
      headers: { authorization: `Bearer ${owner.token}` },
    };
    const signinOptions: autocannon.Options = {
      url: server.url,
      connections: SIGNIN_CONNECTIONS,
      requests: [signinRequest()],
    };
    if (only.has("health")) {
      measured.health = await between("health", () =>
        measure("health", { url: `${server.url}/api/health`, connections: HTTP_CONNECTIONS }),
      );
    }
    if (only.has("list") || only.has("storm") || only.has("streams"))
      measured.list = await between("list", () => measure("list", listOptions));
    if (only.has("streams"))
      measured.streams = await liveStreams(server, () => measure("list with streams", listOptions), metricsToken);
    if (only.has("create")) {
      measured.create = await between("create", () =>
        measure("create", {
          url: `${server.url}/api/${writer.userId}/tasks`,
          method: "POST",
          connections: HTTP_CONNECTIONS,
          headers: { authorization: `Bearer ${writer.token}`, "content-type": "application/json" },
          body: JSON.stringify(createTaskBody),
        }),
      );
    }
    if (only.has("signin")) measured.signin = await between("signin", () => measure("signin", signinOptions));
    if (only.has("storm")) {
      const storm = backgroundLoad(signinOptions);
      await sleep(1000);
      const list = await measure("storm", listOptions);
      const signins = await storm.stop();
      progress(`storm: ${signins.rps.toFixed(0)} sign-ins/s beside the list`);
      measured.storm = { list, signins };
    }
    if (only.has("ownerstorm")) {
      const result = await ownerUnderStorm(server.url, Math.max(10, timing.seconds));
      progress(
        `owner storm: owner p99 ${result.alone.p99} ms alone, ${result.storm.p99} ms in the storm; strangers ${JSON.stringify(result.strangers)}`,
      );
      measured.ownerStorm = result;
    }
  } finally {
    measured.peakRssMiB = server.peakRssMiB();
    progress(`peak RSS ${measured.peakRssMiB.toFixed(0)} MiB`);
    await server.stop();
    if (run.profile) probe.writeWindows(PROFILE_DIR);
  }
  if (only.has("cluster") && database.kind === "postgres") measured.cluster = await oneAndTwoProcesses(env, run);
  if (only.has("coldstart")) Object.assign(measured, await coldStarts(database, env, run.entry));
  return measured;
}

/**
 * The list on one server process and then on two (WEB_CONCURRENCY=2), back to back, so that both
 * meet the same machine. The client (autocannon), PostgreSQL and the servers share its cores.
 */
async function oneAndTwoProcesses(
  env: Record<string, string>,
  run: ScenarioRun,
): Promise<{ one: LoadResult; two: LoadResult }> {
  const listOn = async (workers: number) => {
    const server = await startServer({ env: { ...env, WEB_CONCURRENCY: String(workers) }, entry: run.entry });
    try {
      // /api/ready answers as soon as one worker listens; autocannon's connections, once open, stay
      // with the worker they reached. Wait until every worker has started and gone quiet.
      await untilStarted(server.pid, workers);
      const owner = await new ApiClient(server.url).signIn(measuredUser.email);
      return await runLoad(
        {
          url: `${server.url}/api/${owner.userId}/tasks`,
          connections: HTTP_CONNECTIONS,
          headers: { authorization: `Bearer ${owner.token}` },
        },
        run.timing,
      );
    } finally {
      await server.stop();
    }
  };
  const one = await listOn(1);
  const two = await listOn(2);
  progress(
    `list on one process ${one.rps.toFixed(0)}/s (p99 ${one.p99} ms), on two ${two.rps.toFixed(0)}/s (p99 ${two.p99} ms)`,
  );
  return { one, two };
}

/** Until `pid` has `workers` children (1: none) and the group used under 5 % of a core for half a second. */
async function untilStarted(pid: number, workers: number): Promise<void> {
  const children = () =>
    readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  const cpuOf = (id: number) => {
    try {
      const fields = readFileSync(`/proc/${id}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return 0;
    }
  };
  const groupCpu = () => [pid, ...children()].reduce((sum, id) => sum + cpuOf(id), 0);
  const deadline = performance.now() + 60_000;
  let before = groupCpu();
  while (performance.now() < deadline) {
    await sleep(500);
    const now = groupCpu();
    const started = workers === 1 || children().length >= workers;
    if (started && now - before < 25) return;
    before = now;
  }
  throw new Error(`the server's ${workers} workers did not settle within a minute`);
}

/**
 * Process start to the first 200 of /api/ready on the existing data, a few times, each beside its
 * ceiling: a bare Node process opening the same database and answering one query.
 */
async function coldStarts(
  database: BenchDatabase,
  env: Record<string, string>,
  entry: string | undefined,
): Promise<{ coldStartsMs: number[]; coldOpensMs: number[] }> {
  const starts: number[] = [];
  const opens: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    opens.push(await measureColdOpen(database));
    const server = await startServer({ env, entry });
    starts.push(server.readyAfterMs);
    await server.stop();
  }
  starts.sort((a, b) => a - b);
  opens.sort((a, b) => a - b);
  progress(`cold start: ${starts.map(ms).join(", ")}; bare open and one query: ${opens.map(ms).join(", ")}`);
  return { coldStartsMs: starts, coldOpensMs: opens };
}

function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

/** Sign-ins spread over the seeded users, always with the right password (failures are throttled). */
function signinRequest(): autocannon.Request {
  let next = 0;
  return {
    method: "POST",
    path: "/api/auth/signin",
    headers: { "content-type": "application/json" },
    setupRequest: (request) => {
      next = (next % SEEDED_USERS) + 1;
      return { ...request, body: JSON.stringify({ email: seededUser(next).email, password: BENCH_PASSWORD }) };
    },
  };
}

class ApiClient {
  constructor(private readonly url: string) {}

  async signIn(email: string): Promise<{ userId: string; token: string }> {
    const res = await fetch(`${this.url}/api/auth/signin`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: BENCH_PASSWORD }),
    });
    if (res.status !== 200) throw new Error(`sign-in of ${email} answered ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as { user: { id: string }; token: string };
    return { userId: body.user.id, token: body.token };
  }
}
