import { pbkdf2, pbkdf2Sync } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "../auth/http-expectations.js";
import { jsonRequest, STRONG_PASSWORD, signUp, uniqueEmail } from "../helpers/auth-client.js";
import { serveTestAppDuringTests } from "../helpers/http-server.js";
import { startServerProcess } from "../helpers/server-process.js";
import { createServerStore } from "../helpers/server-store.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

// Abuse that test/auth/throttling.test.ts (limits, spraying, IPv6, X-Forwarded-For) and
// test/auth/multi-process.test.ts (one throttle shared by two processes on PostgreSQL) do not
// cover: the throttle across a crash and restart of a real process, and oversized input that
// must be refused before it costs a password hash or memory.

const KIB = 1024;
const MIB = 1024 * KIB;

describe("the sign-in throttle of a real server process", () => {
  it("still holds after the process is killed and started again on the same data", { timeout: 120_000 }, async () => {
    const store = await createServerStore();
    let server = await startServerProcess(store.env, 60_000);
    try {
      const email = uniqueEmail("stuffed");
      const signin = (password: string) =>
        fetch(`${server.url}/api/auth/signin`, jsonRequest("POST", { email, password }));
      const signup = await fetch(
        `${server.url}/api/auth/signup`,
        jsonRequest("POST", { email, password: STRONG_PASSWORD }),
      );
      expect(signup.status).toBe(201);
      // The default limit: 10 failed sign-ins per account in 15 minutes.
      for (let i = 0; i < 10; i++) await expectProblem(await signin(`wrong guess ${i}`), 401, "invalid_credentials");

      server.child.kill("SIGKILL");
      await server.exited;
      server = await startServerProcess(store.env, 60_000);

      const afterRestart = await signin(STRONG_PASSWORD);
      await expectProblem(afterRestart, 429, "rate_limited");
      expect(Number(afterRestart.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await server.stop("SIGKILL");
      await store.remove();
    }
  });
});

/**
 * Runs `action` while every thread of libuv's pool is busy with a long PBKDF2 job. argon2 (the
 * password hash) runs on that pool, so an action that hashes cannot finish before the pool frees
 * up, and one that does not hash can. This tells "was a password hashed?" from the outside,
 * without a spy and without trusting a wall-clock bound on a loaded machine.
 */
async function whileThreadPoolBusy<T>(action: () => Promise<T>): Promise<{ result: T; finishedFirst: boolean }> {
  const threads = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  const calibration = performance.now();
  pbkdf2Sync("calibrate", "salt", 20_000, 64, "sha512");
  const perIteration = (performance.now() - calibration) / 20_000;
  // About 600 ms of work per thread on an idle machine (longer under load, which only widens the
  // gap); a sign-in that hashes nothing needs a few milliseconds of database work.
  const iterations = Math.max(20_000, Math.round(600 / perIteration));
  const jobs = Array.from(
    { length: threads },
    () =>
      new Promise<number>((resolve) =>
        pbkdf2("busy", "salt", iterations, 64, "sha512", () => resolve(performance.now())),
      ),
  );
  const result = await action();
  const actionDone = performance.now();
  const poolFree = Math.min(...(await Promise.all(jobs)));
  return { result, finishedFirst: actionDone < poolFree };
}

describe("oversized credentials", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const hugePassword = "p".repeat(60 * KIB);

  it("a 60 KiB password at sign-in gets 401 without being hashed (the answer beats a busy hash pool)", async () => {
    const user = await signUp(t);
    const { result: res, finishedFirst } = await whileThreadPoolBusy(() =>
      t.request("/api/auth/signin", jsonRequest("POST", { email: user.email, password: hugePassword })),
    );
    await expectProblem(res, 401, "invalid_credentials");
    expect(finishedFirst).toBe(true);
  });

  it("a 60 KiB password at sign-up gets 400 without being hashed", async () => {
    const { result: res, finishedFirst } = await whileThreadPoolBusy(() =>
      t.request("/api/auth/signup", jsonRequest("POST", { email: uniqueEmail(), password: hugePassword })),
    );
    const problem = await expectProblem(res, 400, "validation_failed");
    expect(problem.errors?.map((e) => e.path)).toEqual(["password"]);
    expect(finishedFirst).toBe(true);
  });

  it("(the control) an ordinary wrong password is hashed, so its answer waits for the busy pool", async () => {
    const user = await signUp(t);
    const { result: res, finishedFirst } = await whileThreadPoolBusy(() =>
      t.request("/api/auth/signin", jsonRequest("POST", { email: user.email, password: "a wrong passphrase" })),
    );
    await expectProblem(res, 401, "invalid_credentials");
    expect(finishedFirst).toBe(false);
  });
});

/** What a streaming client saw: the status, and how many body bytes it had sent by then. */
interface StreamedAnswer {
  status: number;
  contentType: string | undefined;
  body: string;
  bytesSentBeforeAnswer: number;
}

/**
 * POSTs up to `totalBytes` of JSON-looking body in 64 KiB chunks, a few milliseconds apart (so
 * that "sent" means "reached the server", not "sat in the kernel's socket buffers", which on
 * loopback hold megabytes), and stops as soon as the server answers. With `declareLength`, a
 * Content-Length is sent and the client waits for the answer before sending any body at all.
 */
function streamBody(url: string, totalBytes: number, declareLength: boolean): Promise<StreamedAnswer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(
      `${url}/api/auth/signup`,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(declareLength ? { "content-length": String(totalBytes) } : { "transfer-encoding": "chunked" }),
        },
      },
      (res) => {
        answered = true;
        const bytesSentBeforeAnswer = sent;
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => {
          req.destroy();
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers["content-type"],
            body,
            bytesSentBeforeAnswer,
          });
        });
      },
    );
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    if (declareLength) {
      req.flushHeaders();
      return;
    }
    const chunk = Buffer.alloc(64 * KIB, "a");
    const pump = () => {
      if (answered) return;
      if (sent >= totalBytes) return void req.end();
      sent += chunk.length;
      if (req.write(chunk)) setTimeout(pump, 5);
      else req.once("drain", () => setTimeout(pump, 5));
    };
    req.write('{"email":"');
    pump();
  });
}

describe("a 10 MiB request body over real HTTP", () => {
  const app = serveTestAppDuringTests();

  it("streamed without a length gets 413 long before the client has sent it all", { timeout: 30_000 }, async () => {
    const answer = await streamBody(app.served.url, 10 * MIB, false);
    expect(answer.status).toBe(413);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body).code).toBe("payload_too_large");
    // Reading it all first would have meant 10 MiB sent before any answer: the server stopped
    // just past 64 KiB, and the rest is what the client sent while the 413 was on its way.
    expect(answer.bytesSentBeforeAnswer).toBeGreaterThan(64 * KIB);
    expect(answer.bytesSentBeforeAnswer).toBeLessThan(5 * MIB);
  });

  it("declared by Content-Length gets 413 before a single body byte is sent", async () => {
    const answer = await streamBody(app.served.url, 10 * MIB, true);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).code).toBe("payload_too_large");
    expect(answer.bytesSentBeforeAnswer).toBe(0);
  });

  it("100 KiB of headers is refused by the HTTP layer (431), and the server keeps serving", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${app.served.url}/api/health`,
        { headers: { "x-padding": "h".repeat(100 * KIB) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(431);
    expect((await fetch(`${app.served.url}/api/health`)).status).toBe(200);
  });
});
