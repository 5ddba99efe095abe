import type { Logger } from '@metis/core';

/**
 * Runs `work` every `intervalMs`, and as soon as possible after `wake()`, one run at a time (a wake during a
 * run causes one more run after it). A failed run is logged and retried at the next tick. `stop` waits for a
 * run in progress.
 */
export class Ticker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly work: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), ms);
  }

  private async run(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = (async () => {
      try {
        await this.work();
      } catch (e) {
        this.logger.warn({ err: e, task: this.name }, `${this.name} failed; trying again`);
      }
    })();
    await this.running;
    this.running = undefined;
    if (this.stopped) return;
    const again = this.again;
    this.again = false;
    this.schedule(again ? 0 : this.intervalMs);
  }
}
