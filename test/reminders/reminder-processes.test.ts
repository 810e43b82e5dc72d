import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../../src/shared/task.schemas.js";
import { bearer, jsonRequest, STRONG_PASSWORD, uniqueEmail } from "../helpers/auth-client.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { type ReceivedEmail, type SmtpInbox, startSmtpInbox, tokenFromLink } from "../helpers/smtp-inbox.js";
import { openSse, type SseStream } from "../helpers/sse-client.js";
import { TEST_SECRET } from "../helpers/test-app.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";
import {
  dataOf,
  eventually,
  inMs,
  loggedReminders,
  PUBLIC_URL,
  queuedReminders,
  reminderEmails,
  sleep,
} from "./reminder-world.js";

// Reminders as real server processes fire them (src/server/main.ts, REMINDER_POLL_MS from the
// environment). On PostgreSQL, two processes share one database and each reminder reaches the
// owner once, by email and on a stream held open on either process. PGlite serves one process:
// there one process fires them, waking its own streams in-process.

const postgres = Boolean(process.env.TEST_DATABASE_URL);
const REMINDERS = 20;

describe(
  postgres
    ? "reminders with two server processes on one PostgreSQL database"
    : "reminders in a server process on the embedded database",
  () => {
    let database: TestDatabase | undefined;
    let inbox: SmtpInbox;
    const dataDirs: string[] = [];
    const processes: ServerProcess[] = [];
    const streams: SseStream[] = [];

    beforeAll(async () => {
      inbox = await startSmtpInbox();
      if (postgres) database = await createTestDatabase();
      for (let i = 0; i < (postgres ? 2 : 1); i++) {
        const dataDir = mkdtempSync(join(tmpdir(), "taskvault-reminders-"));
        dataDirs.push(dataDir);
        const env: Record<string, string> = {
          DATA_DIR: dataDir,
          AUTH_SECRET: TEST_SECRET,
          PUBLIC_URL,
          SMTP_URL: inbox.url,
          REMINDER_POLL_MS: "100",
          LOG_LEVEL: "debug",
        };
        if (database?.url) env.DATABASE_URL = database.url;
        processes.push(await startServerProcess(env, 45_000));
      }
    }, 120_000);

    afterAll(async () => {
      for (const stream of streams) stream.close();
      for (const server of processes) await server.stop();
      await inbox?.stop();
      await database?.destroy();
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    });

    const call = (server: ServerProcess, path: string, init: RequestInit) => fetch(`${server.url}${path}`, init);

    it("deliver each reminder once, by email and on an open stream", async () => {
      const a = processes[0] as ServerProcess;
      const b = processes[processes.length - 1] as ServerProcess;
      const email = uniqueEmail("procs");
      const signup = await call(a, "/api/auth/signup", jsonRequest("POST", { email, password: STRONG_PASSWORD }));
      expect(signup.status).toBe(201);
      const { user, token } = (await signup.json()) as { user: { id: string }; token: string };
      const [verification] = await inbox.waitFor(email);
      const verifyToken = tokenFromLink(verification as ReceivedEmail, PUBLIC_URL, "verify-email");
      expect((await call(b, "/api/auth/verify-email", jsonRequest("POST", { token: verifyToken }))).status).toBe(200);

      const stream = await openSse(`${b.url}/api/${user.id}/events`, bearer(token));
      streams.push(stream);
      expect(stream.response.status).toBe(200);

      // Created on either process, due one after another over two seconds, so both schedulers find some.
      const tasks: Task[] = [];
      for (let i = 0; i < REMINDERS; i++) {
        const on = i % 2 === 0 ? a : b;
        const body = {
          title: `Process task ${String(i).padStart(2, "0")}`,
          dueAt: inMs(60_800 + i * 100),
          reminders: [{ before: "PT1M" }],
        };
        const res = await call(on, `/api/${user.id}/tasks`, jsonRequest("POST", body, bearer(token)));
        expect(res.status).toBe(201);
        tasks.push((await res.json()) as Task);
      }

      const reminderIds: string[] = [];
      while (reminderIds.length < REMINDERS) {
        const event = await stream.next(10_000);
        if (event.event === "reminder") reminderIds.push(String(dataOf(event).taskId));
      }
      await eventually(() => reminderEmails(inbox, email).length >= REMINDERS, 20_000);
      await sleep(1_500);

      expect([...reminderIds].sort()).toEqual(tasks.map((task) => task.id).sort());
      expect((await stream.collectFor(0)).filter((e) => e.event === "reminder")).toEqual([]);
      const subjects = reminderEmails(inbox, email).map((e) => e.subject);
      expect(subjects.sort()).toEqual(tasks.map((task) => `Reminder: ${task.title}`).sort());
      if (database) {
        expect(await queuedReminders({ database }, email)).toHaveLength(REMINDERS);
        expect(await loggedReminders({ database }, user.id)).toHaveLength(REMINDERS);
      }
      // Every process took part (each logs the batches it fired).
      for (const server of processes) expect(server.stdout()).toContain("reminders: fired a batch");
    }, 60_000);
  },
);
