import {
  MetisError,
  type ChainHead,
  type DepositQueue,
  type EventBus,
  type Logger,
  type NodeEvents,
  type SealedBlock,
  type StageRunner,
  type TxPool,
} from '@metis/core';

/** What the loop needs from the node; resolved when the node starts. */
export interface BlockLoopDeps {
  readonly stages: StageRunner;
  readonly pool: TxPool;
  readonly chain: ChainHead;
  /** Present when a settlement plugin feeds L1 deposits. */
  readonly deposits?: DepositQueue;
  readonly events: EventBus<NodeEvents>;
  readonly logger: Logger;
}

/** Longest wait between retries while blocks keep failing (longer only if the block time is longer). */
export const MAX_BACKOFF_MS = 5_000;
/** First retry delay in instant mode, which has no block time to start from. */
export const INSTANT_RETRY_MS = 100;

type State = 'idle' | 'running' | 'stopped';

/**
 * Produces blocks one at a time: order, then execute (which stores the block and emits `block`), then
 * tells the pool. Every block, whether the loop's own or one asked for with `produce()`, goes through one
 * queue, so two blocks are never built at once.
 *
 * With a number block time a block starts every `blockTime` ms (measured from the previous start), empty
 * or not. In instant mode a block is made once transactions wait: `pending` events schedule one block
 * with setImmediate (a burst gives one block), and after a block the loop goes again at once while
 * transactions are still executable. A failing block is logged and retried, with the delay doubling up
 * to MAX_BACKOFF_MS while it keeps failing; the loop never stops on its own.
 */
export class BlockLoop {
  private state: State = 'idle';
  private deps?: BlockLoopDeps;
  /** Tail of the block queue; never rejects. */
  private queue: Promise<unknown> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;
  /** The loop's own block is queued or running (instant mode ignores `pending` meanwhile). */
  private busy = false;
  private failures = 0;
  private unsubscribe?: () => void;
  private stopping?: Promise<void>;

  constructor(private readonly blockTime: number | 'instant') {}

  private get instant(): boolean {
    return this.blockTime === 'instant';
  }

  start(deps: BlockLoopDeps): void {
    if (this.state !== 'idle') return;
    this.deps = deps;
    this.state = 'running';
    if (this.blockTime === 'instant') {
      const offPending = deps.events.on('pending', () => this.wake());
      const offDeposits = deps.events.on('deposits', () => this.wake());
      this.unsubscribe = () => {
        offPending();
        offDeposits();
      };
      this.wake();
    } else {
      this.schedule(this.blockTime);
    }
  }

  /** Stops scheduling, waits for the block in progress (and drops queued ones), then resolves. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.state = 'stopped';
      this.unsubscribe?.();
      this.unsubscribe = undefined;
      if (this.timer) clearTimeout(this.timer);
      if (this.immediate) clearImmediate(this.immediate);
      this.timer = undefined;
      this.immediate = undefined;
      await this.queue;
    })();
    return this.stopping;
  }

  /**
   * Produces a block now, after the block in progress. Resolves with it, or with undefined in instant
   * mode when no transaction waits. Rejects with the stage's error if the block fails.
   */
  produce(): Promise<SealedBlock | undefined> {
    if (this.state !== 'running') return Promise.reject(this.notRunning());
    return this.enqueue();
  }

  private notRunning(): MetisError {
    return new MetisError('NODE_STATE', {
      action: 'produce a block',
      state: this.state === 'idle' ? 'not started' : 'stopped',
    });
  }

  private enqueue(): Promise<SealedBlock | undefined> {
    const job = this.queue.then(() => {
      if (this.state !== 'running') throw this.notRunning();
      return this.produceOne(this.deps!);
    });
    this.queue = job.catch(() => undefined);
    return job;
  }

  /** Transactions or ready deposits wait for a block. */
  private somethingWaits(deps: BlockLoopDeps): boolean {
    if (deps.pool.executableCount > 0) return true;
    return (deps.deposits?.ready(deps.chain.head().depositCount, 1).length ?? 0) > 0;
  }

  /** Instant mode: schedule one block if something waits and none is scheduled, running or backing off. */
  private wake(): void {
    if (this.state !== 'running' || this.busy || this.timer || this.immediate) return;
    if (!this.somethingWaits(this.deps!)) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      void this.tick();
    });
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, delayMs);
  }

  /** One block of the loop's own, then the next one is scheduled. Never rejects. */
  private async tick(): Promise<void> {
    if (this.state !== 'running') return;
    this.busy = true;
    const startedAt = Date.now();
    let block: SealedBlock | undefined;
    try {
      block = await this.enqueue();
      this.failures = 0;
    } catch (e) {
      if (this.state !== 'running' && e instanceof MetisError && e.is('NODE_STATE')) return;
      this.failures += 1;
      const retryInMs = this.backoff();
      this.deps!.logger.error({ err: e, failures: this.failures, retryInMs }, 'block production failed; retrying');
      if (this.state === 'running') this.schedule(retryInMs);
      return;
    } finally {
      this.busy = false;
    }
    if (this.state !== 'running') return;
    if (this.blockTime === 'instant') {
      // Go again at once while transactions wait; a tick that made nothing waits for the next `pending`.
      if (block) this.wake();
    } else {
      this.schedule(Math.max(0, this.blockTime - (Date.now() - startedAt)));
    }
  }

  private backoff(): number {
    const base = this.blockTime === 'instant' ? INSTANT_RETRY_MS : this.blockTime;
    const cap = Math.max(MAX_BACKOFF_MS, base);
    return Math.min(base * 2 ** Math.min(this.failures - 1, 30), cap);
  }

  private async produceOne(deps: BlockLoopDeps): Promise<SealedBlock | undefined> {
    const { pool, chain, stages, logger } = deps;
    if (this.instant && !this.somethingWaits(deps)) return undefined;
    // The chain head owns the block rules and moves the timestamp past its parent's if needed.
    const template = chain.nextTemplate(BigInt(Math.floor(Date.now() / 1000)));
    const order = await stages.run('order', { template, deposits: [], txs: [], meta: {} });
    if (this.instant && order.txs.length === 0 && order.deposits.length === 0) return undefined;
    const executed = await stages.run('execute', { template, deposits: order.deposits, txs: order.txs, dropped: [], meta: {} });
    const block = executed.block;
    if (!block) {
      throw new MetisError('BLOCK_EXECUTION_FAILED', { number: template.number, reason: 'the execute stage stored no block' });
    }
    await pool.onBlock(block, executed.dropped);
    const deposits = order.deposits.length;
    const fields = { number: block.number, hash: block.hash, txs: block.txHashes.length, deposits, dropped: executed.dropped.length };
    if (block.txHashes.length > 0 || deposits > 0 || executed.dropped.length > 0) logger.info(fields, 'block produced');
    else logger.debug(fields, 'block produced');
    return block;
  }
}
