import { CHAIN_HEAD, definePlugin } from '@metis/core';
import { L1_CONNECTION } from '@metis/l1';
import { rangersOptionsSchema } from './options.js';

/**
 * Rangers: a staked committee that re-executes every batch and finalizes it on L1 by quorum certificate, in
 * seconds instead of a challenge window.
 *
 * - On a replica (`role: 'replica'`) the node is a ranger: each batch its Deriver re-executes is signed
 *   (EIP-712 attestation of the roots computed here, slashing-protected) and gossiped over libp2p; it submits
 *   certificates when the sequencer does not, challenges batches whose re-execution disagrees with their
 *   header, resolves disputes by the gossiped votes, and reports equivocations.
 * - On the sequencer it collects the attestations and submits the certificates (proposer's L1 key).
 *
 * Fast finality is safe while at least two thirds of the staked weight is honest; below that nothing
 * finalizes early and the challenge window applies.
 */
export const rangers = definePlugin({
  id: 'rangers',
  dependencies: ['l1'],
  requires: [CHAIN_HEAD, L1_CONNECTION],
  options: rangersOptionsSchema,
  check: (options, config) =>
    config.role === 'replica' && !options.key && !process.env[options.keyEnv]
      ? [{ path: 'key', message: `a ranger (a replica with the rangers plugin) needs its key: the option key, or the environment variable ${options.keyEnv}` }]
      : [],
  async setup(api) {
    const { setupRangers } = await import('./setup.js');
    setupRangers(api);
  },
});
