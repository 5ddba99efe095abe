import type { BlockTemplate, Hex, PooledTx, SealedBlock, TxPool } from '@metis/core';
import type { EvmStateView } from '@metis/evm';

/**
 * TX_POOL of a replica: it holds nothing (transactions go to the sequencer), so the order stage selects
 * nothing and the pending nonce is the head's.
 */
export class EmptyPool implements TxPool {
  private state?: EvmStateView;

  readonly executableCount = 0;

  start(state: EvmStateView): void {
    this.state = state;
  }

  select(_template: BlockTemplate): PooledTx[] {
    return [];
  }

  async onBlock(_block: SealedBlock, _dropped: readonly PooledTx[]): Promise<void> {}

  async pendingNonce(sender: Hex): Promise<bigint> {
    return this.state ? (await this.state.getAccount(sender)).nonce : 0n;
  }

  get(_hash: Hex): PooledTx | undefined {
    return undefined;
  }
}
