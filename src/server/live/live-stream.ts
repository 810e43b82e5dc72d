import type { SSEStreamingApi } from "hono/streaming";
import type { Caller } from "../http/app-env.js";
import type { ChangeLog, LoggedChange } from "./change-log.js";

/** Changes read per query while catching up. */
const READ_BATCH = 100;
/** More changes than this waiting for one stream: `reset` (overflow) instead of replaying them. */
export const MAX_BACKLOG = 1000;
/** A comment this often keeps proxies from closing an idle stream. */
export const PING_INTERVAL_MS = 15_000;

export type ResetReason = "too-old" | "overflow";

/**
 * One open event stream: where the client is in the user's change log (`last`), and whether the
 * log may hold more (`dirty`). Its memory is these few fields and at most one batch in flight:
 * wakes coalesce into the flag, and a client too far behind gets a `reset` instead of a backlog.
 */
export class LiveStream {
  ended = false;
  /** When end() was first called (0 while open). */
  endedAt = 0;
  lastWriteAt = Date.now();
  private dirty = true;
  private writing = false;
  private wakeUp: (() => void) | undefined;

  constructor(
    readonly caller: Caller,
    private readonly stream: SSEStreamingApi,
    private readonly log: ChangeLog,
    /** The last seq the client has; undefined when Last-Event-ID was not a seq at all. */
    private last: number | undefined,
  ) {}

  /** Marks the log as possibly holding more; the loop reads it. Cheap: called on every wake. */
  wake(): void {
    this.dirty = true;
    this.wakeUp?.();
  }

  end(): void {
    if (!this.ended) this.endedAt = Date.now();
    this.ended = true;
    this.wakeUp?.();
  }

  /**
   * Drops the response: for a stream that was ended but is stuck writing to a client that stopped
   * reading (its socket full), so that it lets go of its slot and memory instead of waiting for TCP.
   */
  abort(): void {
    this.stream.abort();
  }

  /** A heartbeat comment, unless a write is in progress (a stalled client gets no pile of them). */
  async ping(): Promise<void> {
    if (this.writing || this.ended) return;
    await this.write(": ping\n\n");
  }

  /**
   * Names where the stream starts, then sends what the log holds for the client and waits for the
   * next wake, until ended. The opening `id:` line (an event without data: it dispatches nothing)
   * gives a client that opened without Last-Event-ID a place to resume from, so that a reconnect
   * before its first event (an access token renewed, a network change) misses nothing in between,
   * reminders included, and needs no reload.
   */
  async run(): Promise<void> {
    if (this.last !== undefined) await this.write(`id: ${this.last}\n\n`);
    while (!this.ended) {
      if (this.dirty) {
        this.dirty = false;
        if (!(await this.catchUp())) return;
        continue;
      }
      await new Promise<void>((resolve) => {
        this.wakeUp = resolve;
      });
      this.wakeUp = undefined;
    }
  }

  /** Reads and sends the changes after `last`; false when the user is gone (the stream ends). */
  private async catchUp(): Promise<boolean> {
    for (;;) {
      const after = this.last ?? 0;
      const read = await this.log.after(this.caller.userId, after, READ_BATCH);
      if (!read || this.ended) return false;
      const { head, changes } = read;
      const reason = this.last === undefined ? "too-old" : gapOf(after, head, changes);
      if (reason) {
        this.last = head;
        await this.sendEvent("reset", head, { reason });
        return true;
      }
      for (const change of changes) {
        if (this.ended) return true;
        await this.sendChange(change);
        this.last = change.seq;
      }
      if (changes.length < READ_BATCH) return true;
    }
  }

  private async sendChange(change: LoggedChange): Promise<void> {
    if (change.kind === "reminder") return this.sendReminder(change);
    if (change.task === null) return this.sendEvent("task.deleted", change.seq, { id: change.taskId });
    const event = change.kind === "created" ? "task.created" : "task.updated";
    return this.sendEvent(event, change.seq, change.task);
  }

  /**
   * A reminder with the task as it is now; none for a task deleted or completed since it fired
   * (the reminder no longer stands), though the client's place in the log still moves past it.
   */
  private async sendReminder({ seq, task, reminder }: LoggedChange): Promise<void> {
    if (!task || task.completed || !reminder) return;
    const { id: taskId, title, dueAt } = task;
    await this.sendEvent("reminder", seq, { taskId, title, dueAt, ...reminder });
  }

  private sendEvent(event: string, id: number, data: unknown): Promise<void> {
    return this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\nid: ${id}\n\n`);
  }

  private async write(text: string): Promise<void> {
    this.writing = true;
    try {
      await this.stream.write(text);
      this.lastWriteAt = Date.now();
    } finally {
      this.writing = false;
    }
  }
}

/** Why the changes after `after` cannot be sent one by one, if they cannot. */
function gapOf(after: number, head: number, changes: LoggedChange[]): ResetReason | undefined {
  // A seq this user never reached: from another database, or invented.
  if (after > head) return "too-old";
  if (head - after > MAX_BACKLOG) return "overflow";
  const first = changes[0];
  // The successor of `after` was pruned (seqs have no gaps, so it existed).
  if (first ? first.seq !== after + 1 : head > after) return "too-old";
  return undefined;
}
