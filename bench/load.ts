import autocannon from "autocannon";

export interface LoadResult {
  /** Successful (2xx) responses per second. */
  rps: number;
  /** Successful responses in all. */
  ok: number;
  /** Latency of the successful responses, milliseconds. */
  p50: number;
  p99: number;
  /** Requests that failed: non-2xx answers, socket errors, timeouts. */
  failures: number;
}

export interface LoadTiming {
  warmupSeconds: number;
  seconds: number;
}

/**
 * Drives a target with autocannon, in this (the orchestrator's) process: a warm-up, then the
 * measured part, on the same connections. Only responses that arrive after the warm-up count.
 * A fresh connection's first request waits for the handshake while the server is busy (up to
 * seconds on this machine), which says nothing about the server's steady state.
 */
export function runLoad(
  options: autocannon.Options,
  timing: LoadTiming,
  onMeasureStart?: () => void,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  let measuring = false;
  let measuredFrom = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon({ ...options, duration: timing.warmupSeconds + timing.seconds }, (error: unknown) => {
      if (error) return reject(error);
      const seconds = (performance.now() - measuredFrom) / 1000;
      resolve(summarise(latencies, failures, seconds));
    });
    setTimeout(() => {
      onMeasureStart?.();
      measuredFrom = performance.now();
      measuring = true;
    }, timing.warmupSeconds * 1000);
    instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (!measuring) return;
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else failures++;
    });
    instance.on("reqError", () => {
      if (measuring) failures++;
    });
  });
}

/** Starts a load that runs beside a measured scenario (the sign-in storm); stop() ends it. */
export function backgroundLoad(options: autocannon.Options): { stop(): Promise<LoadResult> } {
  let instance: autocannon.Instance | undefined;
  const started = performance.now();
  const latencies: number[] = [];
  let failures = 0;
  const done = new Promise<void>((resolve, reject) => {
    instance = autocannon({ ...options, duration: 3600 }, (error: unknown) => (error ? reject(error) : resolve()));
    instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else failures++;
    });
  });
  return {
    async stop() {
      instance?.stop();
      await done;
      return summarise(latencies, failures, (performance.now() - started) / 1000);
    },
  };
}

function summarise(latencies: number[], failures: number, seconds: number): LoadResult {
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? Number.NaN;
  return {
    rps: latencies.length / seconds,
    ok: latencies.length,
    p50: round1(at(0.5)),
    p99: round1(at(0.99)),
    failures,
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
