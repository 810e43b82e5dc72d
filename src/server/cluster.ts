import cluster, { type Worker } from "node:cluster";
import type { Config } from "./config.js";
import { openDatabase } from "./db/client.js";
import { applyMigrations, requireMigrated } from "./db/migration-step.js";
import type { Logger } from "./logger.js";
import { serveClusterMetrics } from "./ops/metrics.js";

/** How long the group waits for its workers to finish their requests before killing them. */
const DRAIN_LIMIT_MS = 30_000;
/** More unexpected exits than this in one window means the workers cannot run: stop the group. */
const CRASH_LIMIT = 10;
const CRASH_WINDOW_MS = 60_000;

/**
 * The primary of `WEB_CONCURRENCY=N`: migrates once, then runs N workers that each serve the
 * whole app on the shared port (node:cluster hands connections out in turn). Workers keep nothing
 * that another needs: sessions, revocations, throttle counters and keys are all in PostgreSQL.
 *
 * - A worker that exits on its own is replaced (unless they keep dying: then the group stops).
 * - SIGTERM or SIGINT: every worker stops accepting, finishes its requests, and exits; then the
 *   primary exits 0.
 * - SIGHUP: a rolling restart, one worker at a time, each replaced by a new one that is listening
 *   before the old one is told to drain (new code in dist/ is picked up without a dropped request).
 *
 * Resolves when the workers are listening; the process exits when the group has stopped.
 */
export async function runPrimary(config: Config, logger: Logger): Promise<void> {
  await prepareDatabase(config);
  // The workers find the schema ready: they only check it, and do not queue on the migration lock.
  cluster.setupPrimary({ silent: false });
  const workerEnv = { MIGRATE_ON_START: "false" };
  const retiring = new Set<Worker>();
  const crashes: number[] = [];
  let stopping = false;

  const fork = () => cluster.fork(workerEnv);
  const listening = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      worker.once("listening", () => resolve());
      worker.once("exit", (code, signal) => reject(new Error(`worker exited before listening (${signal ?? code})`)));
    });

  if (config.metricsToken) serveClusterMetrics();
  const workers = Array.from({ length: config.webConcurrency }, fork);
  try {
    await Promise.all(workers.map(listening));
  } catch {
    // A worker that cannot start has printed why (one line on stderr); the others go too.
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGKILL");
    process.exitCode = 1;
    throw new StartupFailed();
  }

  cluster.on("exit", (worker, code, signal) => {
    if (stopping || retiring.delete(worker)) return;
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && (crashes[0] ?? now) < now - CRASH_WINDOW_MS) crashes.shift();
    if (crashes.length > CRASH_LIMIT) {
      logger.fatal({ crashes: crashes.length }, "workers keep exiting; stopping the group");
      stop("crash loop", 1);
      return;
    }
    logger.warn({ pid: worker.process.pid, code, signal }, "a worker exited; starting a replacement");
    fork();
  });

  const stop = (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, "shutting down: every worker finishes its in-flight requests");
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const exits = alive.map((worker) => new Promise<number>((resolve) => worker.once("exit", (c) => resolve(c ?? 1))));
    for (const worker of alive) worker.process.kill("SIGTERM");
    const force = setTimeout(() => {
      for (const worker of alive) worker.process.kill("SIGKILL");
    }, DRAIN_LIMIT_MS);
    Promise.all(exits).then((codes) => {
      clearTimeout(force);
      logger.info("stopped");
      process.exit(codes.every((c) => c === 0) ? exitCode : 1);
    });
  };

  let restarting = false;
  const rollingRestart = async () => {
    if (restarting || stopping) return;
    restarting = true;
    logger.info("rolling restart: replacing each worker in turn");
    try {
      for (const old of Object.values(cluster.workers ?? {})) {
        if (!old || stopping) continue;
        const fresh = fork();
        await listening(fresh);
        retiring.add(old);
        const gone = new Promise((resolve) => old.once("exit", resolve));
        old.process.kill("SIGTERM");
        await gone;
      }
      logger.info("rolling restart done");
    } catch (error) {
      logger.error({ err: String(error) }, "rolling restart stopped: a new worker did not start");
    } finally {
      restarting = false;
    }
  };

  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGHUP", () => void rollingRestart());
  cluster.on("message", (worker, message: { type?: string; id?: number }) => {
    if (message?.type === LEAVING) worker.send({ type: LEFT, id: message.id });
  });
}

const LEAVING = "taskvault:leaving";
const LEFT = "taskvault:left";

/**
 * In a worker that has stopped serving, before it exits: one round trip to the primary. The
 * primary hands each new connection to a worker over IPC and holds it until the worker accepts or
 * returns it; a worker that exits with such a hand-off still in the pipe leaves that client
 * hanging. Our server's close already told the primary to stop sending (the messages are ordered),
 * so once the primary answers, every hand-off it sent before has arrived and been handed back.
 */
export function leavePrimary(): Promise<void> {
  if (!cluster.isWorker || !process.connected) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, 2_000);
    function done() {
      clearTimeout(timer);
      process.off("message", onMessage);
      resolve();
    }
    function onMessage(message: { type?: string; id?: number }) {
      if (message?.type === LEFT && message.id === process.pid) done();
    }
    process.on("message", onMessage);
    process.send?.({ type: LEAVING, id: process.pid });
  });
}

/** The group could not start; the reason is already on stderr. */
export class StartupFailed extends Error {
  override name = "StartupFailed";
  constructor() {
    super("a worker could not start (its reason is above)");
  }
}

/** Once for the group, before any worker: migrate (or check), so that N workers do not queue. */
async function prepareDatabase(config: Config): Promise<void> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, poolSize: 1 });
  try {
    if (config.migrateOnStart) await applyMigrations(config, database);
    else await requireMigrated(database);
  } finally {
    await database.close();
  }
}

/** In a worker, every log line says which process wrote it: N workers share one stdout. */
export function workerLogger(logger: Logger): Logger {
  return cluster.isWorker ? logger.child({ worker: cluster.worker?.id, pid: process.pid }) : logger;
}
