export * from './capabilities.js';
export { evm } from './plugin.js';
export type { EvmOptions, EvmOptionsInput } from './options.js';
export { createEvmCommon } from './common.js';
export { nativeEcrecover } from './crypto/ecrecover.js';
