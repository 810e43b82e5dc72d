import cluster from "node:cluster";
import { existsSync } from "node:fs";
import { leavePrimary, runPrimary, workerLogger } from "./cluster.js";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { runMigrateCommand } from "./migrate-command.js";
import { startServer } from "./server.js";

// A .env file beside package.json is read when present; real environment variables win.
if (existsSync(".env")) process.loadEnvFile(".env");

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = workerLogger(createLogger(config.logLevel));
  if (process.argv[2] === "migrate") {
    await runMigrateCommand(config, logger);
    return;
  }
  if (config.webConcurrency > 1 && cluster.isPrimary) {
    await runPrimary(config, logger);
    logger.info({ workers: config.webConcurrency }, `Taskvault is listening with ${config.webConcurrency} workers`);
    return;
  }
  if (config.secretGenerated) {
    logger.warn(
      { dataDir: config.dataDir },
      "AUTH_SECRET is not set: using a secret generated into DATA_DIR/auth-secret. Set AUTH_SECRET in production.",
    );
  }
  const server = await startServer(config, logger, {
    // Every query would fail from now on: exit, so that the supervisor (systemd, a container
    // runtime) restarts the server instead of leaving it answering 500s.
    onDatabaseLost(error) {
      logger.fatal({ err: error.message }, "the embedded database stopped; exiting");
      process.exit(1);
    },
  });
  logger.info(
    { url: server.url, database: config.databaseUrl ? "postgres" : `pglite (${config.dataDir})` },
    `Taskvault is listening on ${server.url}`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    server
      .close()
      .then(leavePrimary)
      .then(
        () => {
          logger.info("stopped");
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: String(error) }, "shutdown failed");
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  // One readable line for the operator; the stack is noise for a configuration mistake.
  const message = error instanceof ConfigError ? error.message : `Taskvault could not start: ${startupMessage(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});

function startupMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") return `${error.message}; set PORT to a free port`;
  return `${error.message}${error.message.includes("AUTH_SECRET") ? "" : cause}`;
}
