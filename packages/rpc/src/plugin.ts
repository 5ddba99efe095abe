import { definePlugin, MetisError, RPC_NAMESPACES } from '@metis/core';
import { RPC_SERVER, type RpcServerInfo } from './capabilities.js';
import { rpcOptionsSchema } from './options.js';
import { createRpcServer, type RpcServer } from './server.js';

/**
 * The JSON-RPC transport. Serves every namespace added under RPC_NAMESPACES, collected when the node
 * starts (so plugins set up after this one count). Owns no method itself besides eth_subscribe and
 * eth_unsubscribe.
 */
export const rpc = definePlugin({
  id: 'rpc',
  options: rpcOptionsSchema,
  provides: [RPC_SERVER],
  setup(api) {
    let server: RpcServer | undefined;
    const url = (pick: (s: RpcServer) => string): string => {
      if (!server) throw new MetisError('NODE_STATE', { action: 'report the RPC URL', state: 'the node is not started' });
      return pick(server);
    };
    const info: RpcServerInfo = {
      get httpUrl() {
        return url((s) => s.httpUrl);
      },
      get wsUrl() {
        return url((s) => s.wsUrl);
      },
    };
    api.container.value(RPC_SERVER, info);

    api.onStart(async () => {
      const namespaces = api.container.all(RPC_NAMESPACES);
      server = createRpcServer(namespaces, api.options, api.logger);
      const { httpUrl, wsUrl } = await server.start();
      api.logger.info({ httpUrl, wsUrl, namespaces: namespaces.length }, 'JSON-RPC server listening');
    });
    api.onStop(() => server?.stop());
  },
});
