import { bytesToHex, createAddressFromString } from '@ethereumjs/util';
import type { MerkleStateManager } from '@ethereumjs/statemanager';
import type { Hex } from '@metis/core';
import type { AccountState, EvmStateView } from '../capabilities.js';
import type { EvmChain } from '../chain.js';
import type { ChainBlock } from '../storage/chain-store.js';
import { Lru } from '../storage/lru.js';

const ZERO: AccountState = Object.freeze({ nonce: 0n, balance: 0n });

/**
 * The committed head as the mempool sees it: its own state manager pinned to the head root (never the
 * executing one), and an account cache. When the head moves by one block whose account diff is known, the
 * cache takes the diff (every account the block wrote gets its new nonce and balance; the others did not
 * change); otherwise it is dropped. Without the diff, every block cost the pool one trie walk per sender
 * it saw again.
 */
export class HeadStateView implements EvmStateView {
  /** The state manager of the head block `viewOf`; one per head, shared by concurrent readers. */
  private view?: Promise<MerkleStateManager>;
  private viewOf?: ChainBlock;
  private readonly accounts = new Lru<string, AccountState>(100_000);
  /** The head the cache holds accounts of. */
  private cachedAt: ChainBlock;

  constructor(
    private readonly chain: EvmChain,
  ) {
    this.cachedAt = chain.head;
  }

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

  /**
   * Call after the head moved: with the new head block and the accounts it wrote (unprefixed lower-case hex
   * addresses), or with nothing, which drops the cache.
   */
  onHead(block?: ChainBlock, changed?: ReadonlyMap<string, AccountState>): void {
    const head = this.chain.head;
    const follows = block === head && block.header.number === this.cachedAt.header.number + 1n && bytesToHex(block.header.parentHash) === this.cachedAt.hash;
    if (changed && follows) {
      for (const [address, state] of changed) {
        const key = `0x${address}`;
        if (this.accounts.peek(key)) this.accounts.set(key, state);
      }
    } else {
      this.accounts.clear();
    }
    this.cachedAt = head;
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
    if (this.chain.head === head && this.cachedAt === head) this.accounts.set(key, state);
    return state;
  }
}
