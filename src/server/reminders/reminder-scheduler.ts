import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import { PollLoop } from "../ops/poll-loop.js";
import { fireDueReminders } from "./fire-due-reminders.js";

export interface ReminderLimits {
  /** How often each process looks for reminders that came due (REMINDER_POLL_MS). */
  pollIntervalMs: number;
  /** Reminders fired per transaction at most. */
  batchSize: number;
  /** A run stops starting new batches after this long; the next run follows at once. */
  runBudgetMs: number;
}

export const defaultReminderLimits: ReminderLimits = {
  pollIntervalMs: 1000,
  batchSize: 100,
  runBudgetMs: 5_000,
};

/** What one run fired. */
export interface ReminderRunCounts {
  fired: number;
  emailed: number;
  /** Due rows of tasks that were completed meanwhile: consumed without a word. */
  settled: number;
  /** Whether more may be due (a full last batch, or the run's budget spent). */
  more: boolean;
}

export interface ReminderSchedulerOptions {
  db: Database;
  logger: Logger;
  /**
   * Called with each owner's id once a batch that fired their reminders has committed: the live
   * updates' in-process delivery on PGlite (LiveUpdates.onChange). PostgreSQL needs none:
   * log_user_event NOTIFYs every process at commit.
   */
  onFired?: ((userId: string) => void) | undefined;
  limits?: Partial<ReminderLimits>;
}

/**
 * Fires reminders as they come due (the contract: within a few seconds, once each). Every server
 * process runs one; they share the due rows through SKIP LOCKED claims (fire-due-reminders.ts),
 * so with several processes each reminder fires once, and one that came due while no process ran
 * fires when the next one starts. A backlog drains a batch per transaction, back to back.
 *
 * @example
 *   const reminders = createReminderScheduler({ config, db, logger, onFired: live.onChange });
 *   reminders.start();
 *   await reminders.stop(); // at shutdown, before the database is closed
 */
export class ReminderScheduler {
  private readonly limits: ReminderLimits;
  private readonly loop: PollLoop;

  constructor(private readonly options: ReminderSchedulerOptions) {
    this.limits = { ...defaultReminderLimits, ...options.limits };
    this.loop = new PollLoop({
      run: async () => (await this.runOnce()).more,
      pollIntervalMs: this.limits.pollIntervalMs,
      // Nothing was committed: the same rows are due at the next poll.
      onError: (error) => this.options.logger.warn({ err: rootMessage(error) }, "reminders: run failed"),
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Cancels the next run and waits for the one in progress, which ends after its current batch. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Fires what is due, a batch per transaction, until nothing is or the run's budget is spent. */
  async runOnce(): Promise<ReminderRunCounts> {
    const { batchSize, runBudgetMs } = this.limits;
    const started = Date.now();
    const counts: ReminderRunCounts = { fired: 0, emailed: 0, settled: 0, more: false };
    for (;;) {
      const batch = await fireDueReminders(this.options.db, batchSize);
      const owners = new Set(batch.fired.map((reminder) => reminder.userId));
      for (const userId of owners) this.options.onFired?.(userId);
      const emailed = batch.fired.filter((reminder) => reminder.emailed).length;
      counts.fired += batch.fired.length;
      counts.emailed += emailed;
      counts.settled += batch.settled;
      if (batch.consumed > 0) {
        this.options.logger.debug(
          { fired: batch.fired.length, emailed, settled: batch.settled, batchSize },
          "reminders: fired a batch",
        );
      }
      // Short of a full batch: nothing more is due, or the rest belongs to owners busy right now,
      // who are better left to the next poll than retried in a tight loop.
      if (batch.consumed < batchSize) return counts;
      if (this.loop.stopped || Date.now() - started >= runBudgetMs) return { ...counts, more: true };
    }
  }
}

/** The scheduler for this configuration (REMINDER_POLL_MS). */
export function createReminderScheduler(deps: {
  config: Pick<Config, "reminderPollMs">;
  db: Database;
  logger: Logger;
  onFired?: ((userId: string) => void) | undefined;
  limits?: Partial<ReminderLimits>;
}): ReminderScheduler {
  const { config, db, logger, onFired, limits } = deps;
  return new ReminderScheduler({
    db,
    logger,
    onFired,
    limits: { pollIntervalMs: config.reminderPollMs, ...limits },
  });
}

/**
 * The database's own words for a failure: Drizzle wraps it in an error whose message quotes the
 * statement's parameters (addresses, task titles), which have no place in a log.
 */
function rootMessage(error: unknown): string {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause !== undefined; depth++) {
    current = current.cause;
  }
  return (current instanceof Error ? current.message : String(current)).slice(0, 500);
}
