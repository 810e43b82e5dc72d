import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { adminQuery, withDatabase } from "../../scripts/lib/postgres-admin.js";
import { openDatabase } from "../../src/server/db/client.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated PGlite data dir, as a tarball every test file starts from. */
    pgliteSeedPath: string;
    /** On PostgreSQL runs: the migrated template database each test file clones. */
    pgTemplate: string | undefined;
  }
}

/**
 * Migrates one database per run and hands it to every test file to clone: initdb and the
 * migrations are paid once, not in every file.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "taskvault-test-"));
  const seed = await openDatabase({});
  await seed.migrate();
  const tarball = await (
    seed.db as unknown as { $client: { dumpDataDir(c: "none"): Promise<Blob> } }
  ).$client.dumpDataDir("none");
  const seedPath = join(dir, "seed.tar");
  writeFileSync(seedPath, Buffer.from(await tarball.arrayBuffer()));
  await seed.close();
  project.provide("pgliteSeedPath", seedPath);

  const adminUrl = process.env.TEST_DATABASE_URL;
  let template: string | undefined;
  if (adminUrl) {
    template = `tv_template_${randomBytes(4).toString("hex")}`;
    await adminQuery(adminUrl, `create database ${template}`);
    const templateDb = await openDatabase({ databaseUrl: withDatabase(adminUrl, template), poolSize: 1 });
    await templateDb.migrate();
    await templateDb.close();
  }
  project.provide("pgTemplate", template);

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (adminUrl && template) await adminQuery(adminUrl, `drop database if exists ${template} with (force)`);
  };
}
