import { MetisError, type RpcHandler, type RpcNamespace, type RpcSubscription } from '@metis/core';

/** Methods the server implements itself; namespaces contribute subscription kinds instead. */
export const SUBSCRIBE = 'eth_subscribe';
export const UNSUBSCRIBE = 'eth_unsubscribe';

/** Every method and subscription kind the server serves, merged from the namespaces. */
export interface MethodTable {
  readonly methods: ReadonlyMap<string, RpcHandler>;
  readonly subscriptions: ReadonlyMap<string, RpcSubscription>;
}

/** Merges namespaces; a name contributed twice (or a server-owned name) fails with PLUGIN_INVALID. */
export function buildMethodTable(namespaces: readonly RpcNamespace[]): MethodTable {
  const methods = new Map<string, RpcHandler>();
  const subscriptions = new Map<string, RpcSubscription>();
  for (const ns of namespaces) {
    for (const [name, handler] of Object.entries(ns.methods ?? {})) {
      if (name === SUBSCRIBE || name === UNSUBSCRIBE) {
        invalid(`rpc method "${name}" is implemented by the rpc server; contribute a subscription kind instead`);
      }
      if (methods.has(name)) invalid(`rpc method "${name}" is contributed by more than one namespace`);
      if (typeof handler !== 'function') invalid(`rpc method "${name}" is not a function`);
      methods.set(name, handler);
    }
    for (const [kind, subscribe] of Object.entries(ns.subscriptions ?? {})) {
      if (subscriptions.has(kind)) invalid(`rpc subscription "${kind}" is contributed by more than one namespace`);
      if (typeof subscribe !== 'function') invalid(`rpc subscription "${kind}" is not a function`);
      subscriptions.set(kind, subscribe);
    }
  }
  return { methods, subscriptions };
}

function invalid(reason: string): never {
  throw new MetisError('PLUGIN_INVALID', { reason });
}
