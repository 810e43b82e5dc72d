import { availableParallelism } from "node:os";
import { hash, verify } from "@node-rs/argon2";
import { ClientGoneError, HashQueue } from "./hash-queue.js";

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

/** At most this many sign-ins and sign-ups wait behind the running hashes (the contract's 64). */
export const MAX_WAITING_HASHES = 64;
/** The trusted clients' own lane (device cookies): small, since each is one person's sign-in. */
export const MAX_PRIORITY_WAITING_HASHES = 16;

/**
 * As many hashes at once as there are cores but one (one on a two-core machine, never fewer).
 * More cannot finish sooner: each holds 19 MiB and competes with the event loop and the database
 * for the same cores (libuv's pool would run four). Leaving a core to everything else keeps the
 * server responsive during a burst of sign-ins and its memory bounded (docs/benchmarks.md).
 */
export const hashQueue = new HashQueue(
  Math.max(1, availableParallelism() - 1),
  MAX_WAITING_HASHES,
  MAX_PRIORITY_WAITING_HASHES,
);

export function hashPassword(password: string): Promise<string> {
  return hashQueue.run(() => hash(password, argon2Options));
}

export async function verifyPassword({ hash: stored, password }: { hash: string; password: string }): Promise<boolean> {
  try {
    return await hashQueue.run(() => verify(stored, password));
  } catch (error) {
    if (error instanceof ClientGoneError) throw error;
    // A malformed stored hash is a failed match, not a crash of the sign-in.
    return false;
  }
}
