import { CHAIN_HEAD, RPC_NAMESPACES, type PluginApi } from '@metis/core';
import { EVM_CALL } from '@metis/evm';
import type { DacOptions } from './options.js';
import { dacNamespace } from './rpc.js';
import { DacViews } from './views.js';

/** The views over the evm plugin's EVM_CALL (resolved at each call: it is registered by then). */
export function headViews(api: Pick<PluginApi<unknown>, 'container'>): DacViews {
  return new DacViews((to, data) => api.container.resolve(EVM_CALL).call({ to, data }));
}

/** Adds the metis_dac* namespace. */
export function setupDac(api: PluginApi<DacOptions>): void {
  api.container.add(
    RPC_NAMESPACES,
    dacNamespace({ views: headViews(api), now: () => api.container.resolve(CHAIN_HEAD).head().timestamp, options: api.options }),
  );
}
