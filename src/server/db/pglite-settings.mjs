// Plain JavaScript, not TypeScript: this module is loaded inside the PGlite worker thread
// (pglite-worker.mjs), which Node starts without any TypeScript loader (tsx, Vitest) attached.
import { PGlite, types } from "@electric-sql/pglite";

/**
 * PGlite's server settings. Its buffer pool (PostgreSQL's default, 128MB) is allocated and touched
 * at start, inside this process: about 110 MiB resident before the first query. One user's page
 * of tasks needs a few pages, and pages that do not fit stay in the operating system's file
 * cache, so a smaller pool keeps the server's footprint down without slowing it
 * (docs/benchmarks.md).
 */
const START_PARAMS = [...PGlite.defaultStartParams, "-c", "shared_buffers=32MB"];

/**
 * The date/time types (and arrays of them, and numeric[]) that Drizzle reads as text and converts
 * itself. Drizzle sends these parsers with every query, and PGlite merges a query's parsers into
 * its table of about 300 on every call (about 0.1 ms, as much as a small query): installed once
 * here, they are dropped from each call instead (docs/benchmarks.md).
 */
export const TEXT_TYPE_OIDS = [
  types.TIMESTAMP,
  types.TIMESTAMPTZ,
  types.INTERVAL,
  types.DATE,
  1115, // timestamp[]
  1182, // date[]
  1185, // timestamptz[]
  1187, // interval[]
  1231, // numeric[]
];

const asText = (value) => value;

/** A PGlite client with Taskvault's settings: in memory, in `dataDir`, or loaded from a dump. */
export function createPglite(options) {
  return new PGlite({
    ...options,
    startParams: START_PARAMS,
    parsers: Object.fromEntries(TEXT_TYPE_OIDS.map((oid) => [oid, asText])),
  });
}
