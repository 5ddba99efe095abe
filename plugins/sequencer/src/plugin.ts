import {
  BLOCK_PRODUCER,
  CHAIN_HEAD,
  MetisError,
  DEPOSIT_QUEUE,
  EVENTS,
  STAGES_RUNNER,
  TX_POOL,
  definePlugin,
} from '@metis/core';
import { BlockLoop } from './block-loop.js';
import { sequencerOptionsSchema } from './options.js';

/**
 * The order-stage provider and the block production loop. Orders a block by crediting every ready L1
 * deposit first (forced inclusion: when a DEPOSIT_QUEUE is present, the sequencer takes them all, oldest
 * first, before any transaction) and then the pool's best executable transactions; produces blocks on a
 * timer (or as soon as transactions or deposits wait, with 'instant').
 *
 * A replica (`role: 'replica'`) produces nothing: no loop runs and `produce()` is refused (NODE_STATE);
 * its blocks come from L1 through the settlement plugin.
 */
export const sequencer = definePlugin({
  id: 'sequencer',
  stages: ['order'],
  requires: [TX_POOL, CHAIN_HEAD],
  provides: [BLOCK_PRODUCER],
  options: sequencerOptionsSchema,
  setup(api) {
    const { container, options } = api;

    api.provide('order', (ctx) => {
      const deposits = container.tryResolve(DEPOSIT_QUEUE);
      ctx.deposits = deposits ? [...deposits.ready(ctx.template.depositCount, options.maxDepositsPerBlock)] : [];
      const candidates = { ...ctx.template, gasLimit: ctx.template.gasLimit * BigInt(options.candidateGasFactor) };
      ctx.txs = container.resolve(TX_POOL).select(candidates, options.maxTxsPerBlock);
    });

    if (api.config.role === 'replica') {
      container.value(BLOCK_PRODUCER, {
        produce: () => Promise.reject(new MetisError('NODE_STATE', { action: 'produce a block', state: 'a read-only replica' })),
      });
      return;
    }

    const loop = new BlockLoop(options.blockTime);
    container.value(BLOCK_PRODUCER, { produce: () => loop.produce() });

    // Resolved at start, so a test's container overrides (applied after setup) are seen.
    api.onStart(() =>
      loop.start({
        stages: container.resolve(STAGES_RUNNER),
        pool: container.resolve(TX_POOL),
        chain: container.resolve(CHAIN_HEAD),
        deposits: container.tryResolve(DEPOSIT_QUEUE),
        events: container.resolve(EVENTS),
        logger: api.logger,
      }),
    );
    api.onStop(() => loop.stop());
  },
});
