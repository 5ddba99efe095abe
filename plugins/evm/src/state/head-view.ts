import { createAddressFromString } from '@ethereumjs/util';
import type { MerkleStateManager } from '@ethereumjs/statemanager';
import type { Hex } from '@metis/core';
import type { AccountState, EvmStateView } from '../capabilities.js';
import type { EvmChain } from '../chain.js';
import type { ChainBlock } from '../storage/chain-store.js';
import { Lru } from '../storage/lru.js';

const ZERO: AccountState = Object.freeze({ nonce: 0n, balance: 0n });

/**
 * The committed head as the mempool sees it: its own state manager pinned to the head root (never the
 * executing one), with an account cache that is dropped whenever the head moves.
 */
export class HeadStateView implements EvmStateView {
  /** The state manager of the head block `viewOf`; one per head, shared by concurrent readers. */
  private view?: Promise<MerkleStateManager>;
  private viewOf?: ChainBlock;
  private readonly accounts = new Lru<string, AccountState>(100_000);

  constructor(
    private readonly chain: EvmChain,
  ) {}

  get common() {
    return this.chain.common;
  }

  get chainId(): bigint {
    return this.chain.common.chainId();
  }

  get blockGasLimit(): bigint {
    return this.chain.headHeader.gasLimit;
  }

  nextBaseFee(): bigint {
    return this.chain.headHeader.calcNextBaseFee();
  }

  /** Call after the head moved. */
  onHead(): void {
    this.accounts.clear();
  }

  async getAccount(address: Hex): Promise<AccountState> {
    const key = address.toLowerCase();
    const hit = this.accounts.get(key);
    if (hit) return hit;
    const head = this.chain.head;
    if (!this.view || this.viewOf !== head) {
      this.view = this.chain.stateAt(head.header.stateRoot);
      this.viewOf = head;
    }
    const account = await (await this.view).getAccount(createAddressFromString(key));
    const state = account ? { nonce: account.nonce, balance: account.balance } : ZERO;
    // Cache only if the head did not move while we read (onHead() cleared the cache meanwhile).
    if (this.chain.head === head) this.accounts.set(key, state);
    return state;
  }
}
