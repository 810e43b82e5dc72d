import type { Priority, Task } from "../../src/shared/task.schemas.js";
import { priorities, taskSchema } from "../../src/shared/task.schemas.js";

/** The fields a client writes and expects back. */
export interface TaskContent {
  title: string;
  description: string;
  completed: boolean;
  priority: Priority;
  tags: string[];
}

/** What a task should look like: its content (and `updatedAt` once a write was acknowledged), or gone. */
type Expected = { content: TaskContent; updatedAt?: string } | "deleted";

interface Entry {
  acked: Expected;
  /** A write that was sent but never answered (the server died): it may or may not have landed. */
  pending?: Expected;
}

const contentOf = (task: Task): TaskContent => ({
  title: task.title,
  description: task.description,
  completed: task.completed,
  priority: task.priority,
  tags: task.tags,
});

const sameContent = (a: TaskContent, b: TaskContent) => JSON.stringify(a) === JSON.stringify(b);

/**
 * One client's record of its own tasks, written before each request and confirmed by each 2xx:
 * afterwards `verify` compares it with what the server holds. A write that got a 2xx must be
 * there exactly; a write that got no answer may be there or not, but never half.
 *
 * Every write sets title and description to the same marker, so a task whose two fields differ
 * was half-written.
 *
 * @example
 *   const ledger = new TaskLedger();
 *   ledger.beginCreate(content);
 *   ledger.ackCreate(await (await post(content)).json());
 *   expect(ledger.verify(await listAll())).toEqual([]);
 */
export class TaskLedger {
  private readonly entries = new Map<string, Entry>();
  private pendingCreate: TaskContent | undefined;
  /** Acknowledged writes, for the summary. */
  acknowledged = 0;

  /** Ids of tasks that exist for sure (acknowledged and no write in doubt). */
  liveIds(): string[] {
    return [...this.entries]
      .filter(([, entry]) => entry.acked !== "deleted" && entry.pending === undefined)
      .map(([id]) => id);
  }

  /** The acknowledged content of a live task. */
  contentOf(id: string): TaskContent {
    const acked = this.entries.get(id)?.acked;
    if (!acked || acked === "deleted") throw new Error(`task ${id} is not live in the ledger`);
    return acked.content;
  }

  beginCreate(content: TaskContent): void {
    this.pendingCreate = content;
  }

  ackCreate(task: Task): void {
    this.pendingCreate = undefined;
    this.entries.set(task.id, { acked: { content: contentOf(task), updatedAt: task.updatedAt } });
    this.acknowledged++;
  }

  /** Before an update (`content`) or a delete (`"deleted"`) of a task. */
  beginWrite(id: string, next: TaskContent | "deleted"): void {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`task ${id} is not in the ledger`);
    entry.pending = next === "deleted" ? "deleted" : { content: next };
  }

  /** After a 2xx: the task as the server answered it, or `"deleted"` after a 204. */
  ackWrite(id: string, answer: Task | "deleted"): void {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`task ${id} is not in the ledger`);
    entry.acked = answer === "deleted" ? "deleted" : { content: contentOf(answer), updatedAt: answer.updatedAt };
    entry.pending = undefined;
    this.acknowledged++;
  }

  /**
   * Compares the ledger with every task the server holds for this user and returns each
   * discrepancy as a sentence (none means nothing acknowledged was lost or torn). Then takes
   * the server's state as the new starting point, so that the ledger can go on after a crash.
   */
  verify(actual: Task[]): string[] {
    const problems: string[] = [];
    const found = new Map(actual.map((task) => [task.id, task]));
    for (const task of actual) problems.push(...tornFields(task));
    for (const [id, entry] of this.entries) {
      const task = found.get(id);
      found.delete(id);
      const allowed = entry.pending === undefined ? [entry.acked] : [entry.acked, entry.pending];
      if (!allowed.some((expected) => matches(expected, task))) {
        problems.push(`task ${id}: expected ${describe(allowed)}, found ${task ? JSON.stringify(task) : "nothing"}`);
      }
      if (task) this.entries.set(id, { acked: { content: contentOf(task), updatedAt: task.updatedAt } });
      else this.entries.set(id, { acked: "deleted" });
    }
    // Tasks the ledger does not know: only the one create that was in flight may have landed.
    for (const task of found.values()) {
      if (this.pendingCreate && sameContent(contentOf(task), this.pendingCreate)) {
        this.pendingCreate = undefined;
        this.entries.set(task.id, { acked: { content: contentOf(task), updatedAt: task.updatedAt } });
      } else {
        problems.push(`task ${task.id} was never created by this client: ${JSON.stringify(task)}`);
      }
    }
    this.pendingCreate = undefined;
    return problems;
  }
}

function matches(expected: Expected, task: Task | undefined): boolean {
  if (expected === "deleted") return task === undefined;
  if (!task || !sameContent(expected.content, contentOf(task))) return false;
  return expected.updatedAt === undefined || expected.updatedAt === task.updatedAt;
}

function describe(allowed: Expected[]): string {
  return allowed.map((e) => (e === "deleted" ? "deleted" : JSON.stringify(e))).join(" or ");
}

/** Signs of a task written in part: fields from different writes, or an inconsistent shape. */
function tornFields(task: Task): string[] {
  const problems: string[] = [];
  const parsed = taskSchema.strict().safeParse(task);
  if (!parsed.success) problems.push(`task ${task.id} is malformed: ${parsed.error.message}`);
  if (task.title !== task.description) problems.push(`task ${task.id} is torn: title and description differ`);
  if (task.completed !== (task.completedAt !== null)) {
    problems.push(`task ${task.id} is torn: completed ${task.completed} with completedAt ${task.completedAt}`);
  }
  if (!priorities.includes(task.priority)) problems.push(`task ${task.id} has priority ${task.priority}`);
  return problems;
}
