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

export function hashPassword(password: string): Promise<string> {
  return hash(password, argon2Options);
}

export async function verifyPassword({ hash: stored, password }: { hash: string; password: string }): Promise<boolean> {
  // A malformed stored hash is a failed match, not a crash of the sign-in.
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
