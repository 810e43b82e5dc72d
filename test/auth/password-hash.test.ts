import { describe, expect, it } from "vitest";
import { ClientGoneError, HashQueue, ServerBusyError } from "../../src/server/auth/hash-queue.js";
import { hashPassword, verifyPassword } from "../../src/server/auth/password-hash.js";

describe("password hashing", () => {
  it("verifies the right password, refuses a wrong one, and treats a malformed hash as a mismatch", async () => {
    const stored = await hashPassword("a long and unusual passphrase");
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const answers = await Promise.all([
      verifyPassword({ hash: stored, password: "a long and unusual passphrase" }),
      verifyPassword({ hash: stored, password: "a long and unusual passphrasE" }),
      verifyPassword({ hash: "not-a-phc-string", password: "anything" }),
    ]);
    expect(answers).toEqual([true, false, false]);
  });

  it("answers every caller when many sign in at once (more callers than hash slots)", async () => {
    const stored = await hashPassword("correct horse battery staple");
    const attempts = Array.from({ length: 12 }, (_, i) =>
      verifyPassword({ hash: stored, password: i % 3 === 0 ? "wrong" : "correct horse battery staple" }),
    );
    expect(await Promise.all(attempts)).toEqual(Array.from({ length: 12 }, (_, i) => i % 3 !== 0));
  });
});

describe("the password-hash queue", () => {
  /** A queue of `slots` whose hashes finish only when the test says so. */
  function controlledQueue(slots: number, maxWaiting: number, maxPriorityWaiting = 2) {
    const queue = new HashQueue(slots, maxWaiting, maxPriorityWaiting);
    const started: string[] = [];
    const finish: (() => void)[] = [];
    const hash = (name: string) =>
      queue.run(async () => {
        started.push(name);
        await new Promise<void>((resolve) => finish.push(resolve));
        return name;
      });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
    const finishAll = async () => {
      while (finish.length > 0) {
        finish.shift()?.();
        await settle();
      }
    };
    return { queue, started, hash, settle, finishAll };
  }

  it("runs at most `slots` hashes at once and the rest in arrival order, freeing a slot when one fails", async () => {
    const q = controlledQueue(2, 10);
    const results = Promise.allSettled(
      ["a", "b", "c", "d"].map((n) =>
        q.queue.admit({}, () => (n === "b" ? q.hash(n).then(() => Promise.reject(new Error("b fails"))) : q.hash(n))),
      ),
    );
    await q.settle();
    expect(q.started).toEqual(["a", "b"]);
    expect(q.queue.waiting).toBe(2);
    await q.finishAll();
    expect(await results).toMatchObject([
      { value: "a" },
      { reason: { message: "b fails" } },
      { value: "c" },
      { value: "d" },
    ]);
    expect(q.queue.waiting).toBe(0);
  });

  it("refuses at once, without hashing, every request beyond the running ones and `maxWaiting` more", async () => {
    const q = controlledQueue(1, 3);
    const attempts = Array.from({ length: 10 }, (_, i) => q.queue.admit({}, () => q.hash(`r${i}`)));
    const refused = await Promise.allSettled(attempts.slice(4));
    expect(refused.every((r) => r.status === "rejected" && r.reason instanceof ServerBusyError)).toBe(true);
    await q.finishAll();
    expect(await Promise.all(attempts.slice(0, 4))).toEqual(["r0", "r1", "r2", "r3"]);
    expect(q.started).toEqual(["r0", "r1", "r2", "r3"]);
    // Once the queue has drained, requests are admitted again.
    const again = q.queue.admit({}, () => q.hash("later"));
    await q.settle();
    await q.finishAll();
    expect(await again).toBe("later");
  });

  it("serves trusted clients first, in a lane of their own that strangers cannot fill", async () => {
    const q = controlledQueue(1, 2, 1);
    const strangers = Array.from({ length: 6 }, (_, i) =>
      q.queue.admit({}, () => q.hash(`s${i}`)).catch((e: Error) => e.name),
    );
    const owner = q.queue.admit({ priority: true }, () => q.hash("owner"));
    await q.settle();
    await q.finishAll();
    expect(await owner).toBe("owner");
    expect(await Promise.all(strangers)).toEqual([
      "s0",
      "s1",
      "s2",
      "ServerBusyError",
      "ServerBusyError",
      "ServerBusyError",
    ]);
    // The owner's hash ran as soon as the first slot came free, before the waiting strangers.
    expect(q.started).toEqual(["s0", "owner", "s1", "s2"]);
  });

  it("does not hash for a client that went away while it waited", async () => {
    const q = controlledQueue(1, 5);
    const first = q.queue.admit({}, () => q.hash("first"));
    const controller = new AbortController();
    const gone = q.queue.admit({ signal: controller.signal }, () => q.hash("gone"));
    const goneResult = gone.catch((e: Error) => e);
    await q.settle();
    controller.abort();
    await q.finishAll();
    expect(await first).toBe("first");
    expect(await goneResult).toBeInstanceOf(ClientGoneError);
    expect(q.started).toEqual(["first"]);
  });
});
