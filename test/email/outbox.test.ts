import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { eq, inArray } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Database, type DatabaseHandle, openDatabase } from "../../src/server/db/client.js";
import { emailOutbox } from "../../src/server/db/schema/index.js";
import { type DeliveryLimits, EmailSender } from "../../src/server/email/email-sender.js";
import { type EmailMessage, queueEmail } from "../../src/server/email/queue-email.js";
import { type EmailTransport, smtpTransport } from "../../src/server/email/transport.js";
import { createLogger } from "../../src/server/logger.js";
import { signUp, uniqueEmail } from "../helpers/auth-client.js";
import { type SmtpInbox, startSmtpInbox, tokenFromLink } from "../helpers/smtp-inbox.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const PUBLIC_URL = "http://localhost:3000";
// Retries within a test's patience; the real pace is seconds to an hour.
const fast: Partial<DeliveryLimits> = { pollIntervalMs: 50, retryBaseMs: 50, retryMaxMs: 200 };

let inbox: SmtpInbox;
let t: TestApp;
let db: Database;
beforeAll(async () => {
  inbox = await startSmtpInbox();
  t = await createTestApp({ env: { SMTP_URL: inbox.url }, emailSender: fast });
  db = t.database.handle.db;
});
afterAll(async () => {
  await t.close();
  await inbox.stop();
});
afterEach(() => {
  inbox.rejecting = false;
});

function resetEmail(to = uniqueEmail("mail")): EmailMessage & { to: string; token: string } {
  return { kind: "reset-password", to, name: "Ada", token: randomBytes(32).toString("base64url") };
}

async function queue(message: EmailMessage, database: Database = db): Promise<void> {
  await database.transaction(async (tx) => queueEmail(tx, message));
}

async function rowsTo(recipient: string, database: Database = db) {
  return database.select().from(emailOutbox).where(eq(emailOutbox.recipient, recipient));
}

/** Waits until `check` holds, polling; fails after `timeoutMs`. */
async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("the condition never held");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger("debug", sink), lines };
}

describe("delivery over SMTP", () => {
  it("sends a queued email with a plain-text part holding the link on its own line and an accessible HTML part", async () => {
    const message = resetEmail();
    await queue(message);
    const [email] = await inbox.waitFor(message.to);
    expect(email?.from).toBe(`"Taskvault" <no-reply@localhost>`);
    expect(email?.subject).toBe("Reset your Taskvault password");
    const link = `${PUBLIC_URL}/reset-password?token=${message.token}`;
    expect(email?.text.split("\n")).toContain(link);
    expect(email?.text).toContain("Hello Ada,");
    expect(tokenFromLink(email as never, PUBLIC_URL, "reset-password")).toBe(message.token);
    const html = email?.html ?? "";
    expect(html).toMatch(/<html lang="en">/);
    expect(html).toMatch(/<h1[^>]*>Reset your password<\/h1>/);
    expect(html).toContain(`<a href="${link}"`);
    // The link also as text, for a reader that cannot follow it.
    expect(html).toMatch(new RegExp(`>${link.replace(/[.?]/g, "\\$&")}</span>`));
    expect(html).not.toMatch(/<img|<script|<link|url\(/i);
  });

  it("keeps who and when of a sent email but wipes its payload, which held a live link", async () => {
    const message = resetEmail();
    await queue(message);
    await inbox.waitFor(message.to);
    await eventually(async () => (await rowsTo(message.to))[0]?.status === "sent");
    const [row] = await rowsTo(message.to);
    expect(row).toMatchObject({ status: "sent", payload: null, attempts: 1, finishedAt: expect.any(Date) });
  });

  it("sends nothing for a transaction that rolled back", async () => {
    const lost = resetEmail();
    await expect(
      db.transaction(async (tx) => {
        await queueEmail(tx, lost);
        throw new Error("the caller's work failed");
      }),
    ).rejects.toThrow("the caller's work failed");
    // Sent in order: once a later email is in, the first would have been too.
    const later = resetEmail();
    await queue(later);
    await inbox.waitFor(later.to);
    expect(inbox.to(lost.to)).toEqual([]);
    expect(await rowsTo(lost.to)).toEqual([]);
  });

  it("renders every kind with the product's name, and a notice greets by name without a link", async () => {
    const to = uniqueEmail("kinds");
    await queue({ kind: "password-changed", to, name: "Grace" });
    await queue({ kind: "account-deleted", to, name: "Grace" });
    await queue({ kind: "email-change-notice", to, name: "Grace", newEmail: "new@example.com" });
    const emails = await inbox.waitFor(to, 3);
    expect(emails.map((e) => e.subject).sort()).toEqual([
      "Your Taskvault account was deleted",
      "Your Taskvault email address is about to change",
      "Your Taskvault password was changed",
    ]);
    for (const email of emails) {
      expect(email.text).toContain("Hello Grace,");
      expect(email.text).not.toMatch(/token=/);
      expect(email.html).toMatch(/<html lang="en">/);
    }
    expect(emails.find((e) => e.subject.includes("about to change"))?.text).toContain("new@example.com");
  });

  it("greets no one by name in an email to an address the account has not proven", async () => {
    const to = uniqueEmail("unproven");
    const token = randomBytes(32).toString("base64url");
    await queue({ kind: "verify-email", to, name: "Visit evil.example now", token });
    const [email] = await inbox.waitFor(to);
    expect(email?.text).toContain("Hello,");
    expect(email?.text).not.toContain("evil.example");
    expect(email?.html).not.toContain("evil.example");
    expect(tokenFromLink(email as never, PUBLIC_URL, "verify-email")).toBe(token);
  });
});

describe("retries", () => {
  it("retries while the mail server is down, then delivers once it is back, exactly once", async () => {
    await inbox.stop();
    const message = resetEmail();
    try {
      await queue(message);
      await eventually(async () => ((await rowsTo(message.to))[0]?.attempts ?? 0) >= 3);
      const [row] = await rowsTo(message.to);
      expect(row).toMatchObject({ status: "pending", lastError: expect.stringMatching(/ECONNREFUSED/) });
    } finally {
      await inbox.start();
    }
    await inbox.waitFor(message.to);
    await eventually(async () => (await rowsTo(message.to))[0]?.status === "sent");
    expect(inbox.to(message.to)).toHaveLength(1);
    const warnings = t.logs.filter((l) => l.msg === "email outbox: sending failed, will retry");
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    // The address is masked in every line, and no line holds the link's token.
    const local = message.to.split("@")[0] as string;
    for (const line of t.logs) {
      expect(JSON.stringify(line)).not.toContain(local);
      expect(JSON.stringify(line)).not.toContain(message.token);
    }
  });

  it("retries while the mail server refuses the message, then delivers it once", async () => {
    inbox.rejecting = true;
    const message = resetEmail();
    await queue(message);
    await eventually(async () => ((await rowsTo(message.to))[0]?.attempts ?? 0) >= 2);
    expect((await rowsTo(message.to))[0]?.lastError).toMatch(/451/);
    inbox.rejecting = false;
    await inbox.waitFor(message.to);
    await eventually(async () => (await rowsTo(message.to))[0]?.status === "sent");
    expect(inbox.to(message.to)).toHaveLength(1);
  });

  it("gives an email up after its day (here shortened), logs a warning with the address masked, and wipes the payload", async () => {
    // A database of its own, where no other sender takes the row.
    const other = await createTestApp();
    const otherDb = other.database.handle.db;
    const { logger, lines } = capturedLogger();
    const sender = new EmailSender({
      db: otherDb,
      logger,
      transport: smtpTransport("smtp://127.0.0.1:1"),
      from: "Taskvault <no-reply@localhost>",
      publicUrl: PUBLIC_URL,
      limits: { ...fast, giveUpAfterMs: 150 },
    });
    const message = resetEmail();
    try {
      await queue(message, otherDb);
      sender.start();
      await eventually(async () => (await rowsTo(message.to, otherDb))[0]?.status === "failed");
      await sender.stop();
      const [row] = await rowsTo(message.to, otherDb);
      expect(row).toMatchObject({ status: "failed", payload: null, finishedAt: expect.any(Date) });
      expect(row?.attempts).toBeGreaterThanOrEqual(1);
    } finally {
      await sender.stop();
      await other.close();
    }
    const givenUp = lines.find((l) => l.msg === "email outbox: email given up");
    expect(givenUp).toMatchObject({ level: "warn", kind: "reset-password", to: `${message.to[0]}***@example.com` });
    expect(JSON.stringify(lines)).not.toContain(message.to);
    expect(JSON.stringify(lines)).not.toContain(message.token);
  });
});

describe("bounds", () => {
  it("claims a batch at a time and stops claiming when its time budget is spent", async () => {
    // A database of its own, so the app's sender does not take these rows.
    const other = await createTestApp();
    try {
      const recipients = Array.from({ length: 7 }, () => uniqueEmail("batch"));
      for (const to of recipients) await queue({ ...resetEmail(to) }, other.database.handle.db);
      const { logger } = capturedLogger();
      const sender = new EmailSender({
        db: other.database.handle.db,
        logger,
        transport: smtpTransport(inbox.url),
        from: "Taskvault <no-reply@localhost>",
        publicUrl: PUBLIC_URL,
        limits: { batchSize: 3, runBudgetMs: 0 },
      });
      expect(await sender.runOnce()).toEqual({ sent: 3, retried: 0, failed: 0, more: true });
      expect(await sender.runOnce()).toEqual({ sent: 3, retried: 0, failed: 0, more: true });
      expect(await sender.runOnce()).toEqual({ sent: 1, retried: 0, failed: 0, more: false });
      expect(await sender.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0, more: false });
      for (const to of recipients) expect(inbox.to(to)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});

describe("stopping", () => {
  it("finishes the email being sent and hands the rest of its batch back, due at once, to the next sender", async () => {
    const other = await createTestApp();
    const otherDb = other.database.handle.db;
    try {
      const recipients = Array.from({ length: 5 }, () => uniqueEmail("stop"));
      for (const to of recipients) await queue(resetEmail(to), otherDb);
      let sending: () => void = () => {};
      const started = new Promise<void>((resolve) => {
        sending = resolve;
      });
      const sent: string[] = [];
      // A slow mail server, so that stop() arrives in the middle of the batch.
      const slow: EmailTransport = {
        name: "smtp",
        async send(email) {
          sending();
          await new Promise((resolve) => setTimeout(resolve, 200));
          sent.push(email.to);
        },
        close() {},
      };
      const { logger } = capturedLogger();
      const sender = new EmailSender({
        db: otherDb,
        logger,
        transport: slow,
        from: "x@localhost",
        publicUrl: PUBLIC_URL,
      });
      sender.start();
      await started;
      await sender.stop();
      expect(sent).toHaveLength(1);
      const rows = await otherDb.select().from(emailOutbox).where(inArray(emailOutbox.recipient, recipients));
      const left = rows.filter((row) => row.status === "pending");
      expect(left).toHaveLength(4);
      for (const row of left) {
        expect(row.attempts).toBe(0);
        expect(row.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
      }
      // The next sender delivers them.
      const next = new EmailSender({
        db: otherDb,
        logger,
        transport: smtpTransport(inbox.url),
        from: "Taskvault <no-reply@localhost>",
        publicUrl: PUBLIC_URL,
      });
      expect(await next.runOnce()).toMatchObject({ sent: 4 });
      for (const row of left) expect(inbox.to(row.recipient)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});

describe("durability", () => {
  it("loses nothing across a restart: what one app queued while mail was down, the next one sends once", async () => {
    const shared = await createTestApp();
    const addresses: string[] = [];
    try {
      await inbox.stop();
      const first = await createTestApp({ database: shared.database, env: { SMTP_URL: inbox.url }, emailSender: fast });
      try {
        for (let i = 0; i < 3; i++) {
          const message = resetEmail();
          await queue(message, first.database.handle.db);
          addresses.push(message.to);
        }
        const outbox = () =>
          first.database.handle.db.select().from(emailOutbox).where(inArray(emailOutbox.recipient, addresses));
        await eventually(async () => (await outbox()).every((row) => row.attempts >= 1));
      } finally {
        await first.close();
        await inbox.start();
      }
      const second = await createTestApp({
        database: shared.database,
        env: { SMTP_URL: inbox.url },
        emailSender: fast,
      });
      try {
        for (const address of addresses) await inbox.waitFor(address);
        await eventually(async () => {
          const rows = await second.database.handle.db
            .select()
            .from(emailOutbox)
            .where(inArray(emailOutbox.recipient, addresses));
          return rows.every((row) => row.status === "sent");
        });
      } finally {
        await second.close();
      }
      for (const address of addresses) expect(inbox.to(address)).toHaveLength(1);
    } finally {
      await shared.close();
    }
  });
});

describe("two app instances on one database", () => {
  it("send each of a burst of emails exactly once", async () => {
    // On PostgreSQL the second instance has its own connection pool, as a second process would;
    // PGlite serves one process, so there both share its connection.
    const secondHandle: DatabaseHandle | undefined = t.database.url
      ? await openDatabase({ databaseUrl: t.database.url, poolSize: 4 })
      : undefined;
    const other = await createTestApp({
      database: secondHandle
        ? { handle: secondHandle, url: t.database.url, destroy: () => secondHandle.close() }
        : t.database,
      env: { SMTP_URL: inbox.url },
      emailSender: { ...fast, batchSize: 3 },
    });
    try {
      const queued = Array.from({ length: 30 }, () => uniqueEmail("once"));
      await Promise.all(queued.map((to, i) => queue(resetEmail(to), i % 2 ? db : other.database.handle.db)));
      // And through the API of each: every sign-up queues its verification email.
      const signedUp = await Promise.all(
        Array.from(
          { length: 10 },
          async (_, i) => (await signUp(i % 2 ? t : other, { email: uniqueEmail("signup") })).email,
        ),
      );
      const recipients = [...queued, ...signedUp];
      for (const to of recipients) await inbox.waitFor(to);
      await eventually(async () => {
        const rows = await db.select().from(emailOutbox).where(inArray(emailOutbox.recipient, recipients));
        return rows.length === recipients.length && rows.every((row) => row.status === "sent");
      });
      // Both keep polling; one more run each finds nothing left to send twice.
      await Promise.all([other.emailSender?.runOnce(), t.emailSender?.runOnce()]);
      for (const to of recipients) expect(inbox.to(to)).toHaveLength(1);
      const rows = await db.select().from(emailOutbox).where(inArray(emailOutbox.recipient, recipients));
      expect(rows.map((row) => row.attempts)).toEqual(recipients.map(() => 1));
    } finally {
      await other.close();
      await secondHandle?.close();
    }
  });
});
