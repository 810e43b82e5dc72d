import type fc from "fast-check";

function positiveInteger(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/**
 * fast-check parameters for one property: `ciRuns` cases in CI, `FUZZ_RUNS` cases per property
 * under `npm run fuzz`. `FUZZ_SEED` replays a failure that fast-check reported.
 *
 * @example
 *   await fc.assert(fc.asyncProperty(body, check), fuzzParameters(200));
 */
export function fuzzParameters(ciRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
  return { numRuns: positiveInteger("FUZZ_RUNS") ?? ciRuns, ...(seed === undefined ? {} : { seed }) };
}

/** How many kill-and-restart rounds the crash tests run: `CRASH_ROUNDS`, else `ciRounds`. */
export function crashRounds(ciRounds: number): number {
  return positiveInteger("CRASH_ROUNDS") ?? ciRounds;
}

/** A per-test timeout that grows with the number of fuzz cases or crash rounds asked for. */
export function scaledTimeout(baseMs: number, ciCount: number, count: number): number {
  return Math.round(baseMs * Math.max(1, count / ciCount));
}
