import { join } from "node:path";
import { eq, inArray, sql } from "drizzle-orm";
import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import { emailOutbox } from "../db/schema/index.js";
import type { Logger } from "../logger.js";
import { PollLoop } from "../ops/poll-loop.js";
import { maskEmail } from "./mask-email.js";
import { type EmailKind, emailKinds, onEmailQueued } from "./queue-email.js";
import { type EmailPayload, renderEmail } from "./templates.js";
import { type EmailTransport, emlTransport, smtpTransport } from "./transport.js";

export interface DeliveryLimits {
  /** How often each process looks for due emails (it is also woken by queueEmail in-process). */
  pollIntervalMs: number;
  /** Rows claimed per statement. */
  batchSize: number;
  /** A run stops claiming new batches after this long, so a backlog cannot hold the sender. */
  runBudgetMs: number;
  /** How long a claimed row is hidden from other senders while it is being sent. */
  leaseMs: number;
  /** The first retry's delay; each next one doubles, with jitter, up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** An email still not delivered this long after it was queued is given up. */
  giveUpAfterMs: number;
  maxAttempts: number;
}

export const defaultDeliveryLimits: DeliveryLimits = {
  pollIntervalMs: 1000,
  batchSize: 10,
  runBudgetMs: 10_000,
  // Longer than a batch can take: ten emails at the transport's worst timeouts.
  leaseMs: 10 * 60_000,
  retryBaseMs: 10_000,
  retryMaxMs: 60 * 60_000,
  giveUpAfterMs: 24 * 60 * 60_000,
  // About a day of retries at the pace above; a bound in case the clock misleads.
  maxAttempts: 40,
};

/** What one run did. */
export interface DeliveryCounts {
  sent: number;
  retried: number;
  failed: number;
}

interface ClaimedEmail {
  id: number;
  kind: string;
  recipient: string;
  payload: Record<string, string> | null;
  attempts: number;
  createdAt: Date;
}

interface ClaimedRow {
  id: string;
  kind: string;
  recipient: string;
  payload: Record<string, string> | string | null;
  attempts: number | string;
  created_ms: number | string;
}

// Long enough after queueEmail for its transaction to commit; the poll catches a slower one.
const NUDGE_DELAY_MS = 25;

/**
 * Delivers the outbox (docs/decisions/012). Every server process runs one; they share the rows
 * through `FOR UPDATE SKIP LOCKED` claims that push a row's next attempt a lease ahead, so each
 * email is sent by one process, and one that dies mid-send leaves its rows to be retried after
 * the lease. Failures are retried with exponential back-off and jitter for a day, then given up
 * with a warning. A sent or given-up row keeps no payload (its link was live).
 *
 * @example
 *   const sender = createEmailSender({ config, db, logger });
 *   sender.start();
 *   await sender.stop(); // at shutdown, before the database is closed
 */
export class EmailSender {
  private readonly limits: DeliveryLimits;
  private readonly loop: PollLoop;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly options: {
      db: Database;
      logger: Logger;
      transport: EmailTransport;
      from: string;
      publicUrl: string;
      limits?: Partial<DeliveryLimits>;
    },
  ) {
    this.limits = { ...defaultDeliveryLimits, ...options.limits };
    this.loop = new PollLoop({
      run: async () => (await this.runOnce()).more,
      pollIntervalMs: this.limits.pollIntervalMs,
      onError: (error) => this.options.logger.warn({ err: errorMessage(error) }, "email outbox: run failed"),
    });
  }

  get transportName(): EmailTransport["name"] {
    return this.options.transport.name;
  }

  start(): void {
    this.unsubscribe?.();
    this.unsubscribe = onEmailQueued(() => this.loop.wake(NUDGE_DELAY_MS));
    this.loop.start();
  }

  /**
   * Cancels the next run and waits for the one in progress, which finishes the email it is sending
   * and hands the rest of its batch back; then closes the transport.
   */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.loop.stop();
    this.options.transport.close();
  }

  /**
   * Sends what is due, a batch at a time, until nothing is due or the run's time budget is spent.
   * Never throws for a failed email (it is retried); a database error propagates.
   */
  async runOnce(): Promise<DeliveryCounts & { more: boolean }> {
    const { batchSize, runBudgetMs } = this.limits;
    const started = Date.now();
    const counts: DeliveryCounts = { sent: 0, retried: 0, failed: 0 };
    for (;;) {
      const batch = await this.claim();
      for (const [i, email] of batch.entries()) {
        if (this.loop.stopped) {
          await this.release(batch.slice(i));
          return { ...counts, more: true };
        }
        await this.deliver(email, counts);
      }
      if (batch.length < batchSize) return { ...counts, more: false };
      if (this.loop.stopped || Date.now() - started >= runBudgetMs) return { ...counts, more: true };
    }
  }

  /**
   * Claims up to a batch of due rows in one statement: rows another sender holds are skipped, and
   * a claimed row's next attempt moves a lease ahead, so no one else takes it meanwhile.
   */
  private async claim(): Promise<ClaimedEmail[]> {
    // MATERIALIZED: the locking select runs once. Written as `id in (select … limit n)`, the
    // planner may rescan it for every outer row and claim far more than a batch.
    const result = await this.options.db.execute(sql`
      with due as materialized (
        select id from ${emailOutbox}
        where status = 'pending' and next_attempt_at <= now()
        order by next_attempt_at, id
        limit ${this.limits.batchSize}
        for update skip locked
      )
      update ${emailOutbox} as outbox
      set attempts = outbox.attempts + 1,
          next_attempt_at = now() + ${this.limits.leaseMs}::int * interval '1 millisecond'
      from due
      where outbox.id = due.id
      returning outbox.id::text as id, outbox.kind, outbox.recipient, outbox.payload, outbox.attempts,
        extract(epoch from outbox.created_at)::float8 * 1000 as created_ms`);
    // Both drivers answer a raw statement with { rows }; bigint and times are normalised here.
    const rows = (result as unknown as { rows: ClaimedRow[] }).rows;
    return rows.map((row) => ({
      id: Number(row.id),
      kind: row.kind,
      recipient: row.recipient,
      payload: typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload,
      attempts: Number(row.attempts),
      createdAt: new Date(Number(row.created_ms)),
    }));
  }

  /**
   * Hands claimed rows back unsent (the process is stopping): due at once for any other sender,
   * and the claim does not count as an attempt.
   */
  private async release(emails: ClaimedEmail[]): Promise<void> {
    await this.options.db
      .update(emailOutbox)
      .set({ attempts: sql`${emailOutbox.attempts} - 1`, nextAttemptAt: sql`now()` })
      .where(
        inArray(
          emailOutbox.id,
          emails.map((email) => email.id),
        ),
      );
  }

  private async deliver(email: ClaimedEmail, counts: DeliveryCounts): Promise<void> {
    const { transport, from, publicUrl } = this.options;
    let rendered: ReturnType<typeof renderEmail>;
    try {
      if (!(emailKinds as readonly string[]).includes(email.kind)) throw new Error(`unknown email kind ${email.kind}`);
      rendered = renderEmail(email.kind as EmailKind, (email.payload ?? {}) as EmailPayload, publicUrl);
    } catch (error) {
      // No retry can mend a row that cannot be rendered.
      await this.giveUp(email, error);
      counts.failed++;
      return;
    }
    try {
      await transport.send({ from, to: email.recipient, ...rendered });
    } catch (error) {
      await this.retryOrGiveUp(email, error, counts);
      return;
    }
    await this.finish(email.id, "sent", null);
    counts.sent++;
  }

  private async retryOrGiveUp(email: ClaimedEmail, error: unknown, counts: DeliveryCounts): Promise<void> {
    const { retryBaseMs, retryMaxMs, giveUpAfterMs, maxAttempts } = this.limits;
    const exponential = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(30, email.attempts - 1));
    // "Equal jitter": at least half the back-off, so retries spread without coming too soon.
    const delayMs = Math.round(exponential / 2 + (Math.random() * exponential) / 2);
    const deadline = email.createdAt.getTime() + giveUpAfterMs;
    if (email.attempts >= maxAttempts || Date.now() + delayMs > deadline) {
      await this.giveUp(email, error);
      counts.failed++;
      return;
    }
    const message = describe(error);
    await this.options.db
      .update(emailOutbox)
      .set({ nextAttemptAt: sql`now() + ${delayMs}::int * interval '1 millisecond'`, lastError: message })
      .where(eq(emailOutbox.id, email.id));
    this.options.logger.warn(
      {
        emailId: email.id,
        kind: email.kind,
        to: maskEmail(email.recipient),
        attempt: email.attempts,
        retryInMs: delayMs,
        err: message,
      },
      "email outbox: sending failed, will retry",
    );
    counts.retried++;
  }

  private async giveUp(email: ClaimedEmail, error: unknown): Promise<void> {
    const message = describe(error);
    await this.finish(email.id, "failed", message);
    this.options.logger.warn(
      { emailId: email.id, kind: email.kind, to: maskEmail(email.recipient), attempts: email.attempts, err: message },
      "email outbox: email given up",
    );
  }

  /** A finished row keeps who and when, never the payload: its link was live. */
  private async finish(id: number, status: "sent" | "failed", lastError: string | null): Promise<void> {
    await this.options.db
      .update(emailOutbox)
      .set({ status, payload: null, finishedAt: sql`now()`, lastError })
      .where(eq(emailOutbox.id, id));
  }
}

/**
 * The sender the configuration asks for: SMTP with SMTP_URL, otherwise .eml files in
 * DATA_DIR/outbox/.
 */
export function createEmailSender(deps: {
  config: Config;
  db: Database;
  logger: Logger;
  limits?: Partial<DeliveryLimits>;
}): EmailSender {
  const { config, db, logger, limits } = deps;
  const transport = config.smtpUrl
    ? smtpTransport(config.smtpUrl)
    : emlTransport(join(config.dataDir, "outbox"), logger);
  return new EmailSender({
    db,
    logger,
    transport,
    from: config.emailFrom,
    publicUrl: config.publicUrl,
    ...(limits ? { limits } : {}),
  });
}

/** An error as the outbox records and logs it: short, and with addresses masked. */
function describe(error: unknown): string {
  return errorMessage(error)
    .replace(/[^\s<>@"]+@[^\s<>@"]+/g, (address) => maskEmail(address))
    .slice(0, 500);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
