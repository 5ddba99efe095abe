import type { Batch, BlockImporter, ChainHead, DataAvailability, EventBus, Finality, Hex, Logger, NodeEvents } from '@metis/core';
import { hexToBytes } from '../bytes.js';
import type { BatchSource, PostedBatch } from './batch-log.js';
import type { ReplicaL1 } from './l1-reads.js';
import { verdictOf } from './verdict.js';
import { Halt, Stopped, Wait, checkWithdrawalRoot, mismatch, verifyBatch } from './verify-batch.js';

/** Why derivation stopped at a batch: its code (METIS-807, METIS-604, METIS-802) and the reason. */
export interface DerivationProblem {
  readonly batch: bigint;
  readonly code: string;
  readonly reason: string;
}

export interface ReplicaStatus {
  readonly head: bigint;
  readonly safe: bigint;
  readonly finalized: bigint;
  /** Batches on L1 as far as read (the next batch index). */
  readonly l1BatchesSeen: bigint;
  /** Derivation waits (batch data not available yet, L1 unreachable). */
  readonly waitingFor?: { readonly batch: bigint; readonly reason: string };
  /** A batch that does not re-execute to its posted state (DERIVATION_MISMATCH): derivation stopped. */
  readonly mismatch?: DerivationProblem;
  /** A batch whose data is garbage or does not apply (BATCH_INVALID, DA_INVALID): derivation stopped. */
  readonly invalid?: DerivationProblem;
}

export interface DeriverOptions {
  /** Milliseconds between L1 polls once caught up. */
  readonly pollInterval: number;
  /** Longest wait between retries while data is unavailable or the L1 fails. */
  readonly maxBackoff: number;
  /** Verified batches kept for FINALITY.batches(). */
  readonly keep?: number;
}

export interface DeriverDeps {
  readonly source: BatchSource;
  readonly l1: ReplicaL1;
  readonly da: DataAvailability;
  readonly chain: ChainHead;
  readonly importer: BlockImporter;
  readonly events: EventBus<NodeEvents>;
  readonly logger: Logger;
  readonly options: DeriverOptions;
}

/**
 * Rebuilds the chain from L1 alone (the replica role) and provides FINALITY from what it verified.
 *
 * Batches are taken in index order from the one after the last batch the local chain holds completely.
 * For each: the header must still be the inbox's; its data comes through the DA (checked against
 * `dataHash`) and must decode; its blocks, previous state root and deposit count must follow the local
 * chain; every deposit must be the one the L1 Bridge queued; then each block is imported (blocks up to the
 * head, left by a crash inside a batch, are compared instead) and the last block's state root and the
 * withdrawal root of the blocks' logs must be the header's. Only then is the batch `safe`; it is
 * `finalized` once the inbox says so.
 *
 * Nothing is stored besides the chain: at start (and after L1 removed batches) the batches the chain holds
 * completely are checked against their headers' state roots, the last one fully, and derivation resumes
 * after them. A batch that does not re-execute to its posted state, or whose data is garbage, stops
 * derivation there (reported, never fatal, never counted safe); only its replacement on L1 moves it on.
 *
 * Every batch re-executed here is reported as a `batchVerdict` event (the roots reached, agreeing with the
 * header or not), which validators sign.
 */
export class Deriver implements Finality {
  private safe = 0n;
  private finalized = 0n;
  private next = 0n;
  private readonly verified = new Map<bigint, Batch>();
  private resumed = false;
  private seenRemovals = 0;
  private halted?: { kind: 'mismatch' | 'invalid'; problem: DerivationProblem; headerHash: Hex | undefined };
  private waiting?: { batch: bigint; reason: string };
  private failures = 0;
  private lastFinalityPoll = 0;
  private stopRequested = false;
  private loop?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private wake?: () => void;
  /** The next batch's data, fetched while the current one is imported. */
  private prefetched?: { headerHash: Hex; data: Promise<Uint8Array> };

  constructor(private readonly deps: DeriverDeps) {}

  safeBlock(): bigint {
    return this.safe;
  }

  finalizedBlock(): bigint {
    return this.finalized;
  }

  batches(): readonly Batch[] {
    return [...this.verified.values()].sort((a, b) => (a.index < b.index ? -1 : 1));
  }

  status(): ReplicaStatus {
    const problem = this.halted?.problem;
    return {
      head: this.deps.chain.head().number,
      safe: this.safe,
      finalized: this.finalized,
      l1BatchesSeen: this.deps.source.count,
      ...(this.waiting ? { waitingFor: { ...this.waiting } } : {}),
      ...(problem && this.halted?.kind === 'mismatch' ? { mismatch: problem } : {}),
      ...(problem && this.halted?.kind === 'invalid' ? { invalid: problem } : {}),
    };
  }

  /** Runs derivation in the background until `stop()`. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops after the block being imported (a batch left half done resumes at the next start). */
  async stop(): Promise<void> {
    this.stopRequested = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
  }

  /** One round: read L1, then derive the next batch if there is one. True when a batch became safe. */
  async step(): Promise<boolean> {
    const { source } = this.deps;
    await source.poll();
    if (source.removals !== this.seenRemovals) this.onRemovals();
    if (this.halted) {
      // Stopped at a bad batch: the batches verified before it still become final.
      if (this.resumed) await this.pollFinality();
      return false;
    }
    try {
      if (!this.resumed) {
        await this.resume();
        this.resumed = true;
      }
      const batch = source.get(this.next);
      if (!batch) {
        this.waiting = undefined;
        await this.pollFinality();
        return false;
      }
      await this.derive(batch);
      this.waiting = undefined;
      if (Date.now() - this.lastFinalityPoll >= this.deps.options.pollInterval) await this.pollFinality();
      return true;
    } catch (e) {
      if (e instanceof Stopped) return false;
      if (e instanceof Wait) {
        this.onWait(e);
        return false;
      }
      if (e instanceof Halt) {
        this.onHalt(e);
        return false;
      }
      throw e;
    }
  }

  private async run(): Promise<void> {
    while (!this.stopRequested) {
      let delay: number;
      try {
        const progressed = await this.step();
        if (this.waiting) this.failures++;
        else this.failures = 0;
        delay = progressed ? 0 : this.waiting ? this.backoff() : this.deps.options.pollInterval;
      } catch (e) {
        this.failures++;
        const reason = `derivation failed, trying again: ${(e as Error).message}`;
        if (this.waiting?.reason !== reason) this.deps.logger.warn({ err: e }, 'derivation step failed; trying again');
        this.waiting = { batch: this.next, reason };
        delay = this.backoff();
      }
      if (this.stopRequested) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        if (delay === 0) setImmediate(resolve);
        else this.timer = setTimeout(resolve, delay);
      });
    }
  }

  private backoff(): number {
    const { pollInterval, maxBackoff } = this.deps.options;
    return Math.min(maxBackoff, pollInterval * 2 ** Math.min(10, Math.max(0, this.failures - 1)));
  }

  /** Batches were removed on L1: a halted batch that was replaced is tried again; everything is re-checked. */
  private onRemovals(): void {
    const { source, logger } = this.deps;
    this.seenRemovals = source.removals;
    this.resumed = false;
    if (!this.halted) return;
    const now = source.get(this.halted.problem.batch);
    if (now && now.headerHash === this.halted.headerHash) return;
    logger.info({ batch: this.halted.problem.batch }, 'the batch derivation stopped at was removed on L1; deriving again');
    this.halted = undefined;
  }

  /**
   * Where derivation stands, from the local chain and L1 alone: every batch the chain holds completely
   * must end at its header's state root (the last one is checked fully); derivation goes on after them.
   */
  private async resume(): Promise<void> {
    const { source, chain } = this.deps;
    const head = chain.head().number;
    // The last few complete batches are described for FINALITY.batches() (older ones: an earlier run).
    const keep = Math.min(64, this.deps.options.keep ?? 256);
    const complete: PostedBatch[] = [];
    let problem: Halt | undefined;
    let index = source.first;
    for (let b = source.get(index); b && b.lastBlock <= head; b = source.get(++index)) {
      const local = await chain.block(b.lastBlock);
      if (local?.stateRoot !== b.newStateRoot) {
        problem = mismatch(b.batchIndex, `block ${b.lastBlock} has state root ${local?.stateRoot ?? 'none'} here, ${b.newStateRoot} on L1: the local chain diverges from L1 (rebuild it from an empty data directory)`, {
          block: b.lastBlock,
          expected: b.newStateRoot,
          computed: local?.stateRoot,
        });
        break;
      }
      complete.push(b);
      if (complete.length > keep) complete.shift();
    }
    const last = complete[complete.length - 1];
    if (last && !problem) {
      try {
        await checkWithdrawalRoot(chain, last);
      } catch (e) {
        if (!(e instanceof Halt)) throw e;
        problem = e;
        complete.pop();
      }
    }
    this.verified.clear();
    if (complete.length === 0 && source.first === 0n) this.safe = 0n;
    for (const b of complete) {
      const hashes: Hex[] = [];
      for (let n = b.firstBlock; n <= b.lastBlock; n++) hashes.push((await chain.block(n))!.hash);
      this.accept(b, hashes, false);
    }
    this.next = problem ? problem.batch : index;
    if (this.finalized > this.safe) this.finalized = this.safe;
    if (problem) throw problem;
    if (complete.length > 0) this.deps.logger.info({ head, safe: this.safe, nextBatch: this.next }, 'derivation resumes from the local chain');
  }

  private async derive(batch: PostedBatch): Promise<void> {
    const { l1, chain, importer, logger } = this.deps;
    const { hashes, txs, ms, computed } = await verifyBatch(
      { l1, chain, importer, data: (b) => this.data(b), importing: () => this.prefetch(batch.batchIndex + 1n), stopping: () => this.stopRequested },
      batch,
    );
    this.accept(batch, hashes, true);
    this.deps.events.emit('batchVerdict', verdictOf(batch, computed));
    logger.info({ index: batch.batchIndex, blocks: `${batch.firstBlock}-${batch.lastBlock}`, txs, ms }, 'batch derived and verified: safe');
  }

  private data(batch: PostedBatch): Promise<Uint8Array> {
    const ahead = this.prefetched;
    this.prefetched = undefined;
    if (ahead?.headerHash === batch.headerHash) return ahead.data;
    return this.deps.da.retrieve(hexToBytes(batch.daCommitment), batch.dataHash);
  }

  /** Starts fetching batch `index`'s data, if L1 holds it; a failure shows when it is used (and it is fetched again). */
  private prefetch(index: bigint): void {
    const batch = this.deps.source.get(index);
    if (!batch || this.prefetched?.headerHash === batch.headerHash) return;
    const data = this.deps.da.retrieve(hexToBytes(batch.daCommitment), batch.dataHash);
    data.catch(() => undefined);
    this.prefetched = { headerHash: batch.headerHash, data };
  }

  /** The batch is verified: safe; kept for FINALITY.batches(). */
  private accept(b: PostedBatch, hashes: readonly Hex[], announce: boolean): void {
    const batch: Batch = Object.freeze({
      index: b.batchIndex,
      firstBlock: b.firstBlock,
      lastBlock: b.lastBlock,
      stateRoot: b.newStateRoot,
      blockHashes: Object.freeze([...hashes]),
      status: 'safe' as const,
      commitment: b.daCommitment,
      dataHash: b.dataHash,
      withdrawalRoot: b.withdrawalRoot,
      depositCount: b.depositCount,
    });
    this.verified.set(b.batchIndex, batch);
    this.safe = b.lastBlock;
    this.next = b.batchIndex + 1n;
    const keep = BigInt(this.deps.options.keep ?? 256);
    for (const i of this.verified.keys()) if (i + keep <= b.batchIndex) this.verified.delete(i);
    this.deps.source.forget(this.next > keep ? this.next - keep : 0n);
    if (announce) this.deps.events.emit('batch', batch);
  }

  /** Batches the inbox says are final, among the verified ones, become `finalized`. */
  private async pollFinality(): Promise<void> {
    this.lastFinalityPoll = Date.now();
    if (this.next === 0n) return;
    const final = await this.deps.l1.lastFinalizedBatch();
    if (final === undefined) return;
    const upTo = final < this.next ? final : this.next - 1n;
    const lastBlock = this.verified.get(upTo)?.lastBlock ?? this.deps.source.get(upTo)?.lastBlock;
    if (lastBlock === undefined || lastBlock <= this.finalized) return;
    this.finalized = lastBlock;
    for (const [i, b] of this.verified) {
      if (i > upTo || b.status === 'finalized') continue;
      const done = Object.freeze({ ...b, status: 'finalized' as const });
      this.verified.set(i, done);
      this.deps.events.emit('batch', done);
    }
    this.deps.logger.info({ batch: upTo, lastBlock }, 'finalized on L1');
  }

  private onWait(w: Wait): void {
    if (this.waiting?.reason !== w.reason) this.deps.logger.warn({ batch: w.batch }, w.reason);
    this.waiting = { batch: w.batch, reason: w.reason };
  }

  private onHalt(h: Halt): void {
    const { batch } = h;
    this.waiting = undefined;
    this.halted = { kind: h.kind, problem: { batch, code: h.error.code, reason: h.error.message }, headerHash: this.deps.source.get(batch)?.headerHash };
    const what =
      h.kind === 'mismatch'
        ? 'derivation stopped: the batch does not re-execute to its posted state; its blocks are not safe'
        : 'derivation stopped: invalid batch, not applied; waiting for L1 to replace it';
    this.deps.logger.error({ err: h.error, batch, ...h.fields }, what);
    const posted = this.deps.source.get(batch);
    if (h.computed && posted) this.deps.events.emit('batchVerdict', verdictOf(posted, h.computed));
  }
}
