import type { Log, Provider } from 'ethers';
import type { Hex, Logger } from '@metis/core';
import { batchInboxInterface, type BatchHeader } from '../settlement/inbox.js';

/** A batch header as the BatchInbox emitted it, with its hash and the L1 block of the append. */
export interface PostedBatch extends BatchHeader {
  readonly headerHash: Hex;
  readonly l1Block: number;
}

/** The chain's batches on L1, as the deriver reads them. */
export interface BatchSource {
  /** Reads the logs of newly confirmed L1 blocks. */
  poll(): Promise<void>;
  /** Batch `index` as L1 holds it now (as far as read), or undefined (not appended yet, or removed). */
  get(index: bigint): PostedBatch | undefined;
  /** Lowest index still held (older ones were forgotten). */
  readonly first: bigint;
  /** Number of batches on L1: the next index. */
  readonly count: bigint;
  /** Bumped whenever batches already read disappear (BatchesRemoved, or an L1 reorg under the reader). */
  readonly removals: number;
  /** Forgets batches below `index` (verified long ago). */
  forget(index: bigint): void;
}

export interface BatchLogOptions {
  readonly chainId: bigint;
  readonly inbox: Hex;
  /** The L1 block the contracts were deployed in: reading starts there. */
  readonly startBlock: number;
  /** L1 blocks a log must be buried under before it is read. */
  readonly confirmations: number;
  /** Most L1 blocks per eth_getLogs. */
  readonly maxLogRange: number;
}

const APPENDED = batchInboxInterface.getEvent('BatchAppended')!;
const REMOVED = batchInboxInterface.getEvent('BatchesRemoved')!;

/**
 * Follows the chain's BatchInbox logs in L1 order: `BatchAppended` adds a header (the full header is in
 * the event), `BatchesRemoved` drops the batches it names. Only blocks `confirmations` deep are read; when
 * the last block read is no longer canonical (a deeper L1 reorg), everything is read again from the start.
 */
export class BatchLog implements BatchSource {
  private readonly batches = new Map<bigint, PostedBatch>();
  private next = 0n;
  private lowest = 0n;
  private cursor: { number: number; hash: string };
  private bumps = 0;

  constructor(
    private readonly provider: Provider,
    private readonly options: BatchLogOptions,
    private readonly logger: Logger,
  ) {
    this.cursor = { number: options.startBlock - 1, hash: '' };
  }

  get count(): bigint {
    return this.next;
  }

  get first(): bigint {
    return this.lowest;
  }

  get removals(): number {
    return this.bumps;
  }

  get(index: bigint): PostedBatch | undefined {
    return this.batches.get(index);
  }

  forget(index: bigint): void {
    for (let i = this.lowest; i < index; i++) this.batches.delete(i);
    if (index > this.lowest) this.lowest = index;
  }

  async poll(): Promise<void> {
    const confirmed = (await this.provider.getBlockNumber()) - this.options.confirmations;
    if (this.cursor.hash !== '') {
      const block = await this.provider.getBlock(this.cursor.number);
      if (block?.hash !== this.cursor.hash) {
        this.logger.warn({ at: this.cursor.number }, 'L1 reorg under the batch reader; reading the BatchInbox logs again');
        this.batches.clear();
        this.next = 0n;
        this.lowest = 0n;
        this.bumps++;
        this.cursor = { number: this.options.startBlock - 1, hash: '' };
      }
    }
    const chainTopic = `0x${this.options.chainId.toString(16).padStart(64, '0')}`;
    while (this.cursor.number < confirmed) {
      const from = this.cursor.number + 1;
      const to = Math.min(confirmed, from + this.options.maxLogRange - 1);
      const logs = await this.provider.getLogs({
        address: this.options.inbox,
        topics: [[APPENDED.topicHash, REMOVED.topicHash], chainTopic],
        fromBlock: from,
        toBlock: to,
      });
      for (const log of logs) this.apply(log);
      const block = await this.provider.getBlock(to);
      if (!block?.hash) return;
      this.cursor = { number: to, hash: block.hash };
    }
  }

  private apply(log: Log): void {
    const parsed = batchInboxInterface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed?.name === 'BatchesRemoved') {
      const from = parsed.args.getValue('fromIndex') as bigint;
      for (let i = from; i < this.next; i++) this.batches.delete(i);
      if (from < this.next) {
        this.next = from;
        this.bumps++;
      }
      if (this.lowest > from) this.lowest = from;
      this.logger.warn({ fromIndex: from, l1Block: log.blockNumber }, 'batches removed from L1');
      return;
    }
    if (parsed?.name !== 'BatchAppended') return;
    const h = parsed.args.getValue('header') as {
      chainId: bigint;
      batchIndex: bigint;
      firstBlock: bigint;
      lastBlock: bigint;
      prevStateRoot: string;
      newStateRoot: string;
      dataHash: string;
      daCommitment: string;
      withdrawalRoot: string;
      depositCount: bigint;
    };
    const batch: PostedBatch = {
      chainId: h.chainId,
      batchIndex: h.batchIndex,
      firstBlock: h.firstBlock,
      lastBlock: h.lastBlock,
      prevStateRoot: lower(h.prevStateRoot),
      newStateRoot: lower(h.newStateRoot),
      dataHash: lower(h.dataHash),
      daCommitment: lower(h.daCommitment),
      withdrawalRoot: lower(h.withdrawalRoot),
      depositCount: h.depositCount,
      headerHash: lower(parsed.args.getValue('headerHash') as string),
      l1Block: log.blockNumber,
    };
    this.batches.set(batch.batchIndex, batch);
    if (batch.batchIndex >= this.next) this.next = batch.batchIndex + 1n;
  }
}

const lower = (s: string): Hex => s.toLowerCase() as Hex;
