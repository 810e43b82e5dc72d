import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";

export interface BenchServer {
  url: string;
  pid: number;
  /** performance.now() of the orchestrator when the process was spawned. */
  spawnedAt: number;
  /** Milliseconds from spawn to the first 200 of /api/ready. */
  readyAfterMs: number;
  /** The process's peak resident set (VmHWM), in MiB; read it before stopping. */
  peakRssMiB(): number;
  /** Its resident set now (VmRSS), in MiB. */
  rssMiB(): number;
  /** CPU time used so far (user + system), ms: all threads, and the main (event-loop) thread. */
  cpuMs(): { all: number; main: number };
  /** SIGTERM, then waits for the exit (the server finishes in-flight requests and closes the database). */
  stop(): Promise<void>;
}

export interface ServerOptions {
  env: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** Another entry than the built server that `npm start` runs (e.g. `--import tsx src/server/main.ts`). */
  entry?: string | undefined;
  timeoutMs?: number;
}

/** Starts the real server (as `npm start` does: dist/server/main.mjs) as its own process; waits until it is ready. */
export async function startServer(options: ServerOptions): Promise<BenchServer> {
  const port = await freePort();
  const started = performance.now();
  const entry = options.entry ? options.entry.split(" ") : ["dist/server/main.mjs"];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...entry], {
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...options.env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = started + (options.timeoutMs ?? 30_000);
  while (!(await isReady(url))) {
    if (child.exitCode !== null || performance.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the server did not become ready:\n${output}`);
    }
    await sleep(5);
  }
  const readyAfterMs = performance.now() - started;
  const pid = pidOf(child);
  return {
    url,
    pid,
    spawnedAt: started,
    readyAfterMs,
    peakRssMiB: () => statusMiB(pid, "VmHWM"),
    rssMiB: () => statusMiB(pid, "VmRSS"),
    cpuMs: () => ({ all: cpuMs(`/proc/${pid}/stat`), main: cpuMs(`/proc/${pid}/task/${pid}/stat`) }),
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error("the server process has no pid");
  return child.pid;
}

/** VmHWM is the high-water mark of the resident set, kept by the kernel for the process's life. */
function statusMiB(pid: number, field: "VmHWM" | "VmRSS"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return kib / 1024;
}

// Fields 14 and 15 of /proc/<pid>/stat (or of one thread's), in clock ticks (100 per second on Linux).
function cpuMs(statFile: string): number {
  const stat = readFileSync(statFile, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

// node:http rather than fetch: a refused connection comes back at once, and no keep-alive
// socket is left behind in the orchestrator.
function isReady(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/api/ready`, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.end();
  });
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
