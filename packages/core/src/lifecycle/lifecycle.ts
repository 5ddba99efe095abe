import { MetisError } from '../errors/metis-error.js';

export type Hook = () => Promise<void> | void;
type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * Start hooks run in registration order (plugin dependency order); stop hooks in reverse. If a start hook
 * fails, every stop hook runs (stop hooks must tolerate a plugin that never started) and `start()` rejects
 * with that hook's error. `stop()` is idempotent: concurrent and repeated calls share one run, and a failing
 * stop hook does not keep the others from running. A `stop()` during `start()` waits for the start hook
 * in flight, starts nothing more, and `start()` rejects with NODE_STATE.
 */
export class Lifecycle {
  private readonly starts: { owner: string; hook: Hook }[] = [];
  private readonly stops: { owner: string; hook: Hook }[] = [];
  private state: State = 'idle';
  private stopping?: Promise<void>;
  /** The start hook in flight, which a concurrent stop() waits for. */
  private current?: Promise<void>;

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
        if (this.stopping) break;
        this.current = (async () => hook())();
        await this.current;
      }
      if (this.stopping) throw new MetisError('NODE_STATE', { action: 'start', state: 'stopping' });
      this.state = 'running';
    } catch (e) {
      // The start error is the one to report; stop-hook failures here are secondary.
      await this.stop().catch(() => undefined);
      throw e;
    } finally {
      this.current = undefined;
    }
  }

  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.state = 'stopping';
    const inFlight = this.current;
    this.stopping = (async () => {
      await inFlight?.catch(() => undefined);
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
