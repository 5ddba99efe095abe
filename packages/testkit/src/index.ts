export { startDevnet, removeDir, METIS_BIN, type Devnet, type DevnetOptions } from './devnet.js';
export { rpc, call, callError, waitForReceipt } from './json-rpc.js';
export { DEV_KEYS, DEV_ADDRESSES, DEV_CHAIN_ID } from './dev-accounts.js';
export { startAnvil, anvilBin, freePort, type Anvil, type AnvilOptions } from './anvil.js';
export {
  deployL1,
  DA_KIND,
  SLASHER_ROLE,
  CHALLENGER_ROLE,
  type ChainConfig,
  type DeployL1Options,
  type L1Addresses,
  type L1Deployment,
} from './deploy-l1.js';
