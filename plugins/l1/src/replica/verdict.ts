import type { Hex } from '@metis/core';
import type { PostedBatch } from './batch-log.js';
import type { ComputedRoots } from './verify-batch.js';

/**
 * What re-executing one batch from L1 gave, next to what its header claims: emitted by a replica's Deriver
 * (`batchVerdict`) for every batch it re-executed, agreeing or not. Validators (rangers) sign it.
 */
export interface BatchVerdict {
  /** The batch as posted on L1 (header, header hash, L1 block). */
  readonly batch: PostedBatch;
  /** The roots re-execution reached here. */
  readonly computed: ComputedRoots;
  /** Both roots are the header's. */
  readonly agrees: boolean;
}

declare module '@metis/core' {
  interface NodeEvents {
    /** A replica re-executed a batch from L1 (see BatchVerdict); not emitted for batches that do not apply at all. */
    batchVerdict: [verdict: BatchVerdict];
  }
}

export function verdictOf(batch: PostedBatch, computed: ComputedRoots): BatchVerdict {
  return Object.freeze({
    batch,
    computed,
    agrees: computed.stateRoot === batch.newStateRoot && computed.withdrawalRoot === batch.withdrawalRoot,
  });
}
