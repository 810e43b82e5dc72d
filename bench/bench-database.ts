import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adminQuery, withDatabase } from "../scripts/lib/postgres-admin.js";

export type DatabaseKind = "pglite" | "postgres";

export interface BenchDatabase {
  kind: DatabaseKind;
  /** What the server process gets: DATA_DIR or DATABASE_URL. */
  serverEnv: Record<string, string>;
  /** Where the seeder connects: the data dir or the URL. */
  target: { dataDir?: string; databaseUrl?: string };
  /**
   * Where the raw-driver ceiling connects while the server runs: on PostgreSQL the same database;
   * on PGlite a copy of the seeded data dir, made by copyForCeilings() (a data dir has one owner).
   */
  ceilingTarget(): string;
  /** Copies the seeded data for the raw-driver ceiling (PGlite only; a no-op on PostgreSQL). */
  copyForCeilings(): void;
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
    const copy = `${dataDir}-ceilings`;
    return {
      kind,
      serverEnv: { DATA_DIR: dataDir },
      target: { dataDir },
      ceilingTarget: () => copy,
      copyForCeilings() {
        cpSync(dataDir, copy, { recursive: true });
      },
      async destroy() {
        rmSync(dataDir, { recursive: true, force: true });
        rmSync(copy, { recursive: true, force: true });
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
    ceilingTarget: () => databaseUrl,
    copyForCeilings() {},
    destroy: () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`),
  };
}
