import {
  MetisError,
  type Batch,
  type BatchStatus,
  type ChainHead,
  type CommitContext,
  type EventBus,
  type Finality,
  type Logger,
  type NodeEvents,
  type ProveContext,
} from '@metis/core';
import { batchKey, type BatchRecord } from './batch-record.js';
import type { BatchStore } from './batch-store.js';

/** Wait before retrying a finalization whose write failed. */
const FINALIZE_RETRY_MS = 1_000;

/**
 * The commit and prove providers, recording batches in the local store. Commit appends the next batch
 * (status unsafe); prove makes it safe and, `finalityDelay` ms later, finalized. The safe time is stored,
 * so after a restart overdue batches finalize at once and the others wait only what remains.
 */
export class LocalSettlement implements Finality {
  private readonly timers = new Map<bigint, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;

  constructor(
    private readonly store: BatchStore,
    private readonly finalityDelay: number,
    private readonly events: EventBus<NodeEvents>,
    private readonly logger: Logger,
  ) {}

  safeBlock(): bigint {
    return this.store.safeBlock();
  }

  finalizedBlock(): bigint {
    return this.store.finalizedBlock();
  }

  batches(): readonly Batch[] {
    return this.store.all().map((r) => r.batch);
  }

  /** commit provider: records `ctx.blocks` as the next batch. */
  async commit(ctx: CommitContext): Promise<void> {
    const { blocks } = ctx;
    const record = await this.store.exclusive(async () => {
      const previous = this.store.last();
      const index = previous ? previous.batch.index + 1n : 0n;
      const firstBlock = this.store.lastBlock() + 1n;
      if (blocks.length === 0) throw new MetisError('BATCH_INVALID', { index, reason: 'it holds no block' });
      blocks.forEach((block, i) => {
        const expected = firstBlock + BigInt(i);
        if (block.number !== expected) {
          throw new MetisError('BATCH_INVALID', { index, reason: `it must hold consecutive blocks from ${firstBlock}; found block ${block.number} where ${expected} belongs` });
        }
        const parent = i > 0 ? blocks[i - 1]!.hash : previous?.batch.blockHashes[previous.batch.blockHashes.length - 1];
        if (parent !== undefined && block.parentHash !== parent) {
          throw new MetisError('BATCH_INVALID', { index, reason: `block ${block.number} has parent ${block.parentHash}, but block ${expected - 1n} is ${parent}` });
        }
      });
      const last = blocks[blocks.length - 1]!;
      const batch: Batch = Object.freeze({
        index,
        firstBlock,
        lastBlock: last.number,
        stateRoot: last.stateRoot,
        blockHashes: Object.freeze(blocks.map((b) => b.hash)),
        status: 'unsafe' as const,
        commitment: `local:${batchKey(index)}`,
      });
      const committed: BatchRecord = Object.freeze({ batch, committedAt: Date.now() });
      await this.store.write([committed]);
      return committed;
    });
    ctx.batch = record.batch;
    this.logger.debug({ index: record.batch.index, firstBlock: record.batch.firstBlock, lastBlock: record.batch.lastBlock }, 'batch committed');
    this.events.emit('batch', record.batch);
  }

  /** prove provider: makes a committed batch safe, then finalized after the delay (at once when 0). */
  async prove(ctx: ProveContext): Promise<void> {
    const index = ctx.batch.index;
    const { record, changed } = await this.store.exclusive(async () => {
      const current = this.store.get(index);
      if (!current) throw new MetisError('BATCH_INVALID', { index, reason: 'it was never committed' });
      if (current.batch.lastBlock !== ctx.batch.lastBlock || current.batch.stateRoot !== ctx.batch.stateRoot) {
        throw new MetisError('BATCH_INVALID', { index, reason: 'it differs from the committed batch' });
      }
      if (current.batch.status !== 'unsafe') return { record: current, changed: false };
      const previous = this.store.get(index - 1n);
      if (previous && previous.batch.status === 'unsafe') throw new MetisError('BATCH_INVALID', { index, reason: `it cannot be safe before batch ${index - 1n}` });
      const safe: BatchRecord = Object.freeze({ ...current, batch: withStatus(current.batch, 'safe'), safeAt: Date.now() });
      await this.store.write([safe]);
      return { record: safe, changed: true };
    });
    if (changed) {
      this.logger.debug({ index, lastBlock: record.batch.lastBlock }, 'batch safe');
      this.events.emit('batch', record.batch);
    }
    if (record.batch.status === 'safe') await this.awaitFinality(record);
    ctx.status = this.store.get(index)?.batch.status ?? record.batch.status;
  }

  /**
   * Checks the stored batches match the chain (the newest batch's last block is on it, with that hash),
   * then resumes finalization: overdue safe batches finalize now, the others get their remaining delay.
   */
  async start(chain: ChainHead): Promise<void> {
    const last = this.store.last();
    if (last) {
      const { index, lastBlock, blockHashes } = last.batch;
      const head = chain.head().number;
      const corrupt = (reason: string): MetisError => new MetisError('STORAGE_CORRUPT', { key: batchKey(index), reason });
      if (lastBlock > head) throw corrupt(`batch ${index} ends at block ${lastBlock}, past the chain head ${head}`);
      const block = await chain.block(lastBlock);
      const hash = blockHashes[blockHashes.length - 1];
      if (block?.hash !== hash) throw corrupt(`batch ${index} records block ${lastBlock} as ${hash}, the chain has ${block?.hash ?? 'no such block'}`);
    }
    this.running = true;
    for (const record of this.store.all()) {
      // all() is live: a record finalized by an earlier iteration reads as finalized here.
      if (record.batch.status === 'safe') await this.awaitFinality(record);
    }
  }

  /** Clears finalization timers and waits for finalizations under way. Idempotent. */
  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([...this.inFlight]);
  }

  /** Finalizes a safe batch now if its delay has passed, else sets a timer for what remains. */
  private async awaitFinality(record: BatchRecord): Promise<void> {
    const index = record.batch.index;
    if (!this.running || this.timers.has(index)) return;
    const elapsed = Math.max(0, Date.now() - (record.safeAt ?? Date.now()));
    const remaining = this.finalityDelay - elapsed;
    if (remaining <= 0) await this.finalizeThrough(index);
    else this.later(index, remaining);
  }

  private later(index: bigint, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(index);
      const run = this.finalizeThrough(index).finally(() => this.inFlight.delete(run));
      this.inFlight.add(run);
    }, delayMs);
    this.timers.set(index, timer);
  }

  /** Marks every safe batch up to `index` finalized in one write. Never rejects: a failure is logged and retried. */
  private async finalizeThrough(index: bigint): Promise<void> {
    try {
      const finalized = await this.store.exclusive(async () => {
        const now = Date.now();
        const updates: BatchRecord[] = [];
        for (let i = index; i >= 0n; i--) {
          const record = this.store.get(i);
          if (!record || record.batch.status !== 'safe') break;
          updates.unshift(Object.freeze({ ...record, batch: withStatus(record.batch, 'finalized'), finalizedAt: now }));
        }
        await this.store.write(updates);
        return updates;
      });
      for (const record of finalized) {
        this.logger.debug({ index: record.batch.index, lastBlock: record.batch.lastBlock }, 'batch finalized');
        this.events.emit('batch', record.batch);
      }
    } catch (e) {
      if (!this.running) return;
      this.logger.error({ err: e, index, retryInMs: FINALIZE_RETRY_MS }, 'could not finalize batch; retrying');
      if (!this.timers.has(index)) this.later(index, FINALIZE_RETRY_MS);
    }
  }
}

function withStatus(batch: Batch, status: BatchStatus): Batch {
  return Object.freeze({ ...batch, status });
}
