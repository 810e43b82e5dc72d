import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PGliteProxy } from "../../src/server/db/pglite-proxy.js";

// The embedded database runs in a worker thread behind PGliteProxy (src/server/db/pglite-proxy.ts).
// The whole suite runs through it; these pin down what Drizzle and the app rely on directly.

let db: PGliteProxy;
beforeAll(async () => {
  db = await PGliteProxy.open({});
  await db.query("create table items (id int primary key, name text not null, tags text[], at timestamptz)");
}, 60_000);
afterAll(() => db.close());

describe("PGliteProxy", () => {
  it("runs parameterised queries and returns rows as objects or arrays, values intact", async () => {
    await db.query("insert into items values ($1, $2, $3, $4)", [
      1,
      "ünïcode ✓",
      ["a", "b"],
      "2026-01-02T03:04:05.678Z",
    ]);
    const objects = await db.query<{ id: number; name: string; tags: string[] }>(
      "select id, name, tags from items where id = $1",
      [1],
    );
    expect(objects.rows).toEqual([{ id: 1, name: "ünïcode ✓", tags: ["a", "b"] }]);
    const arrays = await db.query("select id, name from items where id = $1", [1], { rowMode: "array" });
    expect(arrays.rows).toEqual([[1, "ünïcode ✓"]]);
    // Date/time types are read as text, as Drizzle expects (pglite-settings.mjs).
    const times = await db.query<{ at: string }>("select at from items where id = 1");
    expect(typeof times.rows[0]?.at).toBe("string");
    expect(new Date(times.rows[0]?.at ?? "").toISOString()).toBe("2026-01-02T03:04:05.678Z");
  });

  it("reports database errors with PostgreSQL's code and message", async () => {
    const error = await db.query("insert into items values (1, 'again')").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as { code?: string }).code).toBe("23505");
    expect((error as Error).message).toMatch(/duplicate key/);
    // The connection is still usable afterwards.
    expect((await db.query("select count(*)::int as n from items")).rows).toEqual([{ n: 1 }]);
  });

  it("commits a transaction that resolves and rolls back one that throws", async () => {
    await db.transaction(async (tx) => {
      await tx.query("insert into items (id, name) values (2, 'kept')");
    });
    const failure = await db
      .transaction(async (tx) => {
        await tx.query("insert into items (id, name) values (3, 'dropped')");
        throw new Error("changed my mind");
      })
      .catch((e: unknown) => e);
    expect((failure as Error).message).toBe("changed my mind");
    const ids = await db.query<{ id: number }>("select id from items order by id");
    expect(ids.rows.map((r) => r.id)).toEqual([1, 2]);
  });

  it("holds other queries until an open transaction ends, as one PGlite connection does", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const order: string[] = [];
    const transaction = db.transaction(async (tx) => {
      await tx.query("insert into items (id, name) values (4, 'inside')");
      await held;
      order.push("transaction ends");
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const outside = db.query<{ n: number }>("select count(*)::int as n from items").then((result) => {
      order.push("outside query answers");
      return result.rows[0]?.n;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(order).toEqual([]);
    release();
    await transaction;
    expect(await outside).toBe(3);
    expect(order).toEqual(["transaction ends", "outside query answers"]);
  });

  it("dumps its data and starts a new database from the dump", async () => {
    const copy = await PGliteProxy.open({ loadDataDir: await db.dumpDataDir("none") });
    try {
      const ids = await copy.query<{ id: number }>("select id from items order by id");
      expect(ids.rows.map((r) => r.id)).toEqual([1, 2, 4]);
    } finally {
      await copy.close();
    }
  }, 60_000);

  it("refuses type parsers it cannot honour rather than ignoring them", async () => {
    await expect(db.query("select 1", [], { parsers: { 23: (v: string) => Number(v) * 2 } })).rejects.toThrow(
      /not supported/,
    );
  });

  it("tells its owner when the database thread dies on its own, and not when it is closed", async () => {
    const lost: Error[] = [];
    const crashing = await PGliteProxy.open({ onUnexpectedExit: (error) => lost.push(error) });
    // A crash from outside: the thread is stopped without close().
    await (crashing as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    expect(lost.map((e) => e.message)).toEqual(["the database thread stopped (exit code 1)"]);
    await expect(crashing.query("select 1")).rejects.toThrow(/database thread stopped/);

    const closed: Error[] = [];
    const closing = await PGliteProxy.open({ onUnexpectedExit: (error) => closed.push(error) });
    await closing.close();
    expect(closed).toEqual([]);
  }, 60_000);

  it("rejects calls after it is closed instead of leaving them waiting", async () => {
    const closing = await PGliteProxy.open({});
    await closing.close();
    await expect(closing.query("select 1")).rejects.toThrow(/database thread stopped/);
  }, 60_000);
});
