// The embedded database in its own thread (see pglite-proxy.ts, which starts it and talks to it).
// Plain JavaScript: Node starts worker threads without the TypeScript loader of the main thread.
import { parentPort, workerData } from "node:worker_threads";
import { createPglite } from "./pglite-settings.mjs";

const { dataDir, seed } = workerData;
const db = createPglite({
  ...(dataDir ? { dataDir } : {}),
  ...(seed ? { loadDataDir: new Blob([seed]) } : {}),
});

/** Open transactions by id: PGlite's own transaction, held open until the main thread ends it. */
const transactions = new Map();
let lastTransactionId = 0;
const ROLLBACK = Symbol("rollback");

function begin() {
  return new Promise((started, failed) => {
    const id = ++lastTransactionId;
    const entry = {};
    // PGlite runs the callback once BEGIN has run, and keeps every other query waiting until the
    // callback settles: the same isolation as in one thread.
    entry.done = db.transaction(
      (tx) =>
        new Promise((commit, rollback) => {
          Object.assign(entry, { tx, commit, rollback });
          transactions.set(id, entry);
          started(id);
        }),
    );
    entry.done.catch((error) => {
      if (!transactions.has(id)) failed(error);
    });
  });
}

async function end(id, commit) {
  const entry = transactions.get(id);
  if (!entry) throw new Error(`no open transaction ${id}`);
  transactions.delete(id);
  if (commit) entry.commit();
  else entry.rollback(ROLLBACK);
  try {
    await entry.done;
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
  return null;
}

async function run(message) {
  switch (message.op) {
    case "ready":
      await db.waitReady;
      return null;
    case "query": {
      const target = message.tx ? transactions.get(message.tx)?.tx : db;
      if (!target) throw new Error(`no open transaction ${message.tx}`);
      const result = await target.query(message.sql, message.params, { rowMode: message.rowMode });
      // Only what Drizzle reads: field descriptions would be cloned on every query for nothing.
      return { rows: result.rows, affectedRows: result.affectedRows };
    }
    case "begin":
      return begin();
    case "commit":
      return end(message.tx, true);
    case "rollback":
      return end(message.tx, false);
    case "dump": {
      const file = await db.dumpDataDir(message.compression);
      return await file.arrayBuffer();
    }
    case "close":
      await db.close();
      return null;
    default:
      throw new Error(`unknown operation ${message.op}`);
  }
}

/** An error as data: structured cloning would keep only name, message and stack, not `code`. */
function describe(error) {
  if (!(error instanceof Error)) return { name: "Error", message: String(error), fields: {} };
  const fields = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === null || ["string", "number", "boolean"].includes(typeof value)) fields[key] = value;
  }
  return { name: error.name, message: error.message, stack: error.stack, fields };
}

parentPort.on("message", (message) => {
  run(message).then(
    (result) => {
      const transfer = result instanceof ArrayBuffer ? [result] : [];
      parentPort.postMessage({ id: message.id, ok: true, result }, transfer);
    },
    (error) => parentPort.postMessage({ id: message.id, ok: false, error: describe(error) }),
  );
});
