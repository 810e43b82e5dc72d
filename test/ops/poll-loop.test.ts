import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PollLoop } from "../../src/server/ops/poll-loop.js";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A loop whose runs answer `answers` in turn (then false), counting them. */
function loopAnswering(answers: Array<boolean | Error>) {
  const runs = { count: 0 };
  const errors: unknown[] = [];
  const loop = new PollLoop({
    run: async () => {
      runs.count++;
      const answer = answers.shift() ?? false;
      if (answer instanceof Error) throw answer;
      return answer;
    },
    pollIntervalMs: 1000,
    onError: (error) => errors.push(error),
  });
  return { loop, runs, errors };
}

describe("PollLoop", () => {
  it("runs at start, at once again while a run says more may be waiting, then every interval (±20 %)", async () => {
    const { loop, runs } = loopAnswering([true, true, false, false]);
    loop.start();
    await vi.advanceTimersByTimeAsync(5);
    expect(runs.count).toBe(3);
    await vi.advanceTimersByTimeAsync(794);
    expect(runs.count).toBe(3);
    await vi.advanceTimersByTimeAsync(401);
    expect(runs.count).toBe(4);
    await loop.stop();
  });

  it("runs once more right after a run during which it was woken, and a wake while idle brings the run forward", async () => {
    let finish: (more: boolean) => void = () => {};
    let runs = 0;
    const loop = new PollLoop({
      run: () => {
        runs++;
        return new Promise<boolean>((resolve) => {
          finish = resolve;
        });
      },
      pollIntervalMs: 60_000,
      onError: () => {},
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    loop.wake(0);
    loop.wake(0);
    expect(runs).toBe(1);
    finish(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(2);
    finish(false);
    await vi.advanceTimersByTimeAsync(10);
    expect(runs).toBe(2);
    loop.wake(25);
    await vi.advanceTimersByTimeAsync(25);
    expect(runs).toBe(3);
    finish(false);
    await loop.stop();
  });

  it("reports a failed run and polls again after the interval", async () => {
    const failure = new Error("connection lost");
    const { loop, runs, errors } = loopAnswering([failure]);
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual([failure]);
    await vi.advanceTimersByTimeAsync(1200);
    expect(runs.count).toBe(2);
    await loop.stop();
  });

  it("stop waits for the run in progress, which sees `stopped`; nothing runs after it, wakes included", async () => {
    let sawStopped = false;
    let finish: () => void = () => {};
    let runs = 0;
    const loop: PollLoop = new PollLoop({
      run: async () => {
        runs++;
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
        sawStopped = loop.stopped;
        return true;
      },
      pollIntervalMs: 1000,
      onError: () => {},
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = loop.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(sawStopped).toBe(true);
    loop.wake(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(1);
  });
});
