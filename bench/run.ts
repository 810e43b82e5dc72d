/**
 * `npm run bench [-- --db postgres] [--seconds 6] [--warmup 2] [--only list,signin] [--profile] [--entry='--import tsx src/server/main.ts']`
 *
 * Seeds a fresh database, starts the real server as its own process, measures each scenario's
 * ceiling (raw driver, password hash, bare node:http) just before and just after it while the
 * server is idle, drives each scenario with autocannon, measures
 * the server's peak RSS and its cold start, prints the table, writes bench-results/latest.json,
 * and exits 1 when a target is missed. Method and numbers: docs/benchmarks.md.
 */
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createBenchDatabase, type DatabaseKind } from "./bench-database.js";
import { progress } from "./progress.js";
import { describeMachine, formatTable, type Report, writeReport } from "./report.js";
import { measureServer, type ScenarioName, scenarioNames } from "./scenarios.js";
import { scoreScenarios } from "./score.js";
import { seed } from "./seed.js";

function parseOptions() {
  const { values } = parseArgs({
    options: {
      db: { type: "string", default: "pglite" },
      seconds: { type: "string", default: "6" },
      warmup: { type: "string", default: "2" },
      only: { type: "string" },
      profile: { type: "boolean", default: false },
      entry: { type: "string" },
    },
  });
  if (values.db !== "pglite" && values.db !== "postgres") throw new Error("--db must be pglite or postgres");
  const only = values.only?.split(",").map((s) => s.trim()) as ScenarioName[] | undefined;
  const unknown = only?.filter((name) => !scenarioNames.includes(name));
  if (unknown?.length)
    throw new Error(`unknown scenario(s): ${unknown.join(", ")}; known: ${scenarioNames.join(", ")}`);
  return {
    db: values.db as DatabaseKind,
    timing: { seconds: Number(values.seconds), warmupSeconds: Number(values.warmup) },
    only: new Set<ScenarioName>(only ?? scenarioNames),
    profile: values.profile,
    entry: values.entry,
  };
}

async function main(): Promise<number> {
  const options = parseOptions();
  const loadAtStart = loadavg();
  progress(`database: ${options.db}; load average ${loadAtStart.map((l) => l.toFixed(2)).join(" ")}`);
  const database = await createBenchDatabase(options.db, process.env.DATABASE_URL);
  try {
    const started = performance.now();
    const seeded = await seed(database.target);
    progress(
      `seeded ${seeded.users} users and ${seeded.tasks} tasks in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    // PGlite: a data dir has one owner, so the raw-driver ceiling runs on a copy of the seeded data.
    database.copyForCeilings();
    const measured = await measureServer({
      database,
      timing: options.timing,
      only: options.only,
      profile: options.profile,
      entry: options.entry,
      // Fixed for the run: the cold-start restarts must decrypt the same signing key.
      authSecret: randomBytes(32).toString("base64url"),
    });
    const scenarios = scoreScenarios(options.db, measured, measured.ceilings);
    const report: Report = {
      date: new Date().toISOString(),
      machine: describeMachine(loadAtStart),
      db: options.db,
      scenarios,
    };
    process.stdout.write(`\nTaskvault benchmark, ${options.db}, ${report.date}\n${formatTable(report)}\n`);
    process.stdout.write(
      `load average at start ${report.machine.loadAverageAtStart.join(" ")}, at end ${report.machine.loadAverageAtEnd.join(" ")}\n`,
    );
    progress(`written to ${writeReport(report)}`);
    return scenarios.every((s) => s.pass) ? 0 : 1;
  } finally {
    await database.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
