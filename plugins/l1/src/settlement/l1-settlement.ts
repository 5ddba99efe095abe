import { keccak256 } from 'ethers';
import {
  MetisError,
  type Batch,
  type BatchProgress,
  type BatchStatus,
  type BlockBody,
  type ChainHead,
  type CommitContext,
  type DataAvailability,
  type EventBus,
  type Finality,
  type Hex,
  type Logger,
  type NodeEvents,
  type ProveContext,
} from '@metis/core';
import type { BatchHeader, InboxClient } from './inbox.js';

/** Encodes the blocks of a batch for the DA, and computes its withdrawal root from their logs. */
export interface BatchEncoding {
  encode(blocks: readonly BlockBody[]): Uint8Array;
  withdrawalRoot(blocks: readonly BlockBody[]): Hex;
}

export interface L1SettlementDeps {
  readonly inbox: InboxClient;
  readonly da: DataAvailability;
  readonly chain: ChainHead;
  readonly encoding: BatchEncoding;
  readonly events: EventBus<NodeEvents>;
  readonly logger: Logger;
  /** A batch whose encoded data would be larger holds fewer blocks (never fewer than one). */
  readonly maxBytes: number;
  /** Runs when batches were found removed on L1, before the settlement reads L1 again (e.g. bonding again). */
  readonly onRemoved?: () => Promise<void>;
}

/**
 * The commit and prove providers on L1, and FINALITY.
 *
 * Commit publishes a batch's data through the DA and appends its header to the BatchInbox; once the append
 * is confirmed the batch is `safe`. Prove leaves it to the finality poll: a batch is `finalized` when the
 * inbox says so (its challenge window passed and nothing holds it). Everything is read back from L1 at
 * start, so a restart resumes exactly after the last appended batch: nothing is posted twice or skipped.
 */
export class L1Settlement implements Finality, BatchProgress {
  /** Batches appended on L1 that this node knows of, by index (the recent ones). */
  private readonly known = new Map<bigint, Batch>();
  private next = 0n;
  private lastBatched = 0n;
  private safe = 0n;
  private finalized = 0n;
  /** Lowest index that may not be finalized yet. */
  private firstOpen = 0n;

  constructor(private readonly deps: L1SettlementDeps) {}

  safeBlock(): bigint {
    return this.safe;
  }

  finalizedBlock(): bigint {
    return this.finalized;
  }

  batches(): readonly Batch[] {
    return [...this.known.values()].sort((a, b) => (a.index < b.index ? -1 : 1));
  }

  /** Batches on L1: the index the next one gets. */
  get nextBatchIndex(): bigint {
    return this.next;
  }

  lastBatchedBlock(): bigint {
    return this.lastBatched;
  }

  unsafeBatches(): readonly Batch[] {
    return [];
  }

  /**
   * Reads where the chain stands on L1 and checks it against the local chain: the last appended batch's
   * state root must be the local block's. The last `keep` batches are loaded for status reporting.
   */
  async sync(keep = 64n): Promise<void> {
    const { inbox, chain } = this.deps;
    this.next = await inbox.nextBatchIndex();
    // Batches removed on L1 (a lost challenge) are forgotten; their blocks are posted again.
    for (const i of this.known.keys()) if (i >= this.next) this.known.delete(i);
    if (this.next === 0n) {
      this.lastBatched = 0n;
      this.safe = 0n;
      this.firstOpen = 0n;
      return;
    }
    const last = await inbox.getBatch(this.next - 1n);
    const local = await chain.block(last.lastBlock);
    if (!local) {
      throw new MetisError('L1_CHAIN_MISMATCH', { chainId: inbox.chainId, field: 'last batched block', onL1: last.lastBlock, local: `head ${chain.head().number}` });
    }
    if (local.stateRoot !== last.newStateRoot) {
      throw new MetisError('L1_CHAIN_MISMATCH', { chainId: inbox.chainId, field: `state root of block ${last.lastBlock}`, onL1: last.newStateRoot, local: local.stateRoot });
    }
    this.lastBatched = last.lastBlock;
    this.safe = last.lastBlock;
    const from = this.next > keep ? this.next - keep : 0n;
    let previousLast = from === 0n ? 0n : (await inbox.getBatch(from - 1n)).lastBlock;
    for (let i = from; i < this.next; i++) {
      const stored = i === this.next - 1n ? last : await inbox.getBatch(i);
      const finalized = await inbox.isFinalized(i);
      const batch = await this.describe(i, previousLast + 1n, stored.lastBlock, stored.newStateRoot, finalized ? 'finalized' : 'safe', {
        withdrawalRoot: stored.withdrawalRoot,
        depositCount: stored.depositCount,
      });
      this.known.set(i, batch);
      if (finalized) this.finalized = stored.lastBlock;
      previousLast = stored.lastBlock;
    }
    this.firstOpen = this.firstNotFinalized();
  }

  /** commit provider: publishes `ctx.blocks` and appends the header on L1. */
  async commit(ctx: CommitContext): Promise<void> {
    const { inbox, da, chain, encoding, logger, events } = this.deps;
    const index = this.next;
    if (ctx.blocks.length === 0) throw new MetisError('BATCH_INVALID', { index, reason: 'it holds no block' });
    const first = ctx.blocks[0]!;
    if (first.number !== this.lastBatched + 1n) {
      throw new MetisError('BATCH_INVALID', { index, reason: `it must start at block ${this.lastBatched + 1n}, not ${first.number}` });
    }
    // Someone (this node before a crash) may have appended since: resync and let the batcher retry.
    const onL1 = await inbox.nextBatchIndex();
    if (onL1 !== index) {
      if (onL1 < index) await this.deps.onRemoved?.();
      await this.sync();
      throw new MetisError('BATCH_INVALID', { index, reason: `L1 is at batch ${onL1}; resynchronised` });
    }
    let bodies: BlockBody[] = [];
    for (const b of ctx.blocks) {
      const body = await chain.body(b.number);
      if (!body) throw new MetisError('BATCH_INVALID', { index, reason: `block ${b.number} is not stored` });
      bodies.push(body);
    }
    // By size: a batch too large holds fewer blocks; the batcher commits the rest next.
    let data = encoding.encode(bodies);
    while (data.length > this.deps.maxBytes && bodies.length > 1) {
      bodies = bodies.slice(0, Math.max(1, Math.floor((bodies.length * this.deps.maxBytes) / data.length)));
      data = encoding.encode(bodies);
    }
    const blocks = ctx.blocks.slice(0, bodies.length);
    const last = blocks[blocks.length - 1]!;
    const dataHash = keccak256(data) as Hex;
    const commitment = await da.publish(data);
    const header: BatchHeader = {
      chainId: inbox.chainId,
      batchIndex: index,
      firstBlock: first.number,
      lastBlock: last.number,
      prevStateRoot: index === 0n ? await inbox.lastStateRoot() : this.known.get(index - 1n)?.stateRoot ?? (await inbox.lastStateRoot()),
      newStateRoot: last.stateRoot,
      dataHash,
      daCommitment: toHex(commitment),
      withdrawalRoot: encoding.withdrawalRoot(bodies),
      depositCount: last.depositCount,
    };
    const receipt = await inbox.append(header);
    const batch = await this.describe(index, first.number, last.number, last.stateRoot, 'safe', {
      dataHash,
      withdrawalRoot: header.withdrawalRoot,
      depositCount: header.depositCount,
      commitment: receipt.hash,
    });
    this.known.set(index, batch);
    this.next = index + 1n;
    this.lastBatched = last.number;
    this.safe = last.number;
    this.trim();
    ctx.batch = batch;
    logger.info({ index, blocks: `${first.number}-${last.number}`, bytes: data.length, l1Tx: receipt.hash, gasUsed: receipt.gasUsed }, 'batch appended on L1');
    events.emit('batch', batch);
  }

  /** prove provider: the batch is safe once appended; finality comes from the poll. */
  async prove(ctx: ProveContext): Promise<void> {
    ctx.status = this.known.get(ctx.batch.index)?.status ?? ctx.batch.status;
  }

  /**
   * Asks L1 which open batches are final now, oldest first; emits each change. Batches removed on L1 since
   * (a challenge proved them wrong) are noticed here: the settlement reads L1 again and the batcher posts
   * their blocks anew from the last batch L1 kept.
   */
  async pollFinality(): Promise<void> {
    const { inbox, events, logger } = this.deps;
    const onL1 = await inbox.nextBatchIndex();
    if (onL1 < this.next) {
      logger.warn({ removedFrom: onL1, next: this.next }, 'batches were removed on L1; posting their blocks again from the last batch L1 kept');
      await this.deps.onRemoved?.();
      await this.sync();
    }
    for (let i = this.firstOpen; i < this.next; i++) {
      const batch = this.known.get(i);
      if (!batch || batch.status === 'finalized') continue;
      if (!(await inbox.isFinalized(i))) break;
      const done = Object.freeze({ ...batch, status: 'finalized' as const });
      this.known.set(i, done);
      this.finalized = done.lastBlock;
      this.firstOpen = i + 1n;
      logger.info({ index: i, lastBlock: done.lastBlock }, 'batch finalized on L1');
      events.emit('batch', done);
    }
  }

  private firstNotFinalized(): bigint {
    for (const b of this.batches()) if (b.status !== 'finalized') return b.index;
    return this.next;
  }

  private async describe(
    index: bigint,
    firstBlock: bigint,
    lastBlock: bigint,
    stateRoot: Hex,
    status: BatchStatus,
    extra: Partial<Batch>,
  ): Promise<Batch> {
    const hashes: Hex[] = [];
    for (let n = firstBlock; n <= lastBlock; n++) {
      const b = await this.deps.chain.block(n);
      if (b) hashes.push(b.hash);
    }
    return Object.freeze({ index, firstBlock, lastBlock, stateRoot, blockHashes: Object.freeze(hashes), status, ...extra });
  }

  /** Keeps the batch list bounded: finalized batches far behind are forgotten. */
  private trim(keep = 256n): void {
    for (const i of this.known.keys()) if (i + keep < this.next && this.known.get(i)?.status === 'finalized') this.known.delete(i);
  }
}

function toHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}
