import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The end-to-end tests use the testkit's devnet harness, as a plugin author's tests would. */
export { startDevnet, removeDir, METIS_BIN, rpc, call, callError, waitForReceipt, sleep, until, DEV_KEYS, DEV_ADDRESSES, type Devnet } from '@metis/testkit';
export { DEV_CHAIN_ID as CHAIN_ID } from '@metis/testkit';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CAST_BIN = join(ROOT, 'node_modules/.bin/cast');
