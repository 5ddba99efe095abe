import { MetisError } from '../errors/metis-error.js';

export type Hook = () => Promise<void> | void;
type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * Start hooks run in registration order (plugin dependency order); stop hooks in reverse. If a start hook
 * fails, every stop hook runs (stop hooks must tolerate a plugin that never started). `stop()` is idempotent: concurrent and repeated calls
 * share one run, and a failing stop hook does not keep the others from running.
 */
export class Lifecycle {
  private readonly starts: { owner: string; hook: Hook }[] = [];
  private readonly stops: { owner: string; hook: Hook }[] = [];
  private state: State = 'idle';
  private stopping?: Promise<void>;

  get status(): State {
    return this.state;
  }

  onStart(owner: string, hook: Hook): void {
    this.starts.push({ owner, hook });
  }

  onStop(owner: string, hook: Hook): void {
    this.stops.push({ owner, hook });
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') throw new MetisError('NODE_STATE', { action: 'start', state: this.state });
    this.state = 'starting';
    try {
      for (const { hook } of this.starts) {
        await hook();
      }
      this.state = 'running';
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.state = 'stopping';
    this.stopping = (async () => {
      const errors: unknown[] = [];
      for (const { hook } of [...this.stops].reverse()) {
        try {
          await hook();
        } catch (e) {
          errors.push(e);
        }
      }
      this.state = 'stopped';
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) throw new AggregateError(errors, 'several stop hooks failed');
    })();
    return this.stopping;
  }
}
