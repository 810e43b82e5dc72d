import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The server under test, e.g. http://127.0.0.1:41234 */
    baseURL: string;
    /** Its DATA_DIR: with no SMTP_URL set, the emails it sends are .eml files in its outbox/. */
    dataDir: string;
  }
}

/** Access tokens live 3 s, so every journey also proves that renewal goes unnoticed. */
export const ACCESS_TOKEN_TTL = 3;

const root = new URL("../../..", import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the server exited with code ${child.exitCode}; see test-results/e2e-server.log`);
    try {
      if ((await fetch(`${url}/api/ready`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the server did not get ready within ${timeoutMs / 1000} s; see test-results/e2e-server.log`);
}

/**
 * Starts the built server (dist/server/main.mjs, built by `npm run test:e2e` when stale) as a
 * child process, as `npm start` does, on a free port with a fresh temporary DATA_DIR, and stops it
 * after the run.
 */
export default async function startServer(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), "taskvault-e2e-"));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  mkdirSync(join(root, "test-results"), { recursive: true });
  const log = createWriteStream(join(root, "test-results/e2e-server.log"));
  const child = spawn(process.execPath, ["--enable-source-maps", "dist/server/main.mjs"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "test",
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_URL: baseURL,
      DATA_DIR: dataDir,
      AUTH_SECRET: "e2e-secret-that-is-long-enough-for-taskvault-0123456789",
      ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL),
      // Each browser context sends its own X-Forwarded-For, so the per-address sign-up and
      // sign-in throttles count each simulated person separately.
      TRUST_PROXY: "x-forwarded-for",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  try {
    await waitUntilReady(baseURL, child, 120_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  project.provide("baseURL", baseURL);
  project.provide("dataDir", dataDir);

  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    log.end();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
