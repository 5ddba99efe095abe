import { CHAIN_HEAD, definePlugin } from '@metis/core';
import { EVM_CALL } from '@metis/evm';
import { dacPredeploys } from './contracts.js';
import { dacOptionsSchema } from './options.js';

/**
 * Decentralized autonomous companies: the six DAC predeploys (DacRegistry, DacReputation, DacAttributes,
 * DacCommitments, DacProposals, DacTreasury) in the genesis at their fixed addresses, the read-only
 * `metis_dac*` JSON-RPC views (over the evm plugin's EVM_CALL), and the `metis dac ...` commands.
 */
export const dac = definePlugin({
  id: 'dac',
  requires: [EVM_CALL, CHAIN_HEAD],
  options: dacOptionsSchema,
  check: (options) =>
    options.defaultPageSize > options.maxPageSize ? [{ path: 'defaultPageSize', message: `must not exceed maxPageSize (${options.maxPageSize})` }] : [],
  genesis: () => dacPredeploys(),
  commands: async () => (await import('./cli/index.js')).dacCommands,
  async setup(api) {
    const { setupDac } = await import('./setup.js');
    setupDac(api);
  },
});
