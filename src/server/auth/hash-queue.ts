import { AsyncLocalStorage } from "node:async_hooks";

/** The queue is full: the request is refused at once (503 server_busy), nothing is hashed. */
export class ServerBusyError extends Error {
  override name = "ServerBusyError";
}

/** The client went away while its request waited: its password is not hashed. */
export class ClientGoneError extends Error {
  override name = "ClientGoneError";
}

/** What a request tells the queue about itself, carried to the hash through async context. */
export interface HashTicket {
  /** Aborted when the client disconnects. */
  signal?: AbortSignal | undefined;
  /** A client with a valid device cookie: its own, smaller lane, served first. */
  priority?: boolean;
}

interface Waiter {
  start: () => void;
}

/**
 * Password hashes are the only expensive work an anonymous client can ask for, so they get a
 * bounded queue: `slots` run at once, and a request is admitted only while fewer than
 * `maxWaiting` admitted requests stand behind them. Beyond that a request is refused before it
 * costs anything (ServerBusyError), so a legitimate sign-in never waits behind thousands.
 * Trusted clients (a device cookie, docs/decisions/010) have a lane of their own with its own
 * bound, served first, so a storm of strangers cannot starve the account's owner.
 */
export class HashQueue {
  private running = 0;
  /** Hashes started since the process began (for metrics, and to prove a skipped one). */
  started = 0;
  private readonly lanes = { priority: [] as Waiter[], normal: [] as Waiter[] };
  private readonly admitted = { priority: 0, normal: 0 };
  private readonly context = new AsyncLocalStorage<HashTicket>();

  constructor(
    readonly slots: number,
    readonly maxWaiting: number,
    readonly maxPriorityWaiting: number,
  ) {}

  /** Hashes waiting for a slot now. */
  get waiting(): number {
    return this.lanes.priority.length + this.lanes.normal.length;
  }

  /** True when `admit` would refuse a request of that lane now. */
  isFull(priority = false): boolean {
    const lane = priority ? "priority" : "normal";
    return this.admitted[lane] >= this.slots + (priority ? this.maxPriorityWaiting : this.maxWaiting);
  }

  /**
   * Runs `work` (a whole sign-in or sign-up) with a place in the queue, or throws
   * ServerBusyError at once when the queue is full. Hashes that `work` starts run in its lane.
   */
  async admit<T>(ticket: HashTicket, work: () => Promise<T>): Promise<T> {
    const lane = ticket.priority ? "priority" : "normal";
    if (this.isFull(ticket.priority)) throw new ServerBusyError("too many password hashes are waiting");
    this.admitted[lane]++;
    try {
      return await this.context.run(ticket, work);
    } finally {
      this.admitted[lane]--;
    }
  }

  /** Runs one hash when a slot is free; skipped if the requesting client has gone away. */
  async run<T>(hash: () => Promise<T>): Promise<T> {
    const ticket = this.context.getStore();
    if (ticket?.signal?.aborted) throw new ClientGoneError("the client went away before its hash started");
    if (this.running >= this.slots) {
      await new Promise<void>((start) => this.lanes[ticket?.priority ? "priority" : "normal"].push({ start }));
    } else {
      this.running++;
    }
    try {
      if (ticket?.signal?.aborted) throw new ClientGoneError("the client went away while its hash waited");
      this.started++;
      return await hash();
    } finally {
      // Hand the slot straight to the next in line (trusted clients first), or free it.
      const next = this.lanes.priority.shift() ?? this.lanes.normal.shift();
      if (next) next.start();
      else this.running--;
    }
  }
}
