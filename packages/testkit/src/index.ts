export { startDevnet, removeDir, METIS_BIN, type Devnet, type DevnetOptions } from './devnet.js';
export { rpc, call, callError, waitForReceipt } from './json-rpc.js';
export { DEV_KEYS, DEV_ADDRESSES, DEV_CHAIN_ID } from './dev-accounts.js';
