import type { PGlite } from "@electric-sql/pglite";

/** The type OIDs that every Taskvault PGlite client reads as text (see pglite-settings.mjs). */
export const TEXT_TYPE_OIDS: readonly number[];

/** A PGlite client with Taskvault's settings: in memory, in `dataDir`, or loaded from a dump. */
export function createPglite(options: { dataDir?: string; loadDataDir?: Blob }): PGlite;
