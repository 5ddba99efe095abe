import { join } from 'node:path';
import { Batcher, CHAIN_HEAD, FINALITY, STAGES_RUNNER, type PluginApi } from '@metis/core';
import { BatchStore } from './batch-store.js';
import type { LocalSettlementOptions } from './options.js';
import { LocalSettlement } from './settlement.js';

/** Wires the store, the providers, FINALITY and the batcher into a node (loaded when a node is built). */
export function setupLocalSettlement(api: PluginApi<LocalSettlementOptions>): void {
  const { container, options, events, logger } = api;
  const store = new BatchStore();
  const settlement = new LocalSettlement(store, options.finalityDelay, events, logger);
  const batcher = new Batcher(options);

  api.provide('commit', (ctx) => settlement.commit(ctx));
  api.provide('prove', (ctx) => settlement.prove(ctx));
  container.value(FINALITY, {
    safeBlock: () => settlement.safeBlock(),
    finalizedBlock: () => settlement.finalizedBlock(),
    batches: () => settlement.batches(),
  });

  api.onStart(async () => {
    const chain = container.resolve(CHAIN_HEAD);
    await store.open(join(await api.dataDir(), 'batches'));
    await settlement.start(chain);
    batcher.start({
      stages: container.resolve(STAGES_RUNNER),
      chain,
      events,
      logger,
      progress: { lastBatchedBlock: () => store.lastBlock(), unsafeBatches: () => store.unsafe() },
    });
  });

  // The batcher first (it may be committing), then finalization timers, then the database.
  let stopping: Promise<void> | undefined;
  api.onStop(() =>
    (stopping ??= (async () => {
      await batcher.stop();
      await settlement.stop();
      await store.close();
    })()),
  );
}
