import type { MetisNode } from '@metis/core';
import { RPC_SERVER } from '@metis/rpc';
import type { Endpoints } from './run-node.js';

/** The bound JSON-RPC URLs of a started node, or undefined when the config has no rpc plugin. */
export function rpcEndpoints(node: MetisNode): Endpoints | undefined {
  const server = node.container.tryResolve(RPC_SERVER);
  return server ? { http: server.httpUrl, ws: server.wsUrl } : undefined;
}
