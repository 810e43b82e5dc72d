/**
 * `npm run dev`: the API (restarting on change) and Vite's dev server (hot reload) together.
 * Open http://localhost:5173; Vite proxies /api to the API on :3000. Ctrl-C stops both.
 *
 * The browser's pages come from Vite, so the API is told that is where users reach the app
 * (PUBLIC_URL): its origin check then accepts the pages' requests, and links in emails open
 * them. A PUBLIC_URL set in the environment wins (one in .env would be overridden: it is usually
 * meant for `npm start`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

/** Vite's dev server (vite.config.ts: port 5173, strictPort). */
const DEV_SERVER_URL = "http://localhost:5173";
const root = new URL("..", import.meta.url).pathname;
const bin = (name: string) => join(root, "node_modules/.bin", name);
const children: ChildProcess[] = [
  spawn(bin("tsx"), ["watch", "--clear-screen=false", "src/server/main.ts"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, PUBLIC_URL: process.env.PUBLIC_URL || DEV_SERVER_URL },
  }),
  spawn(bin("vite"), [], { cwd: root, stdio: "inherit" }),
];

let stopping = false;
function stop(code: number) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 500).unref();
}
for (const child of children) child.on("exit", (code) => stop(code ?? 0));
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
