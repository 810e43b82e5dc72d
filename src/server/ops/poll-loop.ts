/**
 * The timer of a background worker that drains rows shared through PostgreSQL (the email outbox,
 * due reminders): one run at a time; the next at once when the last said more may be waiting or
 * a wake came during it, else after the poll interval, jittered so that processes started
 * together do not poll in lockstep. A failed run is reported and the next poll tries again.
 *
 * @example
 *   const loop = new PollLoop({ run: async () => (await drain()).more, pollIntervalMs: 1000, onError });
 *   loop.start();
 *   loop.wake(25); // something was queued in this process: run soon
 *   await loop.stop(); // cancels the next run and waits for the one in progress
 */
export class PollLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private runAgain = false;
  private started = false;
  private stopping = false;

  constructor(
    private readonly options: {
      /** One run; resolves true when more may be waiting. */
      run(): Promise<boolean>;
      pollIntervalMs: number;
      onError(error: unknown): void;
    },
  ) {}

  /** Whether stop() was called: a run in progress checks it between items to end early. */
  get stopped(): boolean {
    return this.stopping;
  }

  start(): void {
    if (this.started && !this.stopping) return;
    this.started = true;
    this.stopping = false;
    this.wake(0);
  }

  /** Cancels the next run and waits for the one in progress. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Runs after `delayMs` (replacing the pending timer); during a run, once more right after it. */
  wake(delayMs: number): void {
    if (!this.started || this.stopping) return;
    if (this.running) {
      this.runAgain = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), delayMs);
    this.timer.unref();
  }

  private tick(): void {
    this.running = this.options
      .run()
      .catch((error: unknown) => {
        this.options.onError(error);
        return false;
      })
      .then((more) => {
        this.running = undefined;
        const again = more || this.runAgain;
        this.runAgain = false;
        this.wake(again ? 0 : this.options.pollIntervalMs * (0.8 + Math.random() * 0.4));
      });
  }
}
