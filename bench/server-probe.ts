import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type autocannon from "autocannon";
import { type LoadResult, type LoadTiming, runLoad } from "./load.js";
import { progress } from "./progress.js";
import type { BenchServer } from "./server-process.js";

export interface MeasuredLoad extends LoadResult {
  /** Server CPU time (all threads) per successful request during the measured run, ms. */
  cpuMsPerRequest: number;
  /** The same for the main thread alone: the event loop's share (the rest is libuv's thread pool). */
  mainThreadMsPerRequest: number;
}

/**
 * Measures one scenario against the running server: a warm-up, then the measured run, with the
 * server's CPU time over the measured part. It also remembers when each measured part ran (seconds
 * since spawn), so that profile-summary.ts can pick one scenario's samples out of a --cpu-prof
 * profile.
 */
export class ServerProbe {
  private readonly windows: Record<string, [number, number]> = {};

  constructor(
    private readonly server: BenchServer,
    private readonly timing: LoadTiming,
  ) {}

  async measure(name: string, options: autocannon.Options): Promise<MeasuredLoad> {
    let start = 0;
    let cpuBefore = { all: 0, main: 0 };
    const load = await runLoad(options, this.timing, () => {
      start = this.sinceSpawn();
      cpuBefore = this.server.cpuMs();
    });
    const cpuAfter = this.server.cpuMs();
    this.windows[name] = [start, this.sinceSpawn()];
    progress(
      `${name}: server RSS now ${this.server.rssMiB().toFixed(0)} MiB, peak ${this.server.peakRssMiB().toFixed(0)} MiB`,
    );
    const requests = Math.max(1, load.ok);
    return {
      ...load,
      cpuMsPerRequest: (cpuAfter.all - cpuBefore.all) / requests,
      mainThreadMsPerRequest: (cpuAfter.main - cpuBefore.main) / requests,
    };
  }

  writeWindows(directory: string): void {
    mkdirSync(directory, { recursive: true });
    const path = join(directory, `windows-${this.server.pid}.json`);
    writeFileSync(path, `${JSON.stringify(this.windows, null, 2)}\n`);
    progress(`profile windows written to ${path}`);
  }

  private sinceSpawn(): number {
    return (performance.now() - this.server.spawnedAt) / 1000;
  }
}
