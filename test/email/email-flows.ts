import { eq } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";
import { emailOutbox } from "../../src/server/db/schema/index.js";
import type { EmailKind } from "../../src/server/email/queue-email.js";
import { bearer, jsonRequest } from "../helpers/auth-client.js";
import { type SmtpInbox, startSmtpInbox, tokenFromLink } from "../helpers/smtp-inbox.js";
import { createTestApp, type TestApp, type TestAppOptions } from "../helpers/test-app.js";

export const PUBLIC_URL = "http://localhost:3000";

/** The outbox sender polling and retrying often, so that emails arrive within a test's patience. */
export const FAST_EMAIL = { pollIntervalMs: 50, retryBaseMs: 50, retryMaxMs: 200 };

export interface EmailWorld {
  t: TestApp;
  inbox: SmtpInbox;
}

/**
 * For a test file: a real SMTP server and the app over a fresh database, its outbox sender
 * polling often so emails arrive within a test's patience. Read `world.t` and `world.inbox` in tests.
 */
export function emailWorldForFile(options: Omit<TestAppOptions, "emailSender"> = {}): EmailWorld {
  const world = {} as EmailWorld;
  beforeAll(async () => {
    world.inbox = await startSmtpInbox();
    world.t = await createTestApp({
      ...options,
      env: { SMTP_URL: world.inbox.url, ...options.env },
      emailSender: FAST_EMAIL,
    });
  });
  afterAll(async () => {
    await world.t?.close();
    await world.inbox?.stop();
  });
  return world;
}

/** Waits for the `n`th email to `to` (1-based) and returns the token of its link to `page`. */
export async function emailedToken(
  inbox: SmtpInbox,
  to: string,
  page: "reset-password" | "verify-email" | "confirm-email",
  n = 1,
): Promise<string> {
  const emails = (await inbox.waitFor(to, n)).filter((e) => e.text.includes(`${PUBLIC_URL}/${page}?token=`));
  const email = emails[emails.length - 1];
  if (!email) throw new Error(`no ${page} link among the first ${n} emails to ${to}`);
  return tokenFromLink(email, PUBLIC_URL, page);
}

/** The outbox rows queued for `to` of a kind, however far their delivery got. */
export async function queuedFor(t: Pick<TestApp, "database">, to: string, kind?: EmailKind) {
  const rows = await t.database.handle.db.select().from(emailOutbox).where(eq(emailOutbox.recipient, to));
  return kind ? rows.filter((row) => row.kind === kind) : rows;
}

export const post = (t: TestApp, path: string, body: unknown, init: { token?: string; address?: string } = {}) =>
  t.request(path, {
    ...jsonRequest("POST", body, init.token ? bearer(init.token) : {}),
    ...(init.address ? { address: init.address } : {}),
  });

/** A client address of its own for a test (a /64 of the documentation prefix), so per-address limits count only its requests. */
let addresses = 0;
export function freshAddress(): string {
  addresses++;
  return `2001:db8:${addresses.toString(16)}::1`;
}
