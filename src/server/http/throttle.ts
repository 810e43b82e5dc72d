import { createHash } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { rateLimits } from "../db/schema/index.js";
import { ApiError } from "./problem.js";

export interface Limit {
  /** What is limited, e.g. "signin-account". */
  name: string;
  /** Whose attempts are counted, e.g. an email or a client address; stored only as a hash. */
  subject: string;
  max: number;
  windowSeconds: number;
}

function keyOf(limit: Pick<Limit, "name" | "subject">): string {
  return `${limit.name}:${createHash("sha256").update(limit.subject).digest("base64url").slice(0, 32)}`;
}

/**
 * Fixed-window counters in the database, so that every server process (and a restarted one)
 * sees the same counts.
 */
export class Throttle {
  constructor(private readonly db: Database) {}

  /**
   * Throws 429 with Retry-After when any of the limits is already used up. Otherwise returns the
   * names of the limits that have a counter, so that a caller need not clear one that has none.
   */
  async assertAllowed(limits: Limit[]): Promise<Set<string>> {
    const keys = new Map(limits.map((l) => [keyOf(l), l]));
    const rows = await this.db
      .select({ key: rateLimits.key, count: rateLimits.count, resetAt: rateLimits.resetAt })
      .from(rateLimits)
      .where(inArray(rateLimits.key, [...keys.keys()]));
    const now = Date.now();
    let retryAfter = 0;
    const counted = new Set<string>();
    for (const row of rows) {
      const limit = keys.get(row.key);
      if (!limit) continue;
      counted.add(limit.name);
      const resetIn = row.resetAt.getTime() - now;
      if (resetIn > 0 && row.count >= limit.max) retryAfter = Math.max(retryAfter, resetIn);
    }
    if (retryAfter > 0) throw rateLimited(retryAfter);
    return counted;
  }

  /** Counts one attempt against each limit. */
  async hit(limits: Limit[]): Promise<void> {
    for (const limit of limits) await this.increment(limit);
  }

  /** Counts one attempt and throws 429 when that attempt goes over the limit. */
  async consume(limit: Limit): Promise<void> {
    const row = await this.increment(limit);
    if (row && row.count > limit.max) throw rateLimited(row.resetAt.getTime() - Date.now());
  }

  // One atomic upsert: a window that has ended restarts at 1, otherwise the count goes up.
  private async increment(limit: Limit) {
    const [row] = await this.db
      .insert(rateLimits)
      .values({ key: keyOf(limit), count: 1, resetAt: sql`now() + ${limit.windowSeconds}::int * interval '1 second'` })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: {
          count: sql`case when ${rateLimits.resetAt} <= now() then 1 else ${rateLimits.count} + 1 end`,
          resetAt: sql`case when ${rateLimits.resetAt} <= now() then excluded.reset_at else ${rateLimits.resetAt} end`,
        },
      })
      .returning({ count: rateLimits.count, resetAt: rateLimits.resetAt });
    return row;
  }

  async clear(limit: Pick<Limit, "name" | "subject">): Promise<void> {
    await this.db.delete(rateLimits).where(eq(rateLimits.key, keyOf(limit)));
  }

  /** Deletes windows that have ended; called now and then, never on a request. */
  async prune(): Promise<void> {
    await this.db.delete(rateLimits).where(sql`${rateLimits.resetAt} <= now()`);
  }
}

function rateLimited(retryInMs: number): ApiError {
  const seconds = Math.max(1, Math.ceil(retryInMs / 1000));
  return new ApiError(429, "rate_limited", `Too many attempts. Try again in ${seconds} seconds.`, {
    headers: { "Retry-After": String(seconds) },
  });
}
