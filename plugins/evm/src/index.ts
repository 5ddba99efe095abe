export * from './capabilities.js';
export { evm } from './plugin.js';
export type { EvmOptions, EvmOptionsInput } from './options.js';
export { createEvmCommon } from './common.js';
export { nativeEcrecover } from './crypto/ecrecover.js';
export { keccak256 } from './crypto/keccak.js';
export { DEFAULT_DEPOSIT_GAS_LIMIT, L2_BRIDGE, MESSAGE_PASSER, NATIVE_TOKEN, SYSTEM_CALLER } from './constants.js';
export { FINALIZE_DEPOSIT_SELECTOR, FINALIZE_DEPOSIT_SIGNATURE, depositHash, encodeFinalizeDeposit } from './execute/deposits.js';
export { txDecodeOptions } from './execute/decode-tx.js';
