import { definePlugin, TX_POOL } from '@metis/core';
import { EVM_STATE } from '@metis/evm';
import { mempoolOptionsSchema } from './options.js';

/**
 * The ingest-stage provider for EVM chains: validates transactions against the committed head, journals
 * them in LevelDB before acknowledging them, and offers them to the order stage as TX_POOL.
 *
 * On a replica (`role: 'replica'`) nothing is pooled: transactions are checked statelessly and forwarded
 * to the node's `sequencerRpc` (or refused with TX_READ_ONLY without one); TX_POOL stays, empty.
 */
export const mempool = definePlugin({
  id: 'mempool',
  dependencies: ['evm'],
  stages: ['ingest'],
  requires: [EVM_STATE],
  provides: [TX_POOL],
  options: mempoolOptionsSchema,
  async setup(api) {
    if (api.config.role === 'replica') {
      const { setupReplicaIngest } = await import('./replica/setup.js');
      setupReplicaIngest(api);
      return;
    }
    const { Mempool } = await import('./pool.js');
    const pool = new Mempool(api.options, { events: api.events, logger: api.logger });
    api.container.value(TX_POOL, pool);
    api.provide('ingest', (ctx) => pool.ingest(ctx));
    let unsubscribe: (() => void) | undefined;
    api.onStart(async () => {
      // Resolved at start: the EVM plugin (a dependency, started first) owns the state.
      const state = api.container.resolve(EVM_STATE);
      await pool.start(state, await api.dataDir());
      unsubscribe = api.events.on('block', () => pool.headChanged());
    });
    api.onStop(async () => {
      unsubscribe?.();
      await pool.stop();
    });
  },
});
