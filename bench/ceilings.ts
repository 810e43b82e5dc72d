import type { BenchDatabase } from "./bench-database.js";
import type { Rate } from "./ceilings/run-for.js";
import { runScript, startScript } from "./child-process.js";
import { type LoadTiming, runLoad } from "./load.js";
import { progress } from "./progress.js";
import type { ScenarioName } from "./scenarios.js";

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

/**
 * Measures what the scenarios are compared with, each in its own process, while the server is
 * not running (PGlite's data dir can have one owner only). run.ts measures them before the server
 * starts and again after it stops, and keeps the better of the two (see betterOf).
 */
export async function measureCeilings(
  database: BenchDatabase,
  options: { only: Set<ScenarioName>; timing: LoadTiming },
): Promise<Ceilings> {
  const { only, timing } = options;
  const ceilings: Ceilings = {};
  if (only.has("list") || only.has("storm") || only.has("create")) {
    const target = database.target.databaseUrl ?? database.target.dataDir ?? "";
    const raw = await runScript<{ list: Rate; insert: Rate }>("bench/ceilings/raw-driver.ts", [
      target,
      String(timing.seconds),
    ]);
    ceilings.list = raw.list;
    ceilings.insert = raw.insert;
    progress(`raw driver: list ${describe(raw.list)}; insert ${describe(raw.insert)}`);
  }
  if (only.has("signin")) {
    const hash = await runScript<Rate & { msPerHash: number }>("bench/ceilings/password-hash.ts", [
      String(SIGNIN_CONNECTIONS),
      String(timing.seconds),
    ]);
    ceilings.hash = hash;
    progress(`password hash: ${describe(hash)}; ${hash.msPerHash.toFixed(1)} ms alone`);
  }
  if (only.has("health")) {
    const bare = await startScript<{ port: number }>("bench/ceilings/bare-http.ts", []);
    try {
      const load = await runLoad(
        { url: `http://127.0.0.1:${bare.info.port}/api/health`, connections: HTTP_CONNECTIONS },
        timing,
      );
      ceilings.http = load.rps;
    } finally {
      await bare.stop();
    }
    progress(`bare node:http: ${ceilings.http.toFixed(0)}/s`);
  }
  return ceilings;
}

function describe(rate: Rate): string {
  return `${rate.rps.toFixed(0)}/s, CPU ${rate.cpuMs.toFixed(3)} ms each`;
}

/**
 * The higher of two measurements of each ceiling: what the machine managed when it was least
 * disturbed by its other users, so that a busy moment cannot flatter a ratio.
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
