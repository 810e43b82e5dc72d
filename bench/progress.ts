import { loadavg } from "node:os";

/** Progress lines go to stderr, so that stdout carries only the result table; each shows the load. */
export function progress(message: string): void {
  const load = (loadavg()[0] ?? 0).toFixed(2);
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)} load ${load}] ${message}\n`);
}
