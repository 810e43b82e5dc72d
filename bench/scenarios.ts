import { loadavg } from "node:os";
import type autocannon from "autocannon";
import type { BenchDatabase } from "./bench-database.js";
import { type Ceilings, HTTP_CONNECTIONS, SIGNIN_CONNECTIONS } from "./ceilings.js";
import { BENCH_PASSWORD, createTaskBody, measuredUser, SEEDED_USERS, seededUser, writerUser } from "./fixture.js";
import { backgroundLoad, type LoadResult, type LoadTiming } from "./load.js";
import { progress } from "./progress.js";
import { round2, type ScenarioResult } from "./report.js";
import { type MeasuredLoad, ServerProbe } from "./server-probe.js";
import { type BenchServer, sleep, startServer } from "./server-process.js";

export const scenarioNames = ["health", "list", "create", "signin", "storm", "coldstart"] as const;
export type ScenarioName = (typeof scenarioNames)[number];

const COLD_STARTS = 3;
export const PROFILE_DIR = "bench-results/profiles";

/** The targets; the database decides a few of them. */
function targetsFor(db: BenchDatabase["kind"]) {
  return {
    health: 0.55,
    list: db === "pglite" ? 0.8 : 0.7,
    listP99Ms: 50,
    create: 0.7,
    signin: 0.8,
    stormP99Factor: 2,
    coldStartMs: db === "pglite" ? 1000 : undefined,
    peakRssMiB: db === "pglite" ? 500 : 200,
  };
}

export interface ScenarioRun {
  database: BenchDatabase;
  ceilings: Ceilings;
  timing: LoadTiming;
  only: Set<ScenarioName>;
  profile: boolean;
  /** See ServerOptions.entry. */
  entry: string | undefined;
  authSecret: string;
}

/** Starts the server, runs the chosen scenarios against it, then measures its cold start. */
export async function runScenarios(run: ScenarioRun): Promise<ScenarioResult[]> {
  const { database, ceilings, timing, only } = run;
  const targets = targetsFor(database.kind);
  const env = { ...database.serverEnv, AUTH_SECRET: run.authSecret };
  const nodeArgs = run.profile ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const results: ScenarioResult[] = [];
  // Each line carries the load it was measured under: on a shared machine, that decides whether to trust it.
  const record = (result: ScenarioResult) => {
    results.push({ ...result, load1: round2(loadavg()[0] ?? 0) });
  };
  const server = await startServer({ env, nodeArgs, entry: run.entry });
  progress(`server ready in ${server.readyAfterMs.toFixed(0)} ms (pid ${server.pid})`);
  const probe = new ServerProbe(server, timing);
  try {
    const client = new ApiClient(server.url);
    const measured = await client.signIn(measuredUser.email);
    const writer = await client.signIn(writerUser.email);
    const listOptions: autocannon.Options = {
      url: `${server.url}/api/${measured.userId}/tasks`,
      connections: HTTP_CONNECTIONS,
      headers: { authorization: `Bearer ${measured.token}` },
    };
    const signinOptions: autocannon.Options = {
      url: server.url,
      connections: SIGNIN_CONNECTIONS,
      requests: [signinRequest()],
    };

    if (only.has("health") && ceilings.http) {
      const load = await probe.measure("health", { url: `${server.url}/api/health`, connections: HTTP_CONNECTIONS });
      record(throughput("GET /api/health", load, { rps: ceilings.http }, targets.health, "bare node:http, same JSON"));
    }
    let listAlone: LoadResult | undefined;
    if ((only.has("list") || only.has("storm")) && ceilings.list) {
      const load = await probe.measure("list", listOptions);
      listAlone = load;
      const name = "GET /api/{userId}/tasks (50 tasks)";
      const row = throughput(name, load, comparableCpu(database, ceilings.list), targets.list, rawNote(database));
      row.target += `, p99 ≤ ${targets.listP99Ms} ms`;
      row.pass &&= load.p99 <= targets.listP99Ms;
      if (only.has("list")) record(row);
    }
    if (only.has("create") && ceilings.insert) {
      const load = await probe.measure("create", {
        url: `${server.url}/api/${writer.userId}/tasks`,
        method: "POST",
        connections: HTTP_CONNECTIONS,
        headers: { authorization: `Bearer ${writer.token}`, "content-type": "application/json" },
        body: JSON.stringify(createTaskBody),
      });
      const ceiling = comparableCpu(database, ceilings.insert);
      record(throughput("POST /api/{userId}/tasks", load, ceiling, targets.create, rawNote(database)));
    }
    if (only.has("signin") && ceilings.hash) {
      const load = await probe.measure("signin", signinOptions);
      const note = `argon2id verify alone, ${SIGNIN_CONNECTIONS} callers (${ceilings.hash.msPerHash.toFixed(1)} ms each alone)`;
      record(throughput("POST /api/auth/signin (10 conns)", load, ceilings.hash, targets.signin, note));
    }
    if (only.has("storm") && listAlone) {
      const storm = backgroundLoad(signinOptions);
      await sleep(1000);
      const load = await probe.measure("storm", listOptions);
      const signins = await storm.stop();
      const ratio = load.p99 / listAlone.p99;
      progress(`list beside the storm: ${load.rps.toFixed(0)}/s, p99 ${load.p99} ms (${ratio.toFixed(2)}× alone)`);
      record({
        name: "list p99 during a sign-in storm",
        rps: load.rps,
        p50: load.p50,
        p99: load.p99,
        ceiling: listAlone.p99,
        ratio,
        target: `p99 ≤ ${targets.stormP99Factor}× alone`,
        pass: ratio <= targets.stormP99Factor && load.failures === 0 && signins.failures === 0,
        note: `ceiling: the list's p99 alone (ms); ${signins.rps.toFixed(0)} sign-ins/s beside it${failuresNote(signins)}${failuresNote(load)}`,
      });
    }
  } finally {
    record(peakRss(server, targets.peakRssMiB));
    await server.stop();
    if (run.profile) probe.writeWindows(PROFILE_DIR);
  }
  if (only.has("coldstart")) record(await coldStart(env, run.entry, targets.coldStartMs));
  return results;
}

function throughput(
  name: string,
  load: MeasuredLoad,
  ceiling: { rps: number; cpuMs?: number },
  target: number,
  note: string,
): ScenarioResult {
  const ratio = load.rps / ceiling.rps;
  // CPU per request against CPU per ceiling call: what the ratio would be with a core to itself.
  const cpuRatio =
    ceiling.cpuMs === undefined ? "" : `, CPU ratio ${(ceiling.cpuMs / load.cpuMsPerRequest).toFixed(2)}`;
  progress(
    `${name}: ${load.rps.toFixed(0)}/s, p99 ${load.p99} ms, ${ratio.toFixed(2)} of ${ceiling.rps.toFixed(0)}/s; server CPU ${load.cpuMsPerRequest.toFixed(3)} ms/request (main thread ${load.mainThreadMsPerRequest.toFixed(3)})${cpuRatio}`,
  );
  return {
    name,
    rps: load.rps,
    p50: load.p50,
    p99: load.p99,
    ceiling: ceiling.rps,
    ratio,
    target: `≥ ${target.toFixed(2)}`,
    pass: ratio >= target && load.failures === 0,
    serverCpuMsPerRequest: round2(load.cpuMsPerRequest * 1000) / 1000,
    serverMainThreadMsPerRequest: round2(load.mainThreadMsPerRequest * 1000) / 1000,
    note: `ceiling: ${note}${failuresNote(load)}`,
  };
}

// With PostgreSQL, the database's CPU is spent in its own processes, on neither side of the ratio.
function comparableCpu(database: BenchDatabase, rate: { rps: number; cpuMs: number }) {
  return database.kind === "pglite" ? rate : { rps: rate.rps };
}

function failuresNote(load: LoadResult): string {
  return load.failures > 0 ? `; ${load.failures} FAILED requests` : "";
}

function rawNote(database: BenchDatabase): string {
  return database.kind === "pglite"
    ? "raw PGlite, same SQL, one caller"
    : "raw pg, same SQL prepared, pool of 10, 16 callers";
}

function peakRss(server: BenchServer, targetMiB: number): ScenarioResult {
  const mib = server.peakRssMiB();
  progress(`peak RSS ${mib.toFixed(0)} MiB`);
  return {
    name: "peak RSS of the server",
    rps: null,
    p50: null,
    p99: null,
    ceiling: null,
    ratio: null,
    target: `≤ ${targetMiB} MiB`,
    pass: mib <= targetMiB,
    value: mib,
    unit: "MiB",
  };
}

/** Process start to the first 200 of /api/ready on the existing data, the median of a few starts. */
async function coldStart(
  env: Record<string, string>,
  entry: string | undefined,
  targetMs: number | undefined,
): Promise<ScenarioResult> {
  const times: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    const server = await startServer({ env, entry });
    times.push(server.readyAfterMs);
    await server.stop();
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? Number.NaN;
  progress(`cold start: ${times.map((t) => t.toFixed(0)).join(", ")} ms`);
  return {
    name: "cold start to /api/ready",
    rps: null,
    p50: null,
    p99: null,
    ceiling: null,
    ratio: null,
    target: targetMs === undefined ? "— (PGlite only)" : `≤ ${targetMs} ms`,
    pass: targetMs === undefined || median <= targetMs,
    value: median,
    unit: "ms",
    note: `median of ${COLD_STARTS} starts: ${times.map((t) => t.toFixed(0)).join(", ")} ms`,
  };
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
