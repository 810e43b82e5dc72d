import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  server.close();
  await once(server, "close");
  return port;
}

/** `src/server/main.ts` running as its own process, its output captured. */
export interface SpawnedServer {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code once the process has exited and its output is read. */
  exited: Promise<number | null>;
}

/** Starts `src/server/main.ts` with this environment (and PATH/HOME), as an operator would. */
export function spawnServer(env: Record<string, string>): SpawnedServer {
  const child = spawn(process.execPath, ["--import", "tsx", "src/server/main.ts"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    err += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs the server until it exits by itself (a start-up refusal); killed after `timeoutMs`. */
export async function runServerToExit(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const server = spawnServer(env);
  const timer = setTimeout(() => server.child.kill("SIGKILL"), timeoutMs);
  const code = await server.exited;
  clearTimeout(timer);
  return { code, stdout: server.stdout(), stderr: server.stderr() };
}

export interface ServerProcess extends SpawnedServer {
  url: string;
  /** Sends `signal` (SIGTERM) and waits for the exit; SIGKILL if it takes over 5 s. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `src/server/main.ts` as a real process and waits until /api/ready answers 200. */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<ServerProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const server = spawnServer({ LOG_LEVEL: "warn", ...env, PORT: String(port), HOST: "127.0.0.1" });
  const { child, exited } = server;
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  let ready = false;
  while (!ready && Date.now() < deadline && child.exitCode === null) {
    ready = await fetch(`${url}/api/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (!ready) await new Promise((r) => setTimeout(r, 100));
  }
  if (!ready) {
    child.kill("SIGKILL");
    throw new Error(`server did not become ready: ${server.stderr() || server.stdout()}`);
  }
  return {
    ...server,
    url,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
