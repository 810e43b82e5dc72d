import type { Context } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import { unauthorized } from "../auth/require-user.js";
import type { RevocationList } from "../auth/revocations.js";
import type { Config } from "../config.js";
import type { DatabaseHandle } from "../db/client.js";
import type { Caller } from "../http/app-env.js";
import { ApiError } from "../http/problem.js";
import type { Logger } from "../logger.js";
import { ChangeFeed, PostgresChangeFeed } from "./change-feed.js";
import { ChangeLog } from "./change-log.js";
import { LiveStream, PING_INTERVAL_MS } from "./live-stream.js";

/** Open streams one user may hold on one process; one more is refused with 429. */
export const MAX_STREAMS_PER_USER = 10;
/** The Retry-After of that 429, seconds. */
export const STREAM_CAP_RETRY_AFTER_SECONDS = 30;
/** How often open streams are checked for an expired token or a revoked session. */
const CHECK_INTERVAL_MS = 1_000;
/** A stream still writing this long after it was ended is dropped (see LiveStream.abort). */
const STUCK_AFTER_END_MS = 2_000;

export interface LiveUpdatesDeps {
  /**
   * The URL the PostgreSQL listener connects to: a direct (unpooled) one, since LISTEN needs a
   * session of its own (see listenUrlOf). Ignored on PGlite.
   */
  listenUrl: string | undefined;
  database: DatabaseHandle;
  revocations: RevocationList;
  logger: Logger;
  /** A stream that sent nothing for this long gets a `: ping` comment (default 15 s; tests shorten it). */
  pingIntervalMs?: number;
}

/**
 * The live updates of one server process: the open event streams (GET /api/{userId}/events),
 * grouped by user, and the feed that wakes them (docs/decisions/015). One timer for all streams
 * ends those whose access token expired or whose session was revoked, and sends the heartbeats.
 *
 * @example
 *   const live = createLiveUpdates({ config, database, revocations, logger });
 *   new TaskRepository(db, { maxTasksPerUser, onChange: live.onChange });
 *   await live.close(); // at shutdown, before the server waits for open requests
 */
export class LiveUpdates {
  private readonly streams = new Set<LiveStream>();
  /** Streams per user, counted from the moment one is accepted (the cap's count). */
  private readonly perUser = new Map<string, number>();
  private readonly log: ChangeLog;
  private ticker: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly feed: ChangeFeed,
    database: DatabaseHandle,
    private readonly revocations: RevocationList,
    private readonly logger: Logger,
    /** In-process delivery, for the repository's onChange; undefined when the database notifies. */
    readonly onChange: ((userId: string) => void) | undefined,
    private readonly pingIntervalMs = PING_INTERVAL_MS,
  ) {
    this.log = new ChangeLog(database.db);
  }

  /** How many streams are open on this process. */
  get openStreams(): number {
    return this.streams.size;
  }

  /**
   * Opens the caller's event stream, resuming after `lastEventId` when given. Refused with 429
   * beyond MAX_STREAMS_PER_USER: the slot is taken before anything is awaited, so a burst of
   * opens cannot overshoot the cap. Without Last-Event-ID the stream starts at the head of the
   * log, read before the answer's headers go out: a client that opens the stream and then loads
   * the list misses nothing in between.
   */
  async open(c: Context, caller: Caller, lastEventId: string | undefined): Promise<Response> {
    const { userId } = caller;
    if (this.closed) throw new ApiError(503, "server_busy", "This server is shutting down: reconnect.");
    const count = this.perUser.get(userId) ?? 0;
    if (count >= MAX_STREAMS_PER_USER) {
      throw new ApiError(
        429,
        "rate_limited",
        `At most ${MAX_STREAMS_PER_USER} live streams per account are open at once: close one, or retry later.`,
        { headers: { "Retry-After": String(STREAM_CAP_RETRY_AFTER_SECONDS) } },
      );
    }
    this.perUser.set(userId, count + 1);
    let started = false;
    try {
      let last: number | undefined;
      if (lastEventId === undefined) {
        last = await this.log.head(userId);
        // Deleted after the token was issued, before its revocation reached this process.
        if (last === undefined) throw unauthorized(true, "The account of this access token no longer exists.");
      } else {
        last = parseSeq(lastEventId);
      }
      c.header("X-Accel-Buffering", "no");
      if (this.closed) throw new ApiError(503, "server_busy", "This server is shutting down: reconnect.");
      const response = streamSSE(c, (sse) => this.serve(sse, caller, last));
      started = true;
      return response;
    } finally {
      if (!started) this.release(userId);
    }
  }

  /** Ends every stream and stops listening: at shutdown, so that the server's close is not held up. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.ticker);
    this.ticker = undefined;
    for (const live of this.streams) live.end();
    await this.feed.close();
  }

  private async serve(sse: SSEStreamingApi, caller: Caller, last: number | undefined): Promise<void> {
    const live = new LiveStream(caller, sse, this.log, last);
    this.streams.add(live);
    this.startTicker();
    const unsubscribe = this.feed.subscribe(caller.userId, () => live.wake());
    sse.onAbort(() => live.end());
    try {
      await live.run();
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, "live updates: stream failed");
    } finally {
      unsubscribe();
      this.streams.delete(live);
      this.release(caller.userId);
    }
  }

  private release(userId: string): void {
    const count = (this.perUser.get(userId) ?? 1) - 1;
    if (count > 0) this.perUser.set(userId, count);
    else this.perUser.delete(userId);
  }

  private startTicker(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => this.tick(), CHECK_INTERVAL_MS);
    this.ticker.unref();
  }

  private tick(): void {
    const now = Date.now();
    for (const live of this.streams) {
      const { exp, sessionId } = live.caller;
      if (live.ended) {
        if (now - live.endedAt >= STUCK_AFTER_END_MS) live.abort();
      } else if (exp * 1000 <= now || this.revocations.isRevoked(sessionId)) live.end();
      else if (now - live.lastWriteAt >= this.pingIntervalMs) void live.ping();
    }
    if (this.streams.size === 0) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }
}

/** A Last-Event-ID that is a seq, or undefined (then the stream starts with a reset). */
function parseSeq(value: string): number | undefined {
  const text = value.trim();
  return /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

/** DATABASE_DIRECT_URL when set (behind a pooler in transaction mode), else DATABASE_URL. */
export function listenUrlOf(config: Pick<Config, "databaseUrl" | "databaseDirectUrl">): string | undefined {
  return config.databaseDirectUrl ?? config.databaseUrl;
}

/** The live updates for this database: PostgreSQL LISTEN/NOTIFY, or in-process on PGlite. */
export function createLiveUpdates(deps: LiveUpdatesDeps): LiveUpdates {
  const { listenUrl, database, revocations, logger, pingIntervalMs } = deps;
  if (database.driver === "postgres" && listenUrl) {
    const feed = new PostgresChangeFeed(listenUrl, logger);
    return new LiveUpdates(feed, database, revocations, logger, undefined, pingIntervalMs);
  }
  const feed = new ChangeFeed();
  return new LiveUpdates(feed, database, revocations, logger, (userId) => feed.publish(userId), pingIntervalMs);
}
