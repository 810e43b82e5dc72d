import { createHash } from "node:crypto";
import { and, gt, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { rateLimits } from "../db/schema/index.js";
import { ApiError } from "../http/problem.js";

export interface Limit {
  /** What is limited, e.g. "signin-account". */
  name: string;
  /** Whose attempts are counted, e.g. an email or a client address; stored only as a hash. */
  subject: string;
  max: number;
  windowSeconds: number;
}

type Subject = Pick<Limit, "name" | "subject">;

function keyOf(limit: Subject): string {
  return `${limit.name}:${createHash("sha256").update(limit.subject).digest("base64url").slice(0, 32)}`;
}

/**
 * Fixed-window counters in the database, shared by every server process and kept across
 * restarts. An attempt is counted *before* the work it guards (a password hash), in one atomic
 * statement, so that a burst of concurrent attempts cannot all pass a check that each of them
 * made before any of them was counted (docs/decisions/004-throttling.md).
 */
export class Throttle {
  constructor(private readonly db: Database) {}

  /**
   * Counts one attempt against every limit at once and throws 429 with Retry-After when the
   * attempt takes any of them over its maximum. The counted attempt stays counted either way.
   */
  async attempt(limits: Limit[]): Promise<void> {
    const rows = await this.increment(limits);
    const now = Date.now();
    let retryAfter = 0;
    for (const limit of limits) {
      const row = rows.get(keyOf(limit));
      if (row && row.count > limit.max) retryAfter = Math.max(retryAfter, row.resetAt.getTime() - now);
    }
    if (retryAfter > 0) throw rateLimited(retryAfter);
  }

  /**
   * After a success, in one statement: the counters in `reset` start again from zero (the owner
   * got in: strangers' failures are forgotten) and those in `giveBack` lose the attempt that was
   * counted for this success, never going below zero.
   */
  async settle({ reset = [], giveBack = [] }: { reset?: Subject[]; giveBack?: Subject[] }): Promise<void> {
    const resetKeys = reset.map(keyOf);
    const keys = [...resetKeys, ...giveBack.map(keyOf)];
    if (keys.length === 0) return;
    const toZero = resetKeys.length > 0 ? inArray(rateLimits.key, resetKeys) : sql`false`;
    await this.db
      .update(rateLimits)
      .set({ count: sql`case when ${toZero} then 0 else ${rateLimits.count} - 1 end` })
      .where(and(inArray(rateLimits.key, keys), gt(rateLimits.count, 0)));
  }

  // One upsert for all the limits: a window that has ended restarts at 1, otherwise the count
  // goes up. Rows are locked in key order, so two attempts naming the same keys cannot deadlock.
  private async increment(limits: Limit[]) {
    const values = limits
      .map((limit) => ({
        key: keyOf(limit),
        count: 1,
        resetAt: sql`now() + ${limit.windowSeconds}::int * interval '1 second'`,
      }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const rows = await this.db
      .insert(rateLimits)
      .values(values)
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: {
          count: sql`case when ${rateLimits.resetAt} <= now() then 1 else ${rateLimits.count} + 1 end`,
          resetAt: sql`case when ${rateLimits.resetAt} <= now() then excluded.reset_at else ${rateLimits.resetAt} end`,
        },
      })
      .returning({ key: rateLimits.key, count: rateLimits.count, resetAt: rateLimits.resetAt });
    return new Map(rows.map((row) => [row.key, row]));
  }
}

function rateLimited(retryInMs: number): ApiError {
  const seconds = Math.max(1, Math.ceil(retryInMs / 1000));
  return new ApiError(429, "rate_limited", `Too many attempts. Try again in ${seconds} seconds.`, {
    headers: { "Retry-After": String(seconds) },
  });
}
