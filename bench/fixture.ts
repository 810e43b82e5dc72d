/**
 * The data every benchmark run starts from: who exists, with which password, and what the
 * scenarios send. Shared by the seeder, the ceilings and the load scenarios so that they all
 * talk about the same rows.
 */
export const SEEDED_USERS = 1_000;
export const TASKS_PER_USER = 100;
export const MEASURED_TASKS = 50;

/** One password for every seeded account: one argon2id hash, computed once per run. */
export const BENCH_PASSWORD = "bench: correct horse battery staple";

export const measuredUser = { id: "bench0measured0user0000000000000", email: "measured@bench.test" };

/** The n-th seeded user (1-based); ids look like Better Auth's (32 characters). */
export function seededUser(n: number): { id: string; email: string } {
  const digits = String(n).padStart(5, "0");
  return { id: `bench0user0${digits}`.padEnd(32, "0"), email: `user${digits}@bench.test` };
}

/** Tasks are created as this seeded user, so that the measured user's list stays at 50 tasks. */
export const writerUser = seededUser(1);

/** The body of every `POST /api/{userId}/tasks` of the create scenario (and of its ceiling). */
export const createTaskBody = {
  title: "Write the quarterly report",
  description: "Numbers from finance, charts from the dashboard.",
  priority: "high",
  dueAt: "2026-12-01T18:00:00Z",
  tags: ["work", "bench"],
};
