const WARM_UP_SECONDS = 1;

export interface Rate {
  /** Completed calls per second. */
  rps: number;
  /** CPU time of this process (all threads) per call, ms. */
  cpuMs: number;
}

/**
 * Calls `work` from `callers` concurrent loops: a one-second warm-up, then `seconds` of counting.
 */
export async function runFor(seconds: number, callers: number, work: () => Promise<unknown>): Promise<Rate> {
  await loop(WARM_UP_SECONDS, callers, work);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const done = await loop(seconds, callers, work);
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { rps: done / elapsed, cpuMs: (used.user + used.system) / 1000 / done };
}

async function loop(seconds: number, callers: number, work: () => Promise<unknown>): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  const caller = async () => {
    while (performance.now() < until) {
      await work();
      done++;
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  return done;
}
