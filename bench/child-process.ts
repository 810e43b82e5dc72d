import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** A bench script run by its own Node process (with tsx), as the server is. */
function spawnScript(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", script, ...args], {
    env: { PATH: process.env.PATH ?? "" },
    stdio: ["ignore", "pipe", "inherit"],
  });
}

/** Runs a ceiling script to completion and returns the JSON line it printed. */
export async function runScript<T>(script: string, args: string[]): Promise<T> {
  const child = spawnScript(script, args);
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const last = out.trim().split("\n").at(-1) ?? "";
  if (code !== 0 || !last.startsWith("{")) throw new Error(`${script} failed (exit ${code}): ${out}`);
  return JSON.parse(last) as T;
}

/** Starts a script that serves until SIGTERM; resolves with its first JSON line and a stop function. */
export async function startScript<T>(script: string, args: string[]): Promise<{ info: T; stop(): Promise<void> }> {
  const child = spawnScript(script, args);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
  });
  return {
    info: JSON.parse(first) as T,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
