import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem, type } from "node:os";
import { join } from "node:path";
import type { DatabaseKind } from "./bench-database.js";

/** One line of the results: the shape of `bench-results/latest.json`'s `scenarios[]`. */
export interface ScenarioResult {
  name: string;
  /** Successful requests per second; null where the scenario is not a throughput. */
  rps: number | null;
  /** Milliseconds. */
  p50: number | null;
  p99: number | null;
  /** What the scenario is compared with, in the same unit as the compared number. */
  ceiling: number | null;
  ratio: number | null;
  target: string;
  pass: boolean;
  /** Server CPU time (all threads) per successful request, ms: a diagnostic that load noise moves less. */
  serverCpuMsPerRequest?: number;
  /** Of which the main (event-loop) thread, ms per request. */
  serverMainThreadMsPerRequest?: number;
  /** For the scenarios measured as one number (cold start, peak RSS): that number and its unit. */
  value?: number;
  unit?: string;
  /** What the ceiling is, and anything else a reader needs to trust the line. */
  note?: string;
  /** The machine's 1-minute load average when the line was measured. */
  load1?: number;
}

export interface Report {
  date: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    os: string;
    node: string;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
  };
  db: DatabaseKind;
  scenarios: ScenarioResult[];
}

export function describeMachine(loadAtStart: number[]): Report["machine"] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
    loadAverageAtStart: loadAtStart.map(round2),
    loadAverageAtEnd: loadavg().map(round2),
  };
}

/** Writes bench-results/latest.json, and a copy per database so that both runs stay side by side. */
export function writeReport(report: Report, directory = "bench-results"): string {
  mkdirSync(directory, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(join(directory, `latest-${report.db}.json`), json);
  const path = join(directory, "latest.json");
  writeFileSync(path, json);
  return path;
}

export function formatTable(report: Report): string {
  const header = ["scenario", "req/s", "p50 ms", "p99 ms", "ceiling", "ratio", "target", "result"];
  const rows = report.scenarios.map((s) => [
    s.name,
    s.rps === null ? (s.value !== undefined ? `${fmt(s.value)} ${s.unit ?? ""}`.trim() : "—") : fmt(s.rps),
    s.p50 === null ? "—" : fmt(s.p50),
    s.p99 === null ? "—" : fmt(s.p99),
    s.ceiling === null ? "—" : fmt(s.ceiling),
    s.ratio === null ? "—" : s.ratio.toFixed(2),
    s.target,
    s.pass ? "pass" : "FAIL",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === 6 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function fmt(n: number): string {
  if (n >= 100) return Math.round(n).toLocaleString("en-US");
  return n.toFixed(n >= 10 ? 1 : 2);
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
