export { rpc } from './plugin.js';
export { RPC_SERVER, type RpcServerInfo } from './capabilities.js';
export { createRpcServer, type RpcServer } from './server.js';
export { toRpcError, type RpcErrorObject } from './errors.js';
export { rpcOptionsSchema, type RpcOptions, type RpcOptionsInput } from './options.js';
