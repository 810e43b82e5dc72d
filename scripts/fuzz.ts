// The long variant of the hostile-input and crash tests that `npm test` runs briefly: the same
// files (test/security, test/reliability) with many more fast-check cases per property and many
// more SIGKILL rounds.
//
//   npm run fuzz                                  # PGlite, 3000 cases per property, 10 kills
//   npm run fuzz -- --runs 20000 --rounds 30 --db postgres
//   npm run fuzz -- --seed 1234                   # replay the seed a failure printed
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "3000" },
    rounds: { type: "string", default: "10" },
    db: { type: "string", default: "pglite" },
    seed: { type: "string" },
    "database-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/test" },
  },
});

const env: NodeJS.ProcessEnv = { ...process.env, FUZZ_RUNS: args.runs, CRASH_ROUNDS: args.rounds };
if (args.seed) {
  env.FUZZ_SEED = args.seed;
  env.CRASH_SEED = args.seed;
}
if (args.db === "postgres") env.TEST_DATABASE_URL = args["database-url"];
else delete env.TEST_DATABASE_URL;

console.log(`fuzz: ${args.runs} cases per property, ${args.rounds} crash rounds, on ${args.db}`);
const run = spawnSync("npx", ["vitest", "run", "test/security", "test/reliability"], { env, stdio: "inherit" });
process.exit(run.status ?? 1);
