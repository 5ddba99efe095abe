import { definePlugin } from '@metis/core';
import { EVM_CALL } from '@metis/evm';
import { tokenPredeploys } from './contracts.js';
import { tokenOptionsSchema } from './options.js';

/**
 * DAC tokens: the DacTokenFactory predeploy in the genesis (DAC proposals launch one capped ERC-20 with votes per
 * DAC and mint it), `metis_dacTokenInfo`, and the `metis token ...` commands. Needs the dac plugin.
 */
export const token = definePlugin({
  id: 'token',
  dependencies: ['dac'],
  requires: [EVM_CALL],
  options: tokenOptionsSchema,
  genesis: () => tokenPredeploys(),
  commands: async () => (await import('./cli/token-commands.js')).tokenCommands,
  async setup(api) {
    const [{ RPC_NAMESPACES }, { headViews }, { tokenNamespace }] = await Promise.all([import('@metis/core'), import('@metis/dac'), import('./rpc.js')]);
    api.container.add(RPC_NAMESPACES, tokenNamespace({ views: headViews(api), options: api.options }));
  },
});
