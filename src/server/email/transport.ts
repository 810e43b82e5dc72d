import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTransport } from "nodemailer";
import type { Logger } from "../logger.js";
import { maskEmail } from "./mask-email.js";

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Delivers one email, or throws; the outbox decides whether to try again. */
export interface EmailTransport {
  readonly name: "smtp" | "eml";
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

/**
 * Short timeouts (nodemailer waits up to 2 minutes to connect and 10 of silence by default):
 * a mail server that hangs must not hold an outbox batch for longer than its claim lasts.
 */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000, dnsTimeout: 10_000 };

/** SMTP through nodemailer; SMTP_URL carries host, port, TLS (smtps://) and credentials. */
export function smtpTransport(smtpUrl: string): EmailTransport {
  const mailer = createTransport({ url: smtpUrl, ...SMTP_TIMEOUTS, logger: false, debug: false });
  return {
    name: "smtp",
    async send(email) {
      await mailer.sendMail(email);
    },
    close: () => mailer.close(),
  };
}

/**
 * Without SMTP_URL: each email becomes an .eml file in `dir` (DATA_DIR/outbox/, 0700), which any
 * mail program opens, and the log says where (never the link it holds). `npm start` needs no
 * mail server, and a developer can follow the link.
 */
export function emlTransport(dir: string, logger: Logger): EmailTransport {
  const mailer = createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    name: "eml",
    async send(email) {
      const info = await mailer.sendMail(email);
      ensurePrivateDir(dir);
      const stamp = new Date().toISOString().replace(/[:.]/g, "-");
      const file = join(dir, `${stamp}-${randomBytes(4).toString("hex")}.eml`);
      // Written aside, then renamed: a reader never sees half a message.
      const partial = `${file}.partial`;
      writeFileSync(partial, info.message as Buffer, { mode: 0o600 });
      renameSync(partial, file);
      logger.info({ file, to: maskEmail(email.to) }, `email written to ${file} (no SMTP_URL set)`);
    },
    close: () => mailer.close(),
  };
}

function ensurePrivateDir(dir: string): void {
  if (existsSync(dir)) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask; say it once more, exactly.
  chmodSync(dir, 0o700);
}
