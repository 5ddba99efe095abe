import type { Batch, BatchStatus, BlockTemplate, Deposit, PooledTx, SealedBlock, TxSource } from '../types/chain.js';

export const STAGES = ['ingest', 'order', 'execute', 'commit', 'prove'] as const;
export type StageName = (typeof STAGES)[number];

/** ingest: one transaction, from RPC, an L1 deposit or a peer. The provider validates and stores it. */
export interface IngestContext {
  readonly raw: Uint8Array;
  readonly source: TxSource;
  /** Set by the provider once the transaction is durably accepted. */
  accepted?: PooledTx;
  /** Free slot for middleware (rate limiters, fee policies) to pass data along. */
  readonly meta: Record<string, unknown>;
}

/**
 * order: one block. The provider chooses the transactions for `template`, and the L1 deposits the block
 * credits (from `template.depositCount` on, contiguous, in queue order) before them.
 */
export interface OrderContext {
  readonly template: BlockTemplate;
  deposits: Deposit[];
  txs: PooledTx[];
  readonly meta: Record<string, unknown>;
}

/** execute: one block. The provider executes `txs` on top of the parent state and persists the block. */
export interface ExecuteContext {
  readonly template: BlockTemplate;
  /** Credited first, in order; the first one's index is `template.depositCount`. */
  deposits: Deposit[];
  txs: PooledTx[];
  block?: SealedBlock;
  /** Transactions that were dropped because they failed to apply (nonce gap, out of funds at run time). */
  dropped: PooledTx[];
  readonly meta: Record<string, unknown>;
}

/** commit: one batch of blocks. The provider records or publishes it. */
export interface CommitContext {
  readonly blocks: readonly SealedBlock[];
  batch?: Batch;
  readonly meta: Record<string, unknown>;
}

/** prove: one committed batch. The provider drives it to safe and then finalized. */
export interface ProveContext {
  readonly batch: Batch;
  status?: BatchStatus;
  readonly meta: Record<string, unknown>;
}

export interface StageContexts {
  ingest: IngestContext;
  order: OrderContext;
  execute: ExecuteContext;
  commit: CommitContext;
  prove: ProveContext;
}
