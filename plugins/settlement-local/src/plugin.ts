import { CHAIN_HEAD, FINALITY, definePlugin } from '@metis/core';
import { localSettlementOptionsSchema } from './options.js';

/**
 * Commit and prove providers that record batches in a local LevelDB: a batcher groups blocks into
 * batches, commit stores each (unsafe), prove makes it safe and later finalized. Stands in for L1
 * settlement; FINALITY reports the safe and finalized heights. A replica cannot use it: nothing it
 * records can be derived from (the config check says so).
 */
export const localSettlement = definePlugin({
  id: 'settlement-local',
  stages: ['commit', 'prove'],
  requires: [CHAIN_HEAD],
  provides: [FINALITY],
  options: localSettlementOptionsSchema,
  check: (_options, config) =>
    config.role === 'replica'
      ? [{ path: 'role', message: 'a replica derives its chain from the batches of a settlement layer; local settlement has none to derive from (use the l1 plugin)' }]
      : [],
  async setup(api) {
    // LevelDB's native binding loads only when a node is built.
    const { setupLocalSettlement } = await import('./setup.js');
    setupLocalSettlement(api);
  },
});
