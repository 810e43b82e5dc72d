import { describe, expect, it } from "vitest";
import { concurrencyLimit, hashPassword, verifyPassword } from "../../src/server/auth/password-hash.js";

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

describe("concurrencyLimit", () => {
  it("runs at most `limit` tasks at once, the rest in arrival order, and frees a slot when one fails", async () => {
    const run = concurrencyLimit(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const release: (() => void)[] = [];
    const task = (n: number) =>
      run(async () => {
        running++;
        peak = Math.max(peak, running);
        started.push(n);
        await new Promise<void>((resolve) => release.push(resolve));
        running--;
        if (n === 1) throw new Error("task 1 fails");
        return n;
      });
    const results = [0, 1, 2, 3, 4].map((n) => task(n).catch((e: Error) => e.message));
    const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
    await settle();
    expect(started).toEqual([0, 1]);
    while (release.length > 0) {
      release.shift()?.();
      await settle();
    }
    expect(await Promise.all(results)).toEqual([0, "task 1 fails", 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });
});
