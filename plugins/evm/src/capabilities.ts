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
