import { CHAIN_HEAD, FINALITY, definePlugin } from '@metis/core';
import { localSettlementOptionsSchema } from './options.js';

/**
 * Commit and prove providers that record batches in a local LevelDB: a batcher groups blocks into
 * batches, commit stores each (unsafe), prove makes it safe and later finalized. Stands in for L1
 * settlement; FINALITY reports the safe and finalized heights.
 */
export const localSettlement = definePlugin({
  id: 'settlement-local',
  stages: ['commit', 'prove'],
  requires: [CHAIN_HEAD],
  provides: [FINALITY],
  options: localSettlementOptionsSchema,
  async setup(api) {
    // LevelDB's native binding loads only when a node is built.
    const { setupLocalSettlement } = await import('./setup.js');
    setupLocalSettlement(api);
  },
});
