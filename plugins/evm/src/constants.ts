import type { Hex } from '@metis/core';

/**
 * Fixed L2 addresses (contracts/src/l2/Predeploys.sol) and deposit defaults. The bridge address, the
 * system caller and the deposit gas limit are evm plugin options; these are their defaults.
 */

/** The node executes L1 deposits as calls from this address (no key exists for it). */
export const SYSTEM_CALLER: Hex = '0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001';
/** The L2 bridge predeploy: deposits are `finalizeDeposit` calls to it. */
export const L2_BRIDGE: Hex = '0x4200000000000000000000000000000000000010';
/** The predeploy that records withdrawals to L1. */
export const MESSAGE_PASSER: Hex = '0x4200000000000000000000000000000000000016';
/** Gas each deposit's `finalizeDeposit` call gets (not counted in the block's gas used). */
export const DEFAULT_DEPOSIT_GAS_LIMIT = 5_000_000n;
/** `l1Token` of a native-coin deposit. */
export const NATIVE_TOKEN: Hex = '0x0000000000000000000000000000000000000000';
