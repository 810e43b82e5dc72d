import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/server/config.js";
import { STRONG_PASSWORD, uniqueEmail } from "../helpers/auth-client.js";
import { runServerToExit, type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { TEST_SECRET } from "../helpers/test-app.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

// WEB_CONCURRENCY=2: one primary, two workers on one port, as real processes on PostgreSQL.

describe("the WEB_CONCURRENCY setting", () => {
  const base = { AUTH_SECRET: TEST_SECRET };
  const postgres = { ...base, DATABASE_URL: "postgres://db.example.com/taskvault" };
  it("is one process unless asked, and auto is every core on PostgreSQL but one process on PGlite", () => {
    expect(loadConfig(postgres).webConcurrency).toBe(1);
    expect(loadConfig({ ...postgres, WEB_CONCURRENCY: "auto" }).webConcurrency).toBe(availableParallelism());
    expect(loadConfig({ ...postgres, WEB_CONCURRENCY: "3" }).webConcurrency).toBe(3);
    expect(loadConfig({ ...base, WEB_CONCURRENCY: "auto" }).webConcurrency).toBe(1);
  });

  it("refuses a count that is not a whole number of processes", () => {
    for (const value of ["0", "-1", "two", "1.5"]) {
      expect(() => loadConfig({ ...postgres, WEB_CONCURRENCY: value })).toThrow(
        `WEB_CONCURRENCY must be auto or a number of processes (1-256), got "${value}"`,
      );
    }
  });
});

describe("WEB_CONCURRENCY on the embedded database", () => {
  it("refuses more than one process with one line naming DATABASE_URL", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "taskvault-cluster-"));
    try {
      const run = await runServerToExit({ DATA_DIR: dataDir, WEB_CONCURRENCY: "2" });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        "WEB_CONCURRENCY=2 needs DATABASE_URL: the embedded database (PGlite) serves one process; set DATABASE_URL or leave WEB_CONCURRENCY unset\n",
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

const REQUEST_TIMEOUT_MS = 5_000;
const METRICS_TOKEN = "metrics".repeat(4);

interface Answer {
  status: number;
  body: string;
  requestId: string;
}

/**
 * One request on a new connection of its own: the cluster hands each connection to the next
 * worker, so successive calls reach both (fetch would keep one connection, and one worker).
 */
function call(url: string, method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  const requestId = randomUUID();
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method,
        agent: false,
        headers: {
          "x-request-id": requestId,
          ...(payload ? { "content-type": "application/json", origin: "http://localhost:3000" } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, requestId }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    // A connection the cluster was handing to a worker as it was killed is never answered.
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error("no answer")));
    req.end(payload);
  });
}

/** The live children of `pid`, read from /proc (the workers of a primary). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name, which is in parentheses and may hold spaces.
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(ppid) === pid && state !== "Z") children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children.sort();
}

// PGlite serves one process: the cluster exists only on PostgreSQL runs (TEST_DATABASE_URL).
const describeOnPostgres = process.env.TEST_DATABASE_URL ? describe : () => {};

describeOnPostgres("a WEB_CONCURRENCY group that cannot start", () => {
  it("exits 1, every worker gone, saying why when the port is taken", { timeout: 60_000 }, async () => {
    const database = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), "taskvault-cluster-"));
    const taken = createServer().listen(0, "127.0.0.1");
    await once(taken, "listening");
    try {
      const port = (taken.address() as AddressInfo).port;
      const run = await runServerToExit(
        {
          DATABASE_URL: database.url as string,
          DATA_DIR: dataDir,
          AUTH_SECRET: TEST_SECRET,
          WEB_CONCURRENCY: "2",
          PORT: String(port),
          HOST: "127.0.0.1",
        },
        45_000,
      );
      // runServerToExit waits for the output pipes to close, which the workers hold too: all gone.
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("EADDRINUSE");
      expect(run.stderr).toContain("Taskvault could not start: a worker could not start (its reason is above)");
    } finally {
      taken.close();
      await database.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describeOnPostgres("WEB_CONCURRENCY=2 on PostgreSQL", () => {
  let database: TestDatabase;
  let dataDir: string;
  let server: ServerProcess;
  let primaryPid: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), "taskvault-cluster-"));
    server = await startServerProcess(
      {
        DATABASE_URL: database.url as string,
        DATA_DIR: dataDir,
        AUTH_SECRET: TEST_SECRET,
        PUBLIC_URL: "http://localhost:3000",
        WEB_CONCURRENCY: "2",
        METRICS_TOKEN,
        // Request lines carry the worker's pid: that is how the tests know which worker answered.
        LOG_LEVEL: "info",
      },
      45_000,
    );
    primaryPid = server.child.pid as number;
    await until(
      () => childrenOf(primaryPid).length === 2 && listeningWorkers() === 2,
      40_000,
      () => server.stdout(),
    );
  }, 90_000);

  afterAll(async () => {
    if (server?.child.exitCode === null) await server.stop("SIGKILL");
    await database?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const logLines = () =>
    server
      .stdout()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const listeningWorkers = () =>
    logLines().filter((l) => typeof l.msg === "string" && l.msg.startsWith("Taskvault is listening on")).length;

  /** The pid of the worker that answered, from its request log line. */
  async function answeredBy(answer: Answer): Promise<number> {
    let pid: number | undefined;
    await until(() => {
      pid = logLines().find((l) => l.reqId === answer.requestId)?.pid as number | undefined;
      return pid !== undefined;
    }, 5_000);
    return pid as number;
  }

  async function signUp() {
    const answer = await call(
      server.url,
      "POST",
      "/api/auth/signup",
      {},
      {
        email: uniqueEmail("cluster"),
        password: STRONG_PASSWORD,
      },
    );
    expect(answer.status, answer.body).toBe(201);
    return { ...(JSON.parse(answer.body) as { user: { id: string }; token: string }), answer };
  }

  it("spreads connections over both workers", async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => call(server.url, "GET", "/api/health")));
    const pids = new Set(await Promise.all(answers.map(answeredBy)));
    expect([...pids].sort()).toEqual(childrenOf(primaryPid));
  });

  it("revokes on the other worker, within one second, a session signed out on one", async () => {
    const user = await signUp();
    const auth = { authorization: `Bearer ${user.token}` };
    const signout = await call(server.url, "POST", "/api/auth/signout", auth);
    expect(signout.status).toBe(204);
    const signedOutAt = performance.now();
    const signedOutBy = await answeredBy(signout);

    // Fresh connections alternate between the workers; keep asking until the other one answers 401.
    let otherStatus = 0;
    let delay = 0;
    while (otherStatus !== 401 && delay < 3_000) {
      const me = await call(server.url, "GET", "/api/auth/me", auth);
      delay = performance.now() - signedOutAt;
      if ((await answeredBy(me)) === signedOutBy) expect(me.status).toBe(401);
      else otherStatus = me.status;
    }
    expect(otherStatus).toBe(401);
    expect(delay).toBeLessThan(1_000);
  });

  it("replaces a worker killed under load, failing no request beyond those it held", {
    timeout: 30_000,
  }, async () => {
    const user = await signUp();
    const auth = { authorization: `Bearer ${user.token}` };
    for (let i = 0; i < 5; i++) {
      const created = await call(server.url, "POST", `/api/${user.user.id}/tasks`, auth, { title: `task ${i}` });
      expect(created.status, created.body).toBe(201);
    }
    const [victim] = childrenOf(primaryPid);
    const CONNECTIONS = 8;
    const statuses: number[] = [];
    const failures: string[] = [];
    let killed = false;
    const afterKill: number[] = [];
    const loadUntil = Date.now() + 3_000;
    const loops = Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < loadUntil) {
        try {
          const list = await call(server.url, "GET", `/api/${user.user.id}/tasks`, auth);
          statuses.push(list.status);
          if (killed) afterKill.push(list.status);
        } catch (error) {
          failures.push(String(error)); // the connection died with the worker
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1_000));
    process.kill(victim as number, "SIGKILL");
    killed = true;
    await Promise.all(loops);

    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(failures.length, failures.join("\n")).toBeLessThanOrEqual(CONNECTIONS);
    console.log(`${statuses.length} answered, ${failures.length} lost with the worker: ${failures.join(", ")}`);
    expect(afterKill.length).toBeGreaterThan(0);
    await until(() => childrenOf(primaryPid).length === 2, 10_000);
    const workers = childrenOf(primaryPid);
    expect(workers).not.toContain(victim);
    // The replacement serves: connections reach both workers again.
    const answers = await Promise.all(Array.from({ length: 6 }, () => call(server.url, "GET", "/api/health")));
    expect(new Set(await Promise.all(answers.map(answeredBy)))).toEqual(new Set(workers));
  });

  it("on SIGHUP, replaces every worker in turn without failing a request", { timeout: 60_000 }, async () => {
    const before = childrenOf(primaryPid);
    const statuses: number[] = [];
    const failures: string[] = [];
    let restarting = true;
    const loops = Array.from({ length: 4 }, async () => {
      while (restarting) {
        try {
          statuses.push((await call(server.url, "GET", "/api/health")).status);
        } catch (error) {
          failures.push(String(error));
        }
      }
    });
    process.kill(primaryPid, "SIGHUP");
    await until(() => {
      const now = childrenOf(primaryPid);
      return now.length === 2 && now.every((pid) => !before.includes(pid));
    }, 45_000);
    await until(() => logLines().some((l) => l.msg === "rolling restart done"), 10_000);
    restarting = false;
    await Promise.all(loops);
    expect(failures).toEqual([]);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it("answers /api/metrics from any worker with the whole group's numbers", async () => {
    const healthCount = async () => {
      const answer = await call(server.url, "GET", "/api/metrics", { authorization: `Bearer ${METRICS_TOKEN}` });
      expect(answer.status, answer.body).toBe(200);
      const line = answer.body
        .split("\n")
        .find(
          (l) => l.startsWith("taskvault_http_request_duration_seconds_count{") && l.includes('route="/api/health"'),
        );
      return { count: Number(line?.split(" ").pop() ?? 0), pid: await answeredBy(answer) };
    };
    const before = await healthCount();
    const answers = await Promise.all(Array.from({ length: 10 }, () => call(server.url, "GET", "/api/health")));
    expect(new Set(await Promise.all(answers.map(answeredBy))).size).toBe(2);
    const scrapes = [await healthCount(), await healthCount()];
    expect(new Set(scrapes.map((s) => s.pid)).size).toBe(2);
    for (const scrape of scrapes) expect(scrape.count - before.count).toBe(10);
  });

  it("on SIGTERM, every worker finishes the requests it holds before the group exits 0", {
    timeout: 30_000,
  }, async () => {
    const workers = childrenOf(primaryPid);
    const signups = Array.from({ length: 6 }, () =>
      call(server.url, "POST", "/api/auth/signup", {}, { email: uniqueEmail("drain"), password: STRONG_PASSWORD }),
    );
    await new Promise((r) => setTimeout(r, 30));
    const exitCode = server.stop("SIGTERM");
    const answers = await Promise.all(signups);
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(new Set(await Promise.all(answers.map(answeredBy)))).toEqual(new Set(workers));
    expect(await exitCode).toBe(0);
    expect(workers.filter(isAlive)).toEqual([]);
    await expect(call(server.url, "GET", "/api/health")).rejects.toThrow(/ECONNREFUSED/);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, timeoutMs: number, explain = () => ""): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting ${explain()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
