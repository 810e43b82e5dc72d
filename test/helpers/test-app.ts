import { Writable } from "node:stream";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { createApp } from "../../src/server/app.js";
import { type AuthModule, createAuth } from "../../src/server/auth/index.js";
import { type Config, defaultRateLimits, loadConfig, type RateLimits } from "../../src/server/config.js";
import { createEmailSender, type DeliveryLimits, type EmailSender } from "../../src/server/email/email-sender.js";
import type { AppEnv } from "../../src/server/http/app-env.js";
import { createLiveUpdates, type LiveUpdates } from "../../src/server/live/live-updates.js";
import { createLogger } from "../../src/server/logger.js";
import {
  createReminderScheduler,
  type ReminderLimits,
  type ReminderScheduler,
} from "../../src/server/reminders/reminder-scheduler.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";

export const TEST_SECRET = "test-secret-that-is-long-enough-for-taskvault-0123456789";

/** Limits high enough that only the throttling tests ever meet them. */
export const relaxedRateLimits: RateLimits = {
  ...defaultRateLimits,
  signinFailuresPerAccount: 1000,
  signinFailuresPerAddress: 1000,
  signupsPerAddress: 1000,
};

export interface TestApp {
  app: OpenAPIHono<AppEnv>;
  config: Config;
  auth: AuthModule;
  database: TestDatabase;
  /** Every line the server logged, as parsed JSON. */
  logs: Record<string, unknown>[];
  /** The live updates' streams and feed (GET /api/{userId}/events). */
  live: LiveUpdates;
  /** The outbox's sender, when the app was created with `emailSender`. */
  emailSender: EmailSender | undefined;
  /** The reminder scheduler, when the app was created with `reminderScheduler`. */
  reminderScheduler: ReminderScheduler | undefined;
  /** Calls the app as an HTTP client would; `address` stands for the peer's socket address. */
  request(path: string, init?: RequestInit & { address?: string }): Promise<Response>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  config?: Partial<Config>;
  /** Reuse a database (e.g. to restart the app on the same data). */
  database?: TestDatabase;
  /** The live updates' heartbeat interval (default 15 s), to see pings without waiting that long. */
  livePingIntervalMs?: number;
  /** Run the email outbox's sender, as the server does (`true`, or limits to shorten its waits). */
  emailSender?: boolean | Partial<DeliveryLimits>;
  /** Run the reminder scheduler, as the server does (`true`, or limits such as a shorter poll). */
  reminderScheduler?: boolean | Partial<ReminderLimits>;
}

/** The real app over its own fresh database, with logs captured instead of printed. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig(
    { PUBLIC_URL: "http://localhost:3000", LOG_LEVEL: "debug", ...options.env },
    { secrets: [TEST_SECRET], rateLimits: relaxedRateLimits, ...options.config },
  );
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const auth = await createAuth({ config, database: database.handle, logger });
  // The test database's own URL: the test config has no DATABASE_URL (the handle is opened here).
  const live = createLiveUpdates({
    listenUrl: database.url,
    database: database.handle,
    revocations: auth.revocations,
    logger,
    ...(options.livePingIntervalMs ? { pingIntervalMs: options.livePingIntervalMs } : {}),
  });
  const app = createApp({ config, database: database.handle, auth, logger, live });
  const limits = typeof options.emailSender === "object" ? options.emailSender : {};
  const emailSender = options.emailSender
    ? createEmailSender({ config, db: database.handle.db, logger, limits })
    : undefined;
  emailSender?.start();
  const reminderLimits = typeof options.reminderScheduler === "object" ? options.reminderScheduler : {};
  const reminderScheduler = options.reminderScheduler
    ? createReminderScheduler({
        config,
        db: database.handle.db,
        logger,
        onFired: live.onChange,
        limits: reminderLimits,
      })
    : undefined;
  reminderScheduler?.start();
  return {
    app,
    config,
    auth,
    database,
    logs,
    live,
    emailSender,
    reminderScheduler,
    request(path, init = {}) {
      const { address = "203.0.113.10", ...rest } = init;
      return Promise.resolve(app.request(path, rest, { incoming: { socket: { remoteAddress: address } } }));
    },
    async close() {
      await reminderScheduler?.stop();
      await emailSender?.stop();
      await live.close();
      auth.stop();
      if (!options.database) await database.destroy();
    },
  };
}
