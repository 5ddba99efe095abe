export { startDevnet, removeDir, METIS_BIN, type Devnet, type DevnetOptions } from './devnet.js';
export { rpc, call, callError, waitForReceipt } from './json-rpc.js';
export { DEV_KEYS, DEV_ADDRESSES, DEV_CHAIN_ID } from './dev-accounts.js';
// The L1 tooling lives with the L1 plugin (`metis dev` and `metis deploy` use it too); re-exported for tests.
export {
  startAnvil,
  anvilBin,
  freePort,
  deployL1,
  DA_KIND,
  SLASHER_ROLE,
  CHALLENGER_ROLE,
  type Anvil,
  type AnvilOptions,
  type ChainConfig,
  type DeployL1Options,
  type L1Addresses,
  type L1Deployment,
} from '@metis/l1';
export { sleep, until } from './wait.js';
export { daConformanceSuite, DA_CONFORMANCE_LARGE_BYTES, type DaHarness } from './conformance/da.js';
