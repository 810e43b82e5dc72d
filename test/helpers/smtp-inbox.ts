import type { AddressInfo } from "node:net";
import { type AddressObject, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** One email as a person's mail program would show it. */
export interface ReceivedEmail {
  /** The envelope recipients (RCPT TO), lower-cased. */
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  /** The HTML's `lang` and the raw headers, for the checks that need them. */
  headers: Map<string, unknown>;
}

export interface SmtpInbox {
  /** The SMTP_URL that reaches this server. */
  url: string;
  readonly messages: ReceivedEmail[];
  /** While true, every message is refused with 451 (a server that is up but refuses). */
  rejecting: boolean;
  /** Waits until `count` messages have arrived for `to`, and returns them (oldest first). */
  waitFor(to: string, count?: number, timeoutMs?: number): Promise<ReceivedEmail[]>;
  /** The messages that arrived for `to` so far. */
  to(to: string): ReceivedEmail[];
  /** Stops listening (the mail server is down); `start` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * A real SMTP server in this process (nodemailer's smtp-server), on a free port of 127.0.0.1,
 * that parses every message it accepts with mailparser.
 *
 * @example
 *   const inbox = await startSmtpInbox();
 *   const t = await createTestApp({ env: { SMTP_URL: inbox.url }, emailSender: true });
 *   const [email] = await inbox.waitFor("ada@example.com");
 */
export async function startSmtpInbox(): Promise<SmtpInbox> {
  const messages: ReceivedEmail[] = [];
  const waiters = new Set<() => void>();
  let port = 0;
  let server: SMTPServer | undefined;

  const inbox: SmtpInbox = {
    url: "",
    messages,
    rejecting: false,
    to: (address) => messages.filter((m) => m.to.includes(address.toLowerCase())),
    async waitFor(address, count = 1, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (inbox.to(address).length < count) {
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(
            `expected ${count} email(s) to ${address}, got ${inbox.to(address).length} in ${timeoutMs} ms`,
          );
        }
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            waiters.delete(done);
            resolve();
          };
          const timer = setTimeout(done, Math.min(left, 200));
          waiters.add(done);
        });
      }
      return inbox.to(address).slice(0, count);
    },
    async start() {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ["STARTTLS", "AUTH"],
        logger: false,
        onData(stream, session, callback) {
          simpleParser(stream).then(
            (parsed) => {
              if (inbox.rejecting) {
                const refusal = Object.assign(new Error("Mailbox busy, try again later"), { responseCode: 451 });
                callback(refusal);
                return;
              }
              messages.push({
                to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
                from: addressText(parsed.from),
                subject: parsed.subject ?? "",
                text: parsed.text ?? "",
                html: typeof parsed.html === "string" ? parsed.html : "",
                headers: parsed.headers as Map<string, unknown>,
              });
              callback();
              for (const wake of [...waiters]) wake();
            },
            (error: Error) => callback(error),
          );
        },
      });
      await new Promise<void>((resolve, reject) => {
        server?.once("error", reject);
        server?.listen(port, "127.0.0.1", () => resolve());
      });
      port = (server.server.address() as AddressInfo).port;
      inbox.url = `smtp://127.0.0.1:${port}`;
    },
    async stop() {
      const running = server;
      server = undefined;
      if (running) await new Promise<void>((resolve) => running.close(() => resolve()));
    },
  };
  await inbox.start();
  return inbox;
}

function addressText(address: AddressObject | AddressObject[] | undefined): string {
  if (!address) return "";
  return (Array.isArray(address) ? address : [address]).map((a) => a.text).join(", ");
}

/**
 * The token of the link to `PUBLIC_URL/<page>?token=…` that stands on a line of its own in the
 * email's text part, as a person would click it.
 */
export function tokenFromLink(email: ReceivedEmail, publicUrl: string, page: string): string {
  const prefix = `${publicUrl}/${page}?token=`;
  const line = email.text.split(/\r?\n/).find((l) => l.trim().startsWith(prefix));
  if (!line) throw new Error(`no ${prefix}… line in the email's text:\n${email.text}`);
  return decodeURIComponent(line.trim().slice(prefix.length));
}
