import { createToken } from '@metis/core';

/** Where the node's JSON-RPC server listens. Read the getters after the node started. */
export interface RpcServerInfo {
  readonly httpUrl: string;
  readonly wsUrl: string;
}

/** Provided by the rpc plugin. */
export const RPC_SERVER = createToken<RpcServerInfo>('rpc-server');
