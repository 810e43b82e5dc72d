import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/server/config.js";
import { queueEmail } from "../../src/server/email/queue-email.js";
import { createLogger } from "../../src/server/logger.js";
import { startServer } from "../../src/server/server.js";
import { uniqueEmail } from "../helpers/auth-client.js";
import { runServerToExit } from "../helpers/server-process.js";
import { createServerStore } from "../helpers/server-store.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const SECRET = "a-configured-secret-of-at-least-32-characters";

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), "taskvault-email-"));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: dataDir, AUTH_SECRET: SECRET, ...env });

function configError(env: Record<string, string>): string {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("SMTP_URL and EMAIL_FROM", () => {
  it("default to no SMTP server and a no-reply sender at PUBLIC_URL's host, without its port", () => {
    expect(load({})).toMatchObject({ smtpUrl: undefined, emailFrom: "Taskvault <no-reply@localhost>" });
    expect(load({ PUBLIC_URL: "https://todo.example.com:8443" }).emailFrom).toBe(
      "Taskvault <no-reply@todo.example.com>",
    );
  });

  it("accept smtp:// and smtps:// URLs with credentials, and a sender with or without a name", () => {
    expect(load({ SMTP_URL: "smtp://user:pass@mail.example.com:587" }).smtpUrl).toBe(
      "smtp://user:pass@mail.example.com:587",
    );
    expect(load({ SMTP_URL: "smtps://mail.example.com:465" }).smtpUrl).toBe("smtps://mail.example.com:465");
    expect(load({ EMAIL_FROM: "Todo Team <todo@example.com>" }).emailFrom).toBe("Todo Team <todo@example.com>");
    expect(load({ EMAIL_FROM: "todo@example.com" }).emailFrom).toBe("todo@example.com");
  });

  it("refuse another scheme or a malformed URL in one line naming SMTP_URL, never echoing its password", () => {
    for (const value of ["http://mail.example.com", "mail.example.com:25", "smtp://", "smtp//user:hunter2@host"]) {
      const message = configError({ SMTP_URL: value });
      expect(message).toMatch(/^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
      expect(message).not.toContain("hunter2");
      expect(message).not.toContain("\n");
    }
  });

  it("refuse a sender that is not an address, or that would inject a header", () => {
    for (const value of ["Taskvault", "Taskvault <no-reply>", "a@b.example\r\nBcc: all@example.com", "<<x@y.z>>"]) {
      expect(configError({ EMAIL_FROM: value })).toMatch(/^EMAIL_FROM must be an address or Name <address>/);
    }
  });

  it("stop the server at start with one line naming the variable", async () => {
    const { code, stderr } = await runServerToExit({
      DATA_DIR: dataDir,
      AUTH_SECRET: SECRET,
      SMTP_URL: "mailto:ops@example.com",
    });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([expect.stringMatching(/^SMTP_URL must be an smtp:\/\/ or smtps:\/\//)]);
  });

  it("warn at start when NODE_ENV=production has no SMTP_URL", async () => {
    const store = await createServerStore();
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    const config = loadConfig({ ...store.env, NODE_ENV: "production", PORT: "0" });
    const server = await startServer(config, createLogger("info", sink));
    await server.close();
    await store.remove();
    expect(lines.filter((l) => l.level === "warn").map((l) => l.msg)).toContainEqual(
      expect.stringMatching(/^SMTP_URL is not set: emails are written as \.eml files/),
    );
  }, 60_000);
});

describe("without SMTP_URL: .eml files", () => {
  let t: TestApp;
  let emlDir: string;
  beforeAll(async () => {
    const own = mkdtempSync(join(tmpdir(), "taskvault-eml-"));
    rmSync(own, { recursive: true });
    emlDir = join(own, "outbox");
    t = await createTestApp({ env: { DATA_DIR: own }, emailSender: { pollIntervalMs: 50 } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(join(emlDir, ".."), { recursive: true, force: true });
  });

  it("writes each email as a file in DATA_DIR/outbox/ (0700, files 0600) and logs its path, never the link", async () => {
    const to = uniqueEmail("eml");
    const token = randomBytes(32).toString("base64url");
    await t.database.handle.db.transaction((tx) => queueEmail(tx, { kind: "reset-password", to, name: "Ada", token }));

    const deadline = Date.now() + 10_000;
    const written = () => t.logs.find((l) => typeof l.msg === "string" && l.msg.startsWith("email written to "));
    while (!written() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const line = written();
    expect(line).toMatchObject({ level: "info", to: `${to[0]}***@example.com` });
    const file = line?.file as string;
    expect(line?.msg).toBe(`email written to ${file} (no SMTP_URL set)`);
    expect(file.startsWith(`${emlDir}/`) && file.endsWith(".eml")).toBe(true);
    expect(readdirSync(emlDir)).toEqual([file.slice(emlDir.length + 1)]);
    expect(statSync(emlDir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const parsed = await simpleParser(readFileSync(file));
    expect(parsed.subject).toBe("Reset your Taskvault password");
    expect(parsed.text?.split("\n")).toContain(`http://localhost:3000/reset-password?token=${token}`);
    expect(JSON.stringify(t.logs)).not.toContain(token);
  });
});
