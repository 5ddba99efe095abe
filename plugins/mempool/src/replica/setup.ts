import { TX_POOL, type PluginApi } from '@metis/core';
import { EVM_STATE } from '@metis/evm';
import type { MempoolOptions } from '../options.js';
import { EmptyPool } from './empty-pool.js';
import { TxForwarder } from './forward.js';

/** A replica's ingest: forward to the sequencer (or refuse), and an empty TX_POOL. */
export function setupReplicaIngest(api: PluginApi<MempoolOptions>): void {
  const { sequencerRpc } = api.config;
  const forwarder = new TxForwarder(api.options, sequencerRpc === undefined ? {} : { sequencerRpc });
  const pool = new EmptyPool();
  api.container.value(TX_POOL, pool);
  api.provide('ingest', (ctx) => forwarder.ingest(ctx));
  api.onStart(() => {
    const state = api.container.resolve(EVM_STATE);
    forwarder.start(state);
    pool.start(state);
    api.logger.info({ sequencerRpc: sequencerRpc ?? 'none (transactions are refused)' }, 'replica: transactions are forwarded, not pooled');
  });
}
