import type { ChainHead } from '../capabilities.js';
import type { EventBus, NodeEvents } from '../events.js';
import type { Logger } from '../logger.js';
import type { Batch, SealedBlock } from '../types/chain.js';
import type { StageRunner } from './stage-runner.js';

export interface BatcherOptions {
  readonly batchSize: number;
  readonly batchInterval: number;
}

/** Where batching stands, as recorded by the commit provider's store. */
export interface BatchProgress {
  /** Last block of the newest committed batch; 0 when none (genesis is never batched). */
  lastBatchedBlock(): bigint;
  /** Committed batches not yet safe, oldest first (left over by a crash or a failed prove). */
  unsafeBatches(): readonly Batch[];
}

export interface BatcherDeps {
  readonly stages: StageRunner;
  readonly chain: ChainHead;
  readonly events: EventBus<NodeEvents>;
  readonly logger: Logger;
  readonly progress: BatchProgress;
}

/** Longest wait between retries while batches keep failing. */
export const MAX_BACKOFF_MS = 5_000;

type State = 'idle' | 'running' | 'stopped';

/**
 * Groups blocks into batches and drives each through commit and then prove, one batch at a time, in order.
 *
 * What waits is always computed from the store (blocks after the last batched one, up to the chain's
 * head), never from a list of events, so after a restart or a failure no block is skipped or batched
 * twice. `block` events only wake the batcher and keep the block at hand (else it is read from the chain).
 * A batch is committed when `batchSize` blocks wait, or when the oldest waiting block has waited
 * `batchInterval` ms. A failing batch is logged and retried with a doubling delay (up to 5 s).
 */
export class Batcher {
  private state: State = 'idle';
  private deps?: BatcherDeps;
  /** Blocks seen in `block` events and not yet batched, with when they arrived. */
  private readonly waiting = new Map<bigint, { block: SealedBlock; at: number }>();
  /** Highest block number known to exist. */
  private known = 0n;
  private startedAt = 0;
  private timer?: NodeJS.Timeout;
  private backingOff = false;
  private failures = 0;
  private draining?: Promise<void>;
  private again = false;
  private unsubscribe?: () => void;
  private stopping?: Promise<void>;

  constructor(private readonly options: BatcherOptions) {}

  start(deps: BatcherDeps): void {
    if (this.state !== 'idle') return;
    this.deps = deps;
    this.state = 'running';
    this.startedAt = Date.now();
    this.unsubscribe = deps.events.on('block', (block) => this.onBlock(block));
    this.known = deps.chain.head().number;
    this.kick();
  }

  /** Stops waking up, waits for the batch in progress to be committed and proven. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.state = 'stopped';
      this.unsubscribe?.();
      this.clearTimer();
      await this.draining;
    })();
    return this.stopping;
  }

  private onBlock(block: SealedBlock): void {
    if (this.state !== 'running') return;
    if (block.number <= this.deps!.progress.lastBatchedBlock()) return;
    if (!this.waiting.has(block.number)) this.waiting.set(block.number, { block, at: Date.now() });
    if (block.number > this.known) this.known = block.number;
    // While backing off from a failure, new blocks wait for the retry.
    if (!this.backingOff) this.kick();
  }

  private kick(): void {
    if (this.state !== 'running') return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.clearTimer();
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.again) {
        this.again = false;
        if (!this.backingOff) this.kick();
      }
    });
  }

  /** Commits every batch that is due. Never rejects. */
  private async drain(): Promise<void> {
    try {
      await this.commitDue();
      this.failures = 0;
    } catch (e) {
      if (this.state !== 'running') {
        this.deps!.logger.warn({ err: e }, 'batch failed while stopping; it is retried after a restart');
        return;
      }
      this.failures += 1;
      const retryInMs = Math.min(this.retryBase() * 2 ** Math.min(this.failures - 1, 30), MAX_BACKOFF_MS);
      this.deps!.logger.error({ err: e, failures: this.failures, retryInMs }, 'batch failed; retrying');
      this.setTimer(retryInMs, true);
    }
  }

  private retryBase(): number {
    return Math.max(10, Math.min(this.options.batchInterval, 1_000));
  }

  private async commitDue(): Promise<void> {
    const { stages, chain, progress } = this.deps!;
    // Batches committed but not proven (a crash or failure in between) go first, in order.
    for (const batch of progress.unsafeBatches()) {
      if (this.state !== 'running') return;
      await stages.run('prove', { batch, meta: {} });
    }
    while (this.state === 'running') {
      const last = progress.lastBatchedBlock();
      for (const n of this.waiting.keys()) if (n <= last) this.waiting.delete(n);
      const head = chain.head().number;
      if (head > this.known) this.known = head;
      const count = this.known - last;
      if (count <= 0n) return;

      const now = Date.now();
      const oldest = this.waiting.get(last + 1n)?.at ?? this.startedAt;
      const full = count >= BigInt(this.options.batchSize);
      if (!full && now - oldest < this.options.batchInterval) {
        this.setTimer(oldest + this.options.batchInterval - now, false);
        return;
      }

      const blocks = await this.collect(last + 1n, full ? this.options.batchSize : Number(count));
      if (blocks.length === 0) throw new Error(`block ${last + 1n} is not available from the chain`);
      const committed = await stages.run('commit', { blocks, meta: {} });
      if (!committed.batch) throw new Error(`the commit stage recorded no batch for blocks ${last + 1n}..${blocks[blocks.length - 1]!.number}`);
      await stages.run('prove', { batch: committed.batch, meta: {} });
    }
  }

  /** Up to `count` blocks from `from` on, from the events seen or else from the chain; stops at a missing one. */
  private async collect(from: bigint, count: number): Promise<SealedBlock[]> {
    const blocks: SealedBlock[] = [];
    for (let n = from; n < from + BigInt(count); n++) {
      const block = this.waiting.get(n)?.block ?? (await this.deps!.chain.block(n));
      if (!block) break;
      blocks.push(block);
    }
    return blocks;
  }

  private setTimer(delayMs: number, backoff: boolean): void {
    this.clearTimer();
    this.backingOff = backoff;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.backingOff = false;
      this.kick();
    }, Math.max(0, delayMs));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.backingOff = false;
  }
}
