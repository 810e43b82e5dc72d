import { and, lt, lte, ne, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Database } from "../db/client.js";
import {
  accountTokens,
  emailOutbox,
  rateLimits,
  sessionRevocations,
  sessions,
  taskChanges,
  verifications,
} from "../db/schema/index.js";
import type { Logger } from "../logger.js";

/** Rows deleted per table per run at most: a run's statements stay short, whatever the backlog. */
export const PURGE_BATCH_SIZE = 1000;
/** How long a sent or given-up email's row (who, when, no content) is kept, days. */
export const FINISHED_EMAIL_RETENTION_DAYS = 7;
/**
 * How long the live updates' change log keeps a change, hours: a client reconnecting with an
 * older Last-Event-ID is told to reload everything (docs/decisions/015).
 */
export const TASK_CHANGE_RETENTION_HOURS = 24;
/** How often each process purges, on average. */
export const HOUSEKEEPING_INTERVAL_MS = 5 * 60_000;

/** What one purge deleted, per table. */
export interface PurgeCounts {
  sessions: number;
  verifications: number;
  rateLimits: number;
  sessionRevocations: number;
  accountTokens: number;
  emailOutbox: number;
  taskChanges: number;
}

export interface HousekeepingOptions {
  db: Database;
  logger: Logger;
  /**
   * How long a revocation is kept after it was made: the access-token lifetime plus clock skew,
   * as RevocationList remembers it (`rememberSeconds`), so that no process forgets a revocation
   * while a token it revoked could still verify.
   */
  revocationRetentionSeconds: number;
  /** How long the change log keeps a change, seconds (default TASK_CHANGE_RETENTION_HOURS; tests shorten it). */
  taskChangeRetentionSeconds?: number;
  /** Average time between runs; each wait is jittered by ±25%. */
  intervalMs?: number;
  batchSize?: number;
}

/**
 * Deletes what has expired: sessions past their expiry (a trigger records each as revoked, and
 * their retired refresh tokens go with them), verification rows, throttle windows that ended,
 * revocations no access token can need any more, emailed tokens past their lifetime, and the
 * outbox's rows of emails sent or given up a week ago. The one place these rows are purged.
 *
 * Every process of a deployment runs it. Each statement deletes at most `batchSize` rows that it
 * locks with SKIP LOCKED, so two processes purging at once split the rows between them instead of
 * waiting on each other or deleting a row twice; a backlog larger than a batch shrinks by a batch
 * per table per run.
 *
 * @example
 *   const housekeeping = new Housekeeping({ db, logger, revocationRetentionSeconds: 930 });
 *   housekeeping.start();
 *   await housekeeping.stop(); // at shutdown, before the database is closed
 */
export class Housekeeping {
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly targets: Record<keyof PurgeCounts, PurgeTarget>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly options: HousekeepingOptions) {
    this.intervalMs = options.intervalMs ?? HOUSEKEEPING_INTERVAL_MS;
    this.batchSize = options.batchSize ?? PURGE_BATCH_SIZE;
    this.targets = purgeTargets(
      options.revocationRetentionSeconds,
      options.taskChangeRetentionSeconds ?? TASK_CHANGE_RETENTION_HOURS * 3600,
    );
  }

  /**
   * Runs the purge every interval. The first run comes at a random point of the first interval,
   * and every wait is jittered, so processes started together do not purge in lockstep.
   */
  start(): void {
    this.stopped = false;
    this.schedule(Math.random() * this.intervalMs);
  }

  /** Cancels the next run and waits for one in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * One purge of every table. A table whose purge fails is logged as a warning and the others
   * still run: housekeeping never takes the process down.
   */
  async runOnce(): Promise<PurgeCounts> {
    const counts: PurgeCounts = {
      sessions: 0,
      verifications: 0,
      rateLimits: 0,
      sessionRevocations: 0,
      accountTokens: 0,
      emailOutbox: 0,
      taskChanges: 0,
    };
    for (const table of Object.keys(this.targets) as (keyof PurgeCounts)[]) {
      try {
        counts[table] = await this.purge(table);
      } catch (error) {
        this.options.logger.warn({ table, err: errorMessage(error) }, "housekeeping: purge failed");
      }
    }
    if (Object.values(counts).some((n) => n > 0)) {
      this.options.logger.info({ purged: counts }, "housekeeping: purged expired rows");
    }
    return counts;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((error: unknown) => this.options.logger.warn({ err: errorMessage(error) }, "housekeeping failed"))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.intervalMs * (0.75 + Math.random() * 0.5));
        });
    }, delayMs);
    this.timer.unref();
  }

  /** Deletes up to one batch of the table's expired rows, skipping rows another run holds. */
  private async purge(name: keyof PurgeCounts): Promise<number> {
    const { db } = this.options;
    const { table, key, expired } = this.targets[name];
    const keys = Array.isArray(key) ? key : [key];
    const batch = db
      .select(Object.fromEntries(keys.map((column) => [column.name, column])))
      .from(table)
      .where(expired)
      .limit(this.batchSize)
      .for("update", { skipLocked: true });
    // MATERIALIZED: as a plain `IN (subquery)`, PostgreSQL may rescan the subquery and lock (and
    // delete) far more than one batch; a materialized CTE is evaluated exactly once.
    const result = await db.execute(sql`
      with batch as materialized (${batch})
      delete from ${table} where (${sql.join(keys, sql`, `)}) in (select * from batch) returning 1`);
    return (result as unknown as { rows: unknown[] }).rows.length;
  }
}

interface PurgeTarget {
  table: PgTable;
  /** The primary key (its columns, when composite), naming the rows of a batch. */
  key: PgColumn | PgColumn[];
  expired: SQL | undefined;
}

/** Each table's rows that may go, in the order they are purged. */
function purgeTargets(
  revocationRetentionSeconds: number,
  taskChangeRetentionSeconds: number,
): Record<keyof PurgeCounts, PurgeTarget> {
  const now = sql`now()`;
  return {
    sessions: { table: sessions, key: sessions.id, expired: lt(sessions.expiresAt, now) },
    verifications: { table: verifications, key: verifications.id, expired: lt(verifications.expiresAt, now) },
    // A window whose reset time has come counts from zero again, as if its row were absent.
    rateLimits: { table: rateLimits, key: rateLimits.key, expired: lte(rateLimits.resetAt, now) },
    // The retention RevocationList reads with: past the session's expiry and past every token.
    sessionRevocations: {
      table: sessionRevocations,
      key: sessionRevocations.seq,
      expired: and(
        lt(sessionRevocations.expiresAt, now),
        lt(sessionRevocations.revokedAt, sql`${now} - ${revocationRetentionSeconds}::int * interval '1 second'`),
      ),
    },
    // Emailed links past their lifetime, used or not.
    accountTokens: { table: accountTokens, key: accountTokens.tokenHash, expired: lt(accountTokens.expiresAt, now) },
    // Sent or given-up emails (their payload is gone already); pending ones are the sender's.
    emailOutbox: {
      table: emailOutbox,
      key: emailOutbox.id,
      expired: and(
        ne(emailOutbox.status, "pending"),
        lt(emailOutbox.finishedAt, sql`${now} - ${FINISHED_EMAIL_RETENTION_DAYS}::int * interval '1 day'`),
      ),
    },
    // The change log by age alone (task_changes_at_idx): a stream reads the log from its own seq
    // and says reset when that seq's successor is gone, so any prefix of a user's log may go.
    taskChanges: {
      table: taskChanges,
      key: [taskChanges.userId, taskChanges.seq],
      expired: lt(taskChanges.at, sql`${now} - ${taskChangeRetentionSeconds}::int * interval '1 second'`),
    },
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
