import { Worker } from "node:worker_threads";
import type { QueryOptions, Results, Transaction } from "@electric-sql/pglite";
import { fromProjectRoot } from "../paths.js";
import { TEXT_TYPE_OIDS } from "./pglite-settings.mjs";

type Operation =
  | { op: "ready" | "begin" | "close" }
  | { op: "query"; sql: string; params: unknown[] | undefined; rowMode: "array" | "object" | undefined; tx?: number }
  | { op: "commit" | "rollback"; tx: number }
  | { op: "dump"; compression: "none" | "gzip" | "auto" | undefined };

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { name: string; message: string; stack?: string; fields: Record<string, unknown> };
}

/** An error raised by the database, with PostgreSQL's fields (code, constraint, detail…). */
export class PGliteError extends Error {
  [field: string]: unknown;
}

const textTypes = new Set(TEXT_TYPE_OIDS);

/**
 * The embedded database (PGlite) running in a worker thread, behind the subset of PGlite's API
 * that Drizzle and Taskvault use: query, transaction, dumpDataDir, close.
 *
 * PGlite is PostgreSQL compiled to WebAssembly: run in the server's thread, every query is CPU
 * work on the event loop, and HTTP, JSON and tokens wait for it. In its own thread the database
 * works while the event loop serves other requests, so the two use both cores; a page of tasks
 * crosses between them as structured-cloned rows (docs/benchmarks.md). Semantics are PGlite's:
 * one connection, queries in order, a transaction holds every other query until it ends.
 */
export class PGliteProxy {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private lastId = 0;
  private failure: Error | undefined;
  private closing = false;
  readonly waitReady: Promise<void>;

  private constructor(
    workerData: { dataDir?: string; seed?: ArrayBuffer },
    private readonly onUnexpectedExit: ((error: Error) => void) | undefined,
  ) {
    this.worker = new Worker(fromProjectRoot("src/server/db/pglite-worker.mjs"), {
      workerData,
      transferList: workerData.seed ? [workerData.seed] : [],
      // The worker is plain JavaScript: no TypeScript loader (tsx, Vitest) needs to follow it.
      execArgv: [],
    });
    this.worker.on("message", (reply: Reply) => this.settle(reply));
    this.worker.on("error", (error) => this.fail(error));
    this.worker.on("exit", (code) => this.fail(new Error(`the database thread stopped (exit code ${code})`)));
    this.waitReady = this.call<null>({ op: "ready" }).then(() => undefined);
  }

  /**
   * Starts PGlite in a worker: in memory, in `dataDir`, or loaded from a dump (tests).
   * `onUnexpectedExit` hears of the database thread stopping without close() (a crash): every
   * query fails from then on, so the server should stop and be restarted.
   */
  static async open(options: {
    dataDir?: string;
    loadDataDir?: Blob;
    onUnexpectedExit?: (error: Error) => void;
  }): Promise<PGliteProxy> {
    const seed = options.loadDataDir ? await options.loadDataDir.arrayBuffer() : undefined;
    const proxy = new PGliteProxy(
      { ...(options.dataDir ? { dataDir: options.dataDir } : {}), ...(seed ? { seed } : {}) },
      options.onUnexpectedExit,
    );
    await proxy.waitReady;
    return proxy;
  }

  /** A query's rows and affected row count (`fields` stays empty: nothing here reads it). */
  async query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    const result = await this.call<Omit<Results<T>, "fields">>({
      op: "query",
      sql,
      params,
      rowMode: rowModeOf(options),
    });
    return { ...result, fields: [] };
  }

  /** Runs `callback` in a transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T> {
    const id = await this.call<number>({ op: "begin" });
    let closed = false;
    const tx = {
      query: <R>(sql: string, params?: unknown[], options?: QueryOptions) => {
        if (closed) return Promise.reject(new Error("the transaction has ended"));
        return this.call<Omit<Results<R>, "fields">>({
          op: "query",
          sql,
          params,
          rowMode: rowModeOf(options),
          tx: id,
        }).then((result) => ({ ...result, fields: [] }));
      },
      rollback: async () => {
        throw new Error("rollback by throwing from the transaction's callback");
      },
      get closed() {
        return closed;
      },
    } as unknown as Transaction;
    let result: T;
    try {
      result = await callback(tx);
    } catch (error) {
      closed = true;
      await this.call({ op: "rollback", tx: id });
      throw error;
    }
    closed = true;
    await this.call({ op: "commit", tx: id });
    return result;
  }

  async dumpDataDir(compression?: "none" | "gzip" | "auto"): Promise<Blob> {
    return new Blob([await this.call<ArrayBuffer>({ op: "dump", compression })]);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (!this.failure) await this.call({ op: "close" });
    await this.worker.terminate();
  }

  /** Queries sent to the database thread and not answered yet (the running one included). */
  get inFlight(): number {
    return this.pending.size;
  }

  private call<T>(operation: Operation): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = ++this.lastId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, ...operation });
    });
  }

  private settle(reply: Reply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.result);
    else waiting.reject(toError(reply.error));
  }

  private fail(error: Error): void {
    if (!this.failure && !this.closing) this.onUnexpectedExit?.(error);
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

/**
 * The row mode asked for. Parsers cannot cross to the worker (they are functions); the only ones
 * Drizzle sends, date/time types as text, are installed there once (pglite-settings.mjs).
 */
function rowModeOf(options: QueryOptions | undefined): "array" | "object" | undefined {
  const parsers = options?.parsers;
  if (parsers && !Object.keys(parsers).every((oid) => textTypes.has(Number(oid)))) {
    throw new Error("custom type parsers are not supported by the PGlite worker");
  }
  if (options?.serializers) throw new Error("custom serializers are not supported by the PGlite worker");
  return options?.rowMode;
}

function toError(described: Reply["error"]): Error {
  const error = new PGliteError(described?.message ?? "database error");
  Object.assign(error, described?.fields ?? {});
  error.name = described?.name ?? "Error";
  if (described?.stack) error.stack = described.stack;
  return error;
}
