import { and, gt, or, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { sessionRevocations } from "../db/schema/index.js";
import type { Logger } from "../logger.js";

// Rows that committed out of `seq` order are caught by re-reading this recent window.
const OVERLAP = sql`now() - interval '10 seconds'`;

/**
 * The set of ended sessions whose access tokens have not expired yet. The check on each request
 * is a map lookup. The database writes a `session_revocations` row for every deleted session (a
 * trigger, so that a sign-out and an operator deleting a user are alike); every process picks
 * new rows up on its next poll (see the README, "Revocation").
 */
export class RevocationList {
  private readonly revoked = new Map<string, number>();
  private lastSeq = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    /**
     * How long a revocation must be remembered: the access-token lifetime plus clock skew. The
     * housekeeping purge keeps each row at least this long (src/server/ops/housekeeping.ts).
     */
    readonly rememberSeconds: number,
  ) {}

  isRevoked(sessionId: string): boolean {
    const until = this.revoked.get(sessionId);
    if (until === undefined) return false;
    if (until < Date.now()) {
      this.revoked.delete(sessionId);
      return false;
    }
    return true;
  }

  /** Makes the revocation effective in this process at once. */
  remember(sessionIds: string[]): void {
    const until = Date.now() + this.rememberSeconds * 1000;
    for (const id of sessionIds) this.revoked.set(id, until);
  }

  /** Reads revocations made by other processes since the last call. */
  sync(): Promise<void> {
    this.polling ??= this.readNew().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  /**
   * Polls every `intervalMs` for revocations written by others, and forgets expired ones. The
   * table's old rows are purged by the housekeeping job, not here.
   */
  start(intervalMs: number | undefined): void {
    let ticks = 0;
    const period = intervalMs ?? 60_000;
    this.timer = setInterval(() => {
      ticks++;
      const work = intervalMs ? this.sync() : Promise.resolve();
      const pruneEvery = Math.max(1, Math.round(60_000 / period));
      work
        .then(() => (ticks % pruneEvery === 0 ? this.forgetExpired() : undefined))
        .catch((error: unknown) => this.logger.warn({ err: errorMessage(error) }, "revocation poll failed"));
    }, period);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Since when a revocation may be forgotten: the tokens it revoked have all expired. */
  private rememberedSince() {
    return sql`now() - ${this.rememberSeconds}::int * interval '1 second'`;
  }

  private async readNew(): Promise<void> {
    const rows = await this.db
      .select({
        seq: sessionRevocations.seq,
        sessionId: sessionRevocations.sessionId,
        revokedAt: sessionRevocations.revokedAt,
        expiresAt: sessionRevocations.expiresAt,
      })
      .from(sessionRevocations)
      .where(
        and(
          or(gt(sessionRevocations.expiresAt, sql`now()`), gt(sessionRevocations.revokedAt, this.rememberedSince())),
          or(gt(sessionRevocations.seq, this.lastSeq), gt(sessionRevocations.revokedAt, OVERLAP)),
        ),
      );
    for (const row of rows) {
      const until = Math.max(row.expiresAt.getTime(), row.revokedAt.getTime() + this.rememberSeconds * 1000);
      this.revoked.set(row.sessionId, until);
      if (row.seq > this.lastSeq) this.lastSeq = row.seq;
    }
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [id, until] of this.revoked) if (until < now) this.revoked.delete(id);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
