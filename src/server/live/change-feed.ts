import pg from "pg";
import type { Logger } from "../logger.js";

/** The channel the task trigger (migration 0006) NOTIFYs, with `userId:seq` as the payload. */
export const CHANGE_CHANNEL = "taskvault_task_changes";
/** How the listener's connection is named in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = "taskvault-live";

const MAX_RETRY_MS = 5_000;

/**
 * Tells the open streams of a user that the change log may hold something new for them. It
 * carries no content: a woken stream reads the log (src/server/live/change-log.ts), which is the
 * source of truth, so a wake too many costs a query and a wake lost is made up by the next.
 *
 * @example
 *   const stop = feed.subscribe(userId, () => stream.wake());
 *   stop(); // when the stream ends
 */
export class ChangeFeed {
  private readonly listeners = new Map<string, Set<() => void>>();

  /** Calls `wake` when `userId` may have new changes, and after the feed missed any (a reconnect). */
  subscribe(userId: string, wake: () => void): () => void {
    let set = this.listeners.get(userId);
    if (!set) {
      set = new Set();
      this.listeners.set(userId, set);
    }
    set.add(wake);
    return () => {
      set.delete(wake);
      if (set.size === 0 && this.listeners.get(userId) === set) this.listeners.delete(userId);
    };
  }

  /** Wakes the streams of one user (in-process delivery, and each notification received). */
  publish(userId: string): void {
    for (const wake of this.listeners.get(userId) ?? []) wake();
  }

  protected wakeAll(): void {
    for (const set of this.listeners.values()) for (const wake of set) wake();
  }

  protected get subscribed(): boolean {
    return this.listeners.size > 0;
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/**
 * The feed across processes on PostgreSQL: one dedicated connection per process LISTENs on one
 * channel for every user (a NOTIFY is delivered at commit, so the log row is there when the wake
 * arrives). It needs a session of its own, which a pooler in transaction mode (Neon's pooled
 * endpoint, PgBouncer) does not give: it connects to DATABASE_DIRECT_URL when set.
 *
 * It connects on the first subscription. A lost connection (database restart, the backend
 * killed, a network cut) is retried with jittered back-off up to 5 s; once listening again,
 * every stream is woken to re-read its log from its own last seq, so nothing committed in
 * between is lost.
 */
export class PostgresChangeFeed extends ChangeFeed {
  private client: pg.Client | undefined;
  private connecting = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {
    super();
  }

  override subscribe(userId: string, wake: () => void): () => void {
    const stop = super.subscribe(userId, wake);
    this.ensureListening();
    return stop;
  }

  /** Whether the listener is connected (for tests and readiness). */
  get listening(): boolean {
    return this.client !== undefined;
  }

  override async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await super.close();
    await client?.end().catch(() => {});
  }

  private ensureListening(): void {
    if (this.closed || this.client || this.connecting || this.retryTimer) return;
    this.connecting = true;
    void this.connect().finally(() => {
      this.connecting = false;
    });
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.url,
      application_name: LISTENER_APPLICATION_NAME,
      keepAlive: true,
    });
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, undefined));
    client.on("notification", (message) => {
      const payload = message.payload ?? "";
      const colon = payload.lastIndexOf(":");
      if (message.channel === CHANGE_CHANNEL && colon > 0) this.publish(payload.slice(0, colon));
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => {});
      this.retry(error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    if (this.failures > 0) this.logger.info("live updates: listening for changes again");
    this.failures = 0;
    // Changes committed before LISTEN took effect were not notified here: every stream re-reads.
    this.wakeAll();
  }

  private lost(client: pg.Client, error: Error | undefined): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => {});
    if (!this.closed) this.retry(error);
  }

  private retry(error: unknown): void {
    if (this.closed) return;
    const delay = Math.min(MAX_RETRY_MS, 100 * 2 ** this.failures) * (0.5 + Math.random() / 2);
    this.failures++;
    // The first failure is expected on a database restart; a warning says it is still failing.
    const log = this.failures > 1 ? this.logger.warn.bind(this.logger) : this.logger.info.bind(this.logger);
    log(
      { err: error instanceof Error ? error.message : undefined, retryInMs: Math.round(delay) },
      "live updates: the change listener lost its connection, reconnecting",
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.subscribed) this.ensureListening();
    }, delay);
    this.retryTimer.unref();
  }
}
