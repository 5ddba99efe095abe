import { CHAIN_HEAD, DATA_AVAILABILITY, DEPOSIT_QUEUE, FINALITY, definePlugin } from '@metis/core';
import { calldataDaOptionsSchema } from './da/calldata-da.js';
import { L1_CONNECTION } from './connection.js';
import { l2Predeploys } from './genesis/predeploys.js';
import { l1OptionsSchema } from './options.js';

/**
 * Settlement on an Ethereum L1: commit posts batches (data through the DATA_AVAILABILITY plugin, header to
 * the BatchInbox), prove follows their finality on L1, deposits from the L1 Bridge feed the sequencer
 * (DEPOSIT_QUEUE), and the L2 bridge predeploys go into the genesis.
 *
 * On a replica (`role: 'replica'`) nothing is posted and no key is used: the Deriver rebuilds the chain
 * from the BatchInbox and the DA (BLOCK_IMPORTER), checks every batch, and provides FINALITY from what it
 * verified; DEPOSIT_QUEUE serves nothing. Both roles answer `metis_syncStatus`.
 */
export const l1 = definePlugin({
  id: 'l1',
  stages: ['commit', 'prove'],
  requires: [CHAIN_HEAD],
  provides: [FINALITY, DEPOSIT_QUEUE, L1_CONNECTION],
  options: l1OptionsSchema,
  genesis: () => l2Predeploys(),
  async setup(api) {
    const { setupL1 } = await import('./setup.js');
    await setupL1(api);
  },
});

/** Batch data in L1 calldata (the DataInbox contract): the DA that needs nothing but the L1. */
export const calldataDa = definePlugin({
  id: 'calldata-da',
  requires: [L1_CONNECTION],
  provides: [DATA_AVAILABILITY],
  options: calldataDaOptionsSchema,
  async setup(api) {
    const { CalldataDA } = await import('./da/calldata-da.js');
    const l1 = api.container.resolve(L1_CONNECTION);
    api.container.value(
      DATA_AVAILABILITY,
      new CalldataDA({ chainId: l1.chainId, dataInbox: l1.contracts.dataInbox, provider: l1.provider, ...(l1.sender ? { sender: l1.sender } : {}), options: api.options }),
    );
  },
});
