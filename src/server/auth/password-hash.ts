import { availableParallelism } from "node:os";
import { hash, verify } from "@node-rs/argon2";

// Algorithm.Argon2id; the package exports it as an ambient const enum.
const ARGON2ID = 2;

/**
 * argon2id at OWASP's minimum (m=19 MiB, t=2, p=1). The native binding runs on libuv's thread
 * pool, so hashing never blocks the event loop. The parameters are stored in each PHC hash
 * string, so raising them later keeps every existing hash verifying.
 */
export const argon2Options = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Runs at most `limit` tasks at once; the others wait their turn, first come first served. */
export function concurrencyLimit(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next in line, or free it.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/**
 * As many hashes at once as there are cores but one (one on a two-core machine, never fewer);
 * the others wait their turn. More cannot finish sooner: each holds 19 MiB and competes with the
 * event loop and the database for the same cores (libuv's pool would run four). Leaving a core to
 * everything else keeps the server responsive during a burst of sign-ins and its memory bounded,
 * and sign-ins per second did not drop (docs/benchmarks.md).
 */
const inHashSlot = concurrencyLimit(Math.max(1, availableParallelism() - 1));

export function hashPassword(password: string): Promise<string> {
  return inHashSlot(() => hash(password, argon2Options));
}

export async function verifyPassword({ hash: stored, password }: { hash: string; password: string }): Promise<boolean> {
  // A malformed stored hash is a failed match, not a crash of the sign-in.
  try {
    return await inHashSlot(() => verify(stored, password));
  } catch {
    return false;
  }
}
