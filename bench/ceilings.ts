import { spawn } from "node:child_process";
import type { BenchDatabase } from "./bench-database.js";
import type { Rate } from "./ceilings/run-for.js";
import { runScript, startScript } from "./child-process.js";
import { type LoadTiming, runLoad } from "./load.js";
import { progress } from "./progress.js";

/** The sign-in scenario's concurrency; the hash ceiling is measured with as many callers. */
export const SIGNIN_CONNECTIONS = 10;
export const HTTP_CONNECTIONS = 50;

export interface Ceilings {
  /** Raw driver, the list's SELECT. */
  list?: Rate;
  /** Raw driver, the create's INSERT. */
  insert?: Rate;
  /** argon2id verifications with SIGNIN_CONNECTIONS callers, and ms for one alone. */
  hash?: Rate & { msPerHash: number };
  /** A bare node:http server answering the health JSON, requests/s. */
  http?: number;
}

/** The scenarios that have a ceiling of their own. */
export type CeilingName = "health" | "list" | "create" | "signin";

/**
 * Measures what one scenario is compared with, in its own process, while the server is idle:
 * measureServer takes it just before the scenario and again just after, and keeps the better of
 * the two (betterOf). Adjacent measurements keep the ratio honest on a machine whose speed drifts
 * over minutes: a ceiling taken minutes apart from its scenario moved by ±15 % here.
 */
export async function measureCeiling(
  database: BenchDatabase,
  name: CeilingName,
  timing: LoadTiming,
): Promise<Ceilings> {
  if (name === "list" || name === "create") {
    const which = name === "list" ? "list" : "insert";
    const raw = await runScript<{ list?: Rate; insert?: Rate }>("bench/ceilings/raw-driver.ts", [
      database.ceilingTarget(),
      String(timing.seconds),
      which,
    ]);
    const rate = raw[which];
    if (!rate) throw new Error(`the raw driver measured no ${which}`);
    progress(`raw driver, ${which}: ${describe(rate)}`);
    return name === "list" ? { list: rate } : { insert: rate };
  }
  if (name === "signin") {
    const hash = await runScript<Rate & { msPerHash: number }>("bench/ceilings/password-hash.ts", [
      String(SIGNIN_CONNECTIONS),
      String(timing.seconds),
    ]);
    progress(`password hash: ${describe(hash)}; ${hash.msPerHash.toFixed(1)} ms alone`);
    return { hash };
  }
  const bare = await startScript<{ port: number }>("bench/ceilings/bare-http.ts", []);
  try {
    const load = await runLoad(
      { url: `http://127.0.0.1:${bare.info.port}/api/health`, connections: HTTP_CONNECTIONS },
      timing,
    );
    progress(`bare node:http: ${load.rps.toFixed(0)}/s`);
    return { http: load.rps };
  } finally {
    await bare.stop();
  }
}

function describe(rate: Rate): string {
  return `${rate.rps.toFixed(0)}/s, CPU ${rate.cpuMs.toFixed(3)} ms each`;
}

/**
 * The higher of two measurements of each ceiling (and the union of different ones): what the
 * machine managed when it was least disturbed, so that a busy moment cannot flatter a ratio.
 */
export function betterOf(first: Ceilings, second: Ceilings): Ceilings {
  const faster = <T extends { rps: number }>(a: T | undefined, b: T | undefined) =>
    a && b ? (b.rps > a.rps ? b : a) : (a ?? b);
  const result: Ceilings = {};
  const list = faster(first.list, second.list);
  const insert = faster(first.insert, second.insert);
  const hash = faster(first.hash, second.hash);
  const http = Math.max(first.http ?? 0, second.http ?? 0);
  if (list) result.list = list;
  if (insert) result.insert = insert;
  if (hash) result.hash = hash;
  if (http > 0) result.http = http;
  return result;
}

/**
 * The cold start's ceiling: milliseconds from spawning a bare Node process to its first answer
 * from the same database the server opens (bench/ceilings/cold-open.mjs). On PGlite the data dir
 * has one owner: run it while no server holds it.
 */
export async function measureColdOpen(database: BenchDatabase): Promise<number> {
  const target = database.kind === "pglite" ? (database.serverEnv.DATA_DIR ?? "") : database.ceilingTarget();
  const started = performance.now();
  const child = spawn(process.execPath, ["bench/ceilings/cold-open.mjs", target], {
    env: { PATH: process.env.PATH ?? "" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const answeredAfter = await new Promise<number>((resolve, reject) => {
    child.stdout?.once("data", () => resolve(performance.now() - started));
    child.once("exit", (code) => reject(new Error(`cold-open.mjs exited (${code}) before it answered`)));
  });
  await new Promise((resolve) => (child.exitCode === null ? child.once("exit", resolve) : resolve(null)));
  return answeredAfter;
}
