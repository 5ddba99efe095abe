import type { Hex } from '@metis/core';
import type { BatchHeader, BatchSource, PostedBatch } from '@metis/l1';
import type { AttestationView, BatchView } from '../gossip/index.js';
import type { RangerL1 } from './ranger-l1.js';

export interface L1RangerViewOptions {
  /** Least milliseconds between two reads of the inbox logs triggered by an unknown batch. */
  readonly minRefreshMs?: number;
  /** Batches whose snapshots and stakes are cached. */
  readonly cacheBatches?: number;
}

interface Snapshot {
  readonly headerHash: Hex;
  readonly snapshot: bigint;
  readonly appendedAt: bigint;
  total?: Promise<bigint>;
  readonly stakes: Map<string, Promise<bigint>>;
}

/**
 * What the rangers know of L1, for the gossip validator and the certificate, dispute and attestation code:
 * the chain's batches as the BatchInbox logs show them (`source`, read by `refresh()` and on demand when an
 * attestation names a batch not seen yet), which of them are final, and the stake snapshot of each batch
 * (`appendedAt - 1`, the timestamp RangerRegistry.quorumAt reads stakes at) with every signer's stake and the
 * total, cached per batch header.
 */
export class L1RangerView implements AttestationView {
  private lastFinal: bigint | undefined;
  private lastRefresh = 0;
  private refreshing?: Promise<void>;
  private readonly snapshots = new Map<bigint, Snapshot>();
  private readonly minRefreshMs: number;
  private readonly cacheBatches: number;

  constructor(
    private readonly l1: RangerL1,
    private readonly source: BatchSource,
    options: L1RangerViewOptions = {},
  ) {
    this.minRefreshMs = options.minRefreshMs ?? 250;
    this.cacheBatches = options.cacheBatches ?? 256;
  }

  /** Reads new inbox logs and the last final batch. One at a time; concurrent callers share it. */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        await this.source.poll();
        this.lastFinal = await this.l1.lastFinalizedBatch();
        this.lastRefresh = Date.now();
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Batches on L1 (the next index), as far as read. */
  get count(): bigint {
    return this.source.count;
  }

  /** The highest final batch as last read, or undefined. */
  get lastFinalized(): bigint | undefined {
    return this.lastFinal;
  }

  /** The lowest batch that is not final (as last read). */
  get firstOpen(): bigint {
    return this.lastFinal === undefined ? 0n : this.lastFinal + 1n;
  }

  isFinal(index: bigint): boolean {
    return this.lastFinal !== undefined && index <= this.lastFinal;
  }

  /** Batch `index` as the inbox logs show it now (header, hash, L1 block), or undefined. */
  header(index: bigint): PostedBatch | undefined {
    return this.source.get(index);
  }

  async batch(index: bigint): Promise<BatchView | undefined> {
    let posted = this.source.get(index);
    if (!posted && Date.now() - this.lastRefresh >= this.minRefreshMs) {
      await this.refresh();
      posted = this.source.get(index);
    }
    if (!posted) return undefined;
    const snap = await this.snapshotOf(posted);
    if (!snap) return undefined;
    return { prevStateRoot: posted.prevStateRoot, dataHash: posted.dataHash, final: this.isFinal(index), snapshot: snap.snapshot };
  }

  async stakeOf(signer: Hex, batchIndex: bigint): Promise<bigint> {
    const posted = this.source.get(batchIndex);
    const snap = posted && (await this.snapshotOf(posted));
    if (!snap) return 0n;
    const key = signer.toLowerCase();
    let stake = snap.stakes.get(key);
    if (!stake) {
      stake = this.l1.quorumAt([signer], snap.snapshot).then((q) => q.stakes[0] ?? 0n);
      stake.catch(() => snap.stakes.delete(key));
      snap.stakes.set(key, stake);
    }
    return stake;
  }

  /** The chain's total effective stake at batch `index`'s snapshot (0 when the batch is unknown). */
  async totalStake(index: bigint): Promise<bigint> {
    const posted = this.source.get(index);
    const snap = posted && (await this.snapshotOf(posted));
    if (!snap) return 0n;
    if (!snap.total) {
      snap.total = this.l1.quorumAt([], snap.snapshot).then((q) => q.total);
      snap.total.catch(() => (snap.total = undefined));
    }
    return snap.total;
  }

  /** The L1 timestamp the batch was appended at (undefined when the inbox no longer holds that header). */
  async appendedAt(index: bigint): Promise<bigint | undefined> {
    const posted = this.source.get(index);
    return posted ? (await this.snapshotOf(posted))?.appendedAt : undefined;
  }

  /** The batch's header in the shape the contracts take (no hash, no L1 block). */
  static headerOf(posted: PostedBatch): BatchHeader {
    const { chainId, batchIndex, firstBlock, lastBlock, prevStateRoot, newStateRoot, dataHash, daCommitment, withdrawalRoot, depositCount } = posted;
    return { chainId, batchIndex, firstBlock, lastBlock, prevStateRoot, newStateRoot, dataHash, daCommitment, withdrawalRoot, depositCount };
  }

  private async snapshotOf(posted: PostedBatch): Promise<Snapshot | undefined> {
    const cached = this.snapshots.get(posted.batchIndex);
    if (cached?.headerHash === posted.headerHash) return cached;
    const stored = await this.l1.storedBatch(posted.batchIndex);
    // The logs are behind the inbox (removed or replaced since): not this header any more.
    if (!stored || stored.headerHash !== posted.headerHash) return undefined;
    const snap: Snapshot = { headerHash: posted.headerHash, appendedAt: stored.appendedAt, snapshot: stored.appendedAt - 1n, stakes: new Map() };
    this.snapshots.set(posted.batchIndex, snap);
    if (this.snapshots.size > this.cacheBatches) {
      const lowest = [...this.snapshots.keys()].sort((a, b) => (a < b ? -1 : 1)).slice(0, this.snapshots.size - this.cacheBatches);
      for (const i of lowest) this.snapshots.delete(i);
    }
    return snap;
  }
}
