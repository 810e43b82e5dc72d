import { describe, expect, it } from "vitest";
import type { Task } from "../../src/shared/task.schemas.js";
import { type TaskContent, TaskLedger } from "../helpers/task-ledger.js";

// The crash test and the soak run trust TaskLedger to notice a lost or torn write: these cases
// show that it does, and that it accepts exactly what an unanswered write may leave behind.

const content = (marker: string, completed = false): TaskContent => ({
  title: marker,
  description: marker,
  completed,
  priority: "none",
  tags: ["tag-1"],
});

/** A task as the server would answer it; `second` sets its updatedAt. */
function task(id: string, c: TaskContent, second = 0): Task {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
  return {
    id,
    ...c,
    dueAt: null,
    createdAt: at,
    updatedAt: at,
    completedAt: c.completed ? at : null,
    recurrence: null,
    reminders: [],
    nextId: null,
  };
}

const ID = "11111111-1111-4111-8111-111111111111";

describe("TaskLedger", () => {
  it("reports an acknowledged create that is missing", () => {
    const ledger = new TaskLedger();
    ledger.beginCreate(content("a"));
    ledger.ackCreate(task(ID, content("a")));
    expect(ledger.verify([])).toEqual([expect.stringContaining(`task ${ID}: expected`)]);
  });

  it("reports an acknowledged update that was rolled back, and accepts the acknowledged state", () => {
    const created = task(ID, content("a"), 1);
    const updated = task(ID, content("b"), 2);
    const ledger = () => {
      const l = new TaskLedger();
      l.beginCreate(content("a"));
      l.ackCreate(created);
      l.beginWrite(ID, content("b"));
      l.ackWrite(ID, updated);
      return l;
    };
    expect(ledger().verify([created])).toHaveLength(1);
    expect(ledger().verify([updated])).toEqual([]);
  });

  it("accepts either state for a write that got no answer, but nothing else", () => {
    const created = task(ID, content("a"), 1);
    const ledger = () => {
      const l = new TaskLedger();
      l.beginCreate(content("a"));
      l.ackCreate(created);
      l.beginWrite(ID, content("b", true));
      return l;
    };
    expect(ledger().verify([created])).toEqual([]);
    expect(ledger().verify([task(ID, content("b", true), 2)])).toEqual([]);
    expect(ledger().verify([task(ID, content("c"), 2)])).toHaveLength(1);
  });

  it("reports a torn task whose fields come from different writes", () => {
    const ledger = new TaskLedger();
    ledger.beginCreate(content("a"));
    const created = task(ID, content("a"));
    ledger.ackCreate(created);
    expect(ledger.verify([{ ...created, description: "b" }])).toContainEqual(expect.stringContaining("torn"));
    expect(ledger.verify([{ ...created, completedAt: created.createdAt }])).toContainEqual(
      expect.stringContaining("torn"),
    );
  });

  it("accepts the one create in flight, and reports any other task it never made", () => {
    const ledger = new TaskLedger();
    ledger.beginCreate(content("in flight"));
    expect(ledger.verify([task(ID, content("in flight"))])).toEqual([]);
    const other = new TaskLedger();
    expect(other.verify([task(ID, content("planted"))])).toEqual([
      expect.stringContaining("was never created by this client"),
    ]);
  });

  it("reports a deleted task that came back, and accepts a delete in flight either way", () => {
    const ledger = new TaskLedger();
    const created = task(ID, content("a"));
    ledger.beginCreate(content("a"));
    ledger.ackCreate(created);
    ledger.beginWrite(ID, "deleted");
    ledger.ackWrite(ID, "deleted");
    expect(ledger.verify([created])).toHaveLength(1);

    const inFlight = new TaskLedger();
    inFlight.beginCreate(content("a"));
    inFlight.ackCreate(created);
    inFlight.beginWrite(ID, "deleted");
    expect(inFlight.verify([])).toEqual([]);
  });
});
