import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adminQuery, withDatabase } from "../scripts/lib/postgres-admin.js";

export type DatabaseKind = "pglite" | "postgres";

export interface BenchDatabase {
  kind: DatabaseKind;
  /** What the server process gets: DATA_DIR or DATABASE_URL. */
  serverEnv: Record<string, string>;
  /** Where the seeder and the raw-driver ceiling connect: the data dir or the URL. */
  target: { dataDir?: string; databaseUrl?: string };
  /** Removes the data dir or drops the database. */
  destroy(): Promise<void>;
}

/**
 * A fresh, empty database for one run: a new PGlite data dir in the temp directory, or a new
 * `bench_*` database on the PostgreSQL server that `adminUrl` points at.
 */
export async function createBenchDatabase(kind: DatabaseKind, adminUrl: string | undefined): Promise<BenchDatabase> {
  if (kind === "pglite") {
    const dataDir = mkdtempSync(join(tmpdir(), "taskvault-bench-"));
    return {
      kind,
      serverEnv: { DATA_DIR: dataDir },
      target: { dataDir },
      async destroy() {
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  if (!adminUrl) throw new Error("--db postgres needs DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)");
  const name = `bench_${randomBytes(5).toString("hex")}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const databaseUrl = withDatabase(adminUrl, name);
  return {
    kind,
    serverEnv: { DATABASE_URL: databaseUrl },
    target: { databaseUrl },
    destroy: () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`),
  };
}
