import pino, { type Logger } from "pino";
import type { LogLevel } from "./config.js";

export type { Logger };

/**
 * JSON lines on stdout. Callers log chosen fields only (never a request's headers or body), and
 * the redaction list below is a second net for the names a secret would travel under.
 */
export function createLogger(level: LogLevel | "silent", destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          "password",
          "*.password",
          "token",
          "*.token",
          "refreshToken",
          "*.refreshToken",
          "authorization",
          "*.authorization",
          "cookie",
          "*.cookie",
          "secret",
          "*.secret",
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
