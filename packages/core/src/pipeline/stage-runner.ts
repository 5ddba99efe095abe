import { MetisError } from '../errors/metis-error.js';
import { compose, type Layer, type Middleware, type Provider } from './compose.js';
import { STAGES, type StageContexts, type StageName } from './stages.js';

interface StageSlot<C> {
  provider?: { plugin: string; fn: Provider<C> };
  middleware: Layer<C>[];
  run?: (ctx: C) => Promise<void>;
}

type Slots = { [S in StageName]: StageSlot<StageContexts[S]> };

/**
 * Holds, for each of the five stages, exactly one provider and its middleware, and runs a context
 * through the onion: middleware in registration order (outermost first), the provider innermost.
 */
export class StageRunner {
  private readonly slots: Slots = Object.fromEntries(STAGES.map((s) => [s, { middleware: [] }])) as unknown as Slots;
  private sealed = false;

  provide<S extends StageName>(stage: S, plugin: string, fn: Provider<StageContexts[S]>): void {
    this.assertOpen();
    const slot = this.slots[stage] as StageSlot<StageContexts[S]>;
    if (slot.provider) {
      throw new MetisError('STAGE_PROVIDER_CONFLICT', { stage, first: slot.provider.plugin, second: plugin });
    }
    slot.provider = { plugin, fn };
  }

  use<S extends StageName>(stage: S, plugin: string, fn: Middleware<StageContexts[S]>): void {
    this.assertOpen();
    (this.slots[stage] as StageSlot<StageContexts[S]>).middleware.push({ plugin, fn });
  }

  providerOf(stage: StageName): string | undefined {
    return this.slots[stage].provider?.plugin;
  }

  /** Checks every stage has a provider and freezes the onions. */
  seal(): void {
    if (this.sealed) return;
    for (const stage of STAGES) {
      const slot = this.slots[stage] as StageSlot<unknown>;
      const provider = slot.provider;
      if (!provider) throw new MetisError('STAGE_PROVIDER_MISSING', { stage });
      const inner: Layer<unknown> = { plugin: provider.plugin, fn: (ctx) => provider.fn(ctx) };
      slot.run = compose(stage, [...slot.middleware, inner]);
    }
    this.sealed = true;
  }

  run<S extends StageName>(stage: S, ctx: StageContexts[S]): Promise<StageContexts[S]> {
    const slot = this.slots[stage] as StageSlot<StageContexts[S]>;
    if (!slot.run) return Promise.reject(new MetisError('NODE_STATE', { action: `run stage ${stage}`, state: 'not started' }));
    return slot.run(ctx).then(() => ctx);
  }

  private assertOpen(): void {
    if (this.sealed) throw new MetisError('NODE_STATE', { action: 'register stage handlers', state: 'sealed' });
  }
}
