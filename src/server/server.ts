import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp } from "./app.js";
import { createAuth } from "./auth/index.js";
import type { Config } from "./config.js";
import { openDatabase } from "./db/client.js";
import { applyMigrations, requireMigrated } from "./db/migration-step.js";
import { createEmailSender } from "./email/email-sender.js";
import { createLiveUpdates, listenUrlOf } from "./live/live-updates.js";
import type { Logger } from "./logger.js";
import { Housekeeping } from "./ops/housekeeping.js";
import { createReminderScheduler } from "./reminders/reminder-scheduler.js";

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;

export interface ServerHooks {
  /** The embedded database stopped on its own (its thread crashed): nothing can be served. */
  onDatabaseLost?: (error: Error) => void;
  /** Average time between purges of expired rows (ops/housekeeping.ts); tests shorten it. */
  housekeepingIntervalMs?: number;
}

/** Opens the database, migrates it (or checks it is migrated), and serves the app. Used by main.ts and by tests. */
export async function startServer(config: Config, logger: Logger, hooks: ServerHooks = {}): Promise<RunningServer> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onDatabaseLost: hooks.onDatabaseLost,
  });
  try {
    if (config.migrateOnStart) await applyMigrations(config, database);
    else await requireMigrated(database);
    const auth = await createAuth({ config, database, logger });
    const live = createLiveUpdates({ listenUrl: listenUrlOf(config), database, revocations: auth.revocations, logger });
    const app = createApp({ config, database, auth, logger, live });
    const server = await new Promise<Server>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s as Server));
      s.once("error", reject);
    });
    const { port } = server.address() as AddressInfo;
    const housekeeping = new Housekeeping({
      db: database.db,
      logger,
      revocationRetentionSeconds: auth.revocations.rememberSeconds,
      intervalMs: hooks.housekeepingIntervalMs,
    });
    housekeeping.start();
    if (config.production && !config.smtpUrl) {
      logger.warn(
        { outbox: `${config.dataDir}/outbox` },
        "SMTP_URL is not set: emails are written as .eml files into DATA_DIR/outbox/ and reach no one. Set SMTP_URL in production.",
      );
    }
    // Every process runs a sender; they share the outbox's rows without sending any twice.
    const emailSender = createEmailSender({ config, db: database.db, logger });
    emailSender.start();
    // Every process runs a scheduler too; each reminder fires in one of them, once.
    const reminders = createReminderScheduler({ config, db: database.db, logger, onFired: live.onChange });
    reminders.start();
    return {
      url: `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`,
      port,
      async close() {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Event streams stay open until told: end them, or the close would wait the whole grace.
        await live.close();
        const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        await closed;
        clearTimeout(force);
        await housekeeping.stop();
        await reminders.stop();
        await emailSender.stop();
        auth.stop();
        await database.close();
      },
    };
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
}
