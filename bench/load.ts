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

/** The longest a warm-up may wait for every connection to have been answered once. */
const MAX_WARMUP_SECONDS = 30;

/**
 * Drives a target with autocannon, in this (the orchestrator's) process: a warm-up, then the
 * measured part, on the same connections. The warm-up lasts `warmupSeconds` and until every
 * connection has had an answer: on a busy machine a fresh connection's first request can wait
 * for seconds (the kernel's and the event loop's handling of a burst of new connections), which
 * says nothing about how fast the server answers the requests of its clients.
 */
export function runLoad(
  options: autocannon.Options,
  timing: LoadTiming,
  onMeasureStart?: () => void,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const answered = new Set<unknown>();
  const connections = options.connections ?? 10;
  const started = performance.now();
  let failures = 0;
  let measuredFrom: number | undefined;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { ...options, duration: MAX_WARMUP_SECONDS + timing.seconds + 60 },
      (error: unknown) => {
        if (error) return reject(error);
        const seconds = (performance.now() - (measuredFrom ?? started)) / 1000;
        resolve(summarise(latencies, failures, seconds));
      },
    );
    const startMeasuring = () => {
      if (measuredFrom !== undefined) return;
      onMeasureStart?.();
      measuredFrom = performance.now();
      setTimeout(() => instance.stop(), timing.seconds * 1000);
    };
    const warm = () => answered.size >= connections && performance.now() - started >= timing.warmupSeconds * 1000;
    const check = setInterval(() => {
      if (warm() || performance.now() - started > MAX_WARMUP_SECONDS * 1000) {
        clearInterval(check);
        startMeasuring();
      }
    }, 50);
    instance.on("response", (client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (measuredFrom === undefined) {
        answered.add(client);
        return;
      }
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else failures++;
    });
    instance.on("reqError", () => {
      if (measuredFrom !== undefined) failures++;
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
