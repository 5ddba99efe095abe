import type { Common } from '@ethereumjs/common';
import { createToken, type Hex } from '@metis/core';

export interface AccountState {
  readonly nonce: bigint;
  readonly balance: bigint;
}

/**
 * A read-only view of the EVM chain's committed head, for the mempool and other plugins.
 * Reads never see a block that is half executed.
 */
export interface EvmStateView {
  /** Prague rules, the chain id, and native secp256k1 in `customCrypto` when available. */
  readonly common: Common;
  readonly chainId: bigint;
  readonly blockGasLimit: bigint;
  /** Base fee of the next block: the minimum max-fee a transaction must offer. */
  nextBaseFee(): bigint;
  /** Nonce and balance at the committed head. Unknown accounts read as zero. */
  getAccount(address: Hex): Promise<AccountState>;
}
export const EVM_STATE = createToken<EvmStateView>('evm-state');

/** A read-only message call: `to` with calldata `data`, from `from` (default: the zero address). */
export interface EvmCallRequest {
  readonly to: Hex;
  readonly data: Hex;
  readonly from?: Hex;
  /** Gas for the call (default and maximum: the evm plugin's `callGasCap`). */
  readonly gas?: bigint;
}

/**
 * Read-only calls against the committed head, for plugins that read contract state (views of predeploys,
 * for example): the same machinery as `eth_call` at `latest`, every change reverted afterwards, never a
 * half-executed block. A revert throws MetisError RPC_EXECUTION_REVERTED whose `data` is the revert data
 * (hex), so callers can decode custom errors; other EVM failures throw RPC_EXECUTION_FAILED.
 */
export interface EvmCaller {
  /** The return data of the call at the committed head. */
  call(request: EvmCallRequest): Promise<Hex>;
  /** The number of the committed head the calls read. */
  headNumber(): bigint;
}
export const EVM_CALL = createToken<EvmCaller>('evm-call');
