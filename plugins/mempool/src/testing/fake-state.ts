import { Hardfork, Mainnet, createCustomCommon, type Common } from '@ethereumjs/common';
import type { Hex } from '@metis/core';
import type { AccountState, EvmStateView } from '@metis/evm';
import { nativeCrypto } from './crypto.js';

export const TEST_CHAIN_ID = 1337n;

/** Prague rules for `chainId`, with native secp256k1 when available (as the EVM plugin does). */
export function testCommon(chainId: bigint = TEST_CHAIN_ID, hardfork: string = Hardfork.Prague): Common {
  return createCustomCommon({ chainId: Number(chainId) }, Mainnet, { hardfork, customCrypto: nativeCrypto() });
}

const ZERO: AccountState = Object.freeze({ nonce: 0n, balance: 0n });

/** An in-memory committed head: a map of accounts, a fixed base fee and gas limit. Reads are async. */
export class FakeEvmState implements EvmStateView {
  readonly accounts = new Map<string, AccountState>();
  baseFee = 1_000_000_000n;
  blockGasLimit = 30_000_000n;
  /** How many account reads were made (to check the pool's caching). */
  reads = 0;

  constructor(readonly common: Common = testCommon()) {}

  get chainId(): bigint {
    return this.common.chainId();
  }

  nextBaseFee(): bigint {
    return this.baseFee;
  }

  async getAccount(address: Hex): Promise<AccountState> {
    this.reads++;
    await Promise.resolve();
    return this.accounts.get(address.toLowerCase()) ?? ZERO;
  }

  set(address: Hex, account: Partial<AccountState>): void {
    const key = address.toLowerCase();
    const current = this.accounts.get(key) ?? ZERO;
    this.accounts.set(key, { ...current, ...account });
  }
}
