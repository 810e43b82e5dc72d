import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { STRONG_PASSWORD, uniqueEmail } from "../helpers/auth-client.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";

const dataDir = mkdtempSync(join(tmpdir(), "taskvault-lifecycle-"));
const running: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop("SIGKILL")));
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<ServerProcess> {
  const server = await startServerProcess({ DATA_DIR: dataDir });
  running.push(server);
  return server;
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("the server process on the embedded database", () => {
  // One journey, because each start of a fresh data directory pays PGlite's initdb.
  it("finishes an in-flight sign-up on SIGTERM, keeps the account across a restart, and refuses a second process", {
    timeout: 90_000,
  }, async () => {
    const first = await start();
    const email = uniqueEmail("restart");
    const signup = post(`${first.url}/api/auth/signup`, { email, password: STRONG_PASSWORD });
    await new Promise((r) => setTimeout(r, 15));
    const exitCode = first.stop("SIGTERM");
    expect((await signup).status).toBe(201);
    expect(await exitCode).toBe(0);

    const second = await start();
    const signin = await post(`${second.url}/api/auth/signin`, { email, password: STRONG_PASSWORD });
    expect(signin.status).toBe(200);
    expect(((await signin.json()) as { user: { email: string } }).user.email).toBe(email);

    const rival = startServerProcess({ DATA_DIR: dataDir }, 15_000);
    await expect(rival).rejects.toThrow(/DATA_DIR is in use by another Taskvault process/);
    expect((await fetch(`${second.url}/api/health`)).status).toBe(200);
  });
});
