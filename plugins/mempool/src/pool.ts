import {
  MetisError,
  type BlockTemplate,
  type EventBus,
  type Hex,
  type IngestContext,
  type Logger,
  type NodeEvents,
  type PooledTx,
  type SealedBlock,
  type TxPool,
} from '@metis/core';
import { RecoveryPool, type AccountState, type EvmStateView } from '@metis/evm';
import { EvictionIndex } from './eviction.js';
import { bumpedMinimum, effectiveTip, isReplacementPriced } from './fees.js';
import { Journal, type JournalRecord } from './journal.js';
import { KeyedMutex } from './keyed-mutex.js';
import type { MempoolOptions } from './options.js';
import { selectTransactions } from './select.js';
import { SenderQueue, type PoolEntry } from './sender-queue.js';
import { TxValidator, toPooledTx, type Candidate, type Decoded } from './validate.js';

export interface MempoolDeps {
  readonly events?: EventBus<NodeEvents>;
  readonly logger?: Logger;
}

/** How an admission is made: a new submission (journaled first) or a restore from the journal. */
interface AdmitMode {
  readonly restore: boolean;
  readonly seq?: number;
}

interface Admission {
  readonly entry: PoolEntry;
  readonly replaced?: PoolEntry;
  /** Resolves when the journal holds the transaction (immediately for a restore). */
  readonly written: Promise<void>;
}

/** Gives up re-reading an account that keeps moving under a burst of blocks after this many tries. */
const MAX_ACCOUNT_READS = 3;

/**
 * The transaction pool of an EVM chain: validates and journals incoming transactions, keeps them per
 * sender in nonce order, and hands the order stage the executable ones, best paying first.
 *
 * Accounts are read from the committed head at most once per sender per block: each sender queue caches
 * its account with the head "epoch" it was read at, and every new block bumps the epoch.
 */
export class Mempool implements TxPool {
  private readonly byHash = new Map<Hex, PoolEntry>();
  private readonly senders = new Map<Hex, SenderQueue>();
  private readonly locks = new KeyedMutex<Hex>();
  private readonly eviction = new EvictionIndex(
    (queue, entry) => this.senders.get(queue.sender) === queue && this.byHash.get(entry.tx.hash) === entry,
    () => this.byHash.size,
  );
  private executable = 0;
  private seq = 0;
  private epoch = 0;
  private state?: EvmStateView;
  private validator?: TxValidator;
  private journal?: Journal;
  private stopping?: Promise<void>;
  /** Sender recovery of bursts on a worker thread (undefined: inline, or no native module). */
  private recovery?: RecoveryPool;

  constructor(
    readonly options: MempoolOptions,
    private readonly deps: MempoolDeps = {},
  ) {}

  // ---- lifecycle -------------------------------------------------------------------------------------

  /** Opens the journal in `dir` and rebuilds the pool from it against the current state. */
  async start(state: EvmStateView, dir: string): Promise<void> {
    if (this.journal) throw new MetisError('NODE_STATE', { action: 'start the mempool', state: 'running' });
    this.state = state;
    this.validator = new TxValidator(this.options, state);
    const journal = await Journal.open(dir);
    this.journal = journal;
    try {
      await this.restore(journal);
    } catch (e) {
      await journal.close().catch(() => undefined);
      this.journal = undefined;
      throw e;
    }
    // Only once started: a failed start leaves no worker behind.
    if (this.options.recoveryWorker) this.recovery = RecoveryPool.start();
  }

  /** Waits for pending journal writes and closes the journal. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.recovery?.stop();
      await this.journal?.close();
    })();
    return this.stopping;
  }

  /** Marks every cached account stale (a block changed the head). Also called from the `block` event. */
  headChanged(): void {
    this.epoch++;
  }

  // ---- TxPool ----------------------------------------------------------------------------------------

  get executableCount(): number {
    return this.executable;
  }

  /** Transactions held, executable or waiting, including those whose journal write is in flight. */
  get size(): number {
    return this.byHash.size;
  }

  get(hash: Hex): PooledTx | undefined {
    const entry = this.byHash.get(hash.toLowerCase() as Hex);
    return entry?.live ? entry.tx : undefined;
  }

  async pendingNonce(sender: Hex): Promise<bigint> {
    const address = sender.toLowerCase() as Hex;
    const queue = this.senders.get(address);
    if (queue && queue.epoch === this.epoch) return queue.pendingNonce;
    const { nonce } = await this.requireState().getAccount(address);
    const current = this.senders.get(address);
    if (!current) return nonce;
    // Walk the pooled run from the fresh nonce without touching the queue (that happens under its lock).
    let next = nonce;
    for (const e of current.entries) {
      if (e.tx.nonce < next) continue;
      if (e.tx.nonce !== next || !e.live) break;
      next++;
    }
    return next;
  }

  select(template: BlockTemplate, maxTxs = Number.POSITIVE_INFINITY): PooledTx[] {
    if (!this.state || maxTxs <= 0) return [];
    return selectTransactions(this.senders.values(), template, this.state.nextBaseFee(), maxTxs);
  }

  async onBlock(block: SealedBlock, dropped: readonly PooledTx[]): Promise<void> {
    this.headChanged();
    const deletes: Hex[] = [];
    const affected = new Set<Hex>();
    const drop = (hash: Hex, sender?: Hex): void => {
      const entry = this.byHash.get(hash.toLowerCase() as Hex);
      if (entry) {
        this.removeEntry(entry);
        deletes.push(entry.tx.hash);
        affected.add(entry.tx.sender);
      } else if (sender && this.senders.has(sender)) {
        affected.add(sender);
      }
    };
    for (const hash of block.txHashes) drop(hash);
    for (const tx of dropped) drop(tx.hash, tx.sender);
    // Re-read the affected senders: promote what the new nonce makes executable, drop what it made stale.
    await Promise.all(
      [...affected].map((sender) =>
        this.locks.run(sender, async () => {
          if (!this.senders.has(sender)) return;
          const { epoch, account } = await this.readAccount(sender);
          const queue = this.senders.get(sender);
          if (queue) for (const e of this.applyAccount(queue, account, epoch)) deletes.push(e.tx.hash);
        }),
      ),
    );
    // Not fatal: whatever stays in the journal is stale and filtered out at the next start.
    await this.journal?.write([], deletes).catch((e: unknown) => {
      if (!this.stopping) this.deps.logger?.warn({ err: e }, 'mempool: could not delete mined transactions from the journal');
    });
  }

  // ---- ingest ----------------------------------------------------------------------------------------

  /** The ingest-stage provider: validates `ctx.raw`, journals it, and sets `ctx.accepted`. */
  async ingest(ctx: IngestContext): Promise<void> {
    const validator = this.requireValidator();
    const decoded = validator.decode(ctx.raw);
    if (this.byHash.has(decoded.hash)) throw new MetisError('TX_ALREADY_KNOWN');
    await this.recovery?.prefetch(decoded.tx);
    if (this.stopping) throw notStarted();
    const candidate = validator.check(decoded, ctx.source);
    const admission = await this.locks.run(candidate.sender, () => this.admit(candidate, { restore: false }));
    const { entry } = admission;
    try {
      await admission.written;
    } catch (e) {
      this.rollback(admission);
      if (this.stopping) throw notStarted();
      this.deps.logger?.error({ err: e, hash: entry.tx.hash }, 'mempool journal write failed');
      throw new MetisError('RPC_INTERNAL', { reason: 'transaction could not be stored' }, { cause: e });
    }
    ctx.accepted = entry.tx;
    // Replaced or mined while its write was in flight: accepted, but no longer pending here.
    if (this.byHash.get(entry.tx.hash) !== entry) return;
    entry.live = true;
    const queue = this.senders.get(entry.tx.sender);
    if (queue) this.changed(queue);
    this.deps.events?.emit('pending', entry.tx);
  }

  /**
   * The stateful half of validation, under the sender's lock: nonce window, balance (counting the
   * sender's pooled transactions with lower nonces), duplicates, replacement pricing, per-sender and pool
   * limits. On success the transaction is in memory (not yet live) and its journal write is queued.
   */
  private async admit(c: Candidate, mode: AdmitMode): Promise<Admission> {
    if (this.byHash.has(c.hash)) throw new MetisError('TX_ALREADY_KNOWN');
    const deletes: Hex[] = [];
    let queue = this.senders.get(c.sender);
    let account: AccountState;
    let accountEpoch = this.epoch;
    if (queue && queue.epoch === this.epoch) {
      account = { nonce: queue.stateNonce, balance: queue.balance };
    } else {
      const read = await this.readAccount(c.sender);
      account = read.account;
      accountEpoch = read.epoch;
      // Re-fetch: a block may have emptied and dropped the queue while we waited.
      queue = this.senders.get(c.sender);
      if (queue) for (const e of this.applyAccount(queue, account, read.epoch)) deletes.push(e.tx.hash);
      queue = this.senders.get(c.sender);
      if (this.byHash.has(c.hash)) throw new MetisError('TX_ALREADY_KNOWN');
    }
    const flushDeletes = (): void => {
      if (deletes.length > 0) void this.journal?.write([], deletes).catch(() => undefined);
    };

    try {
      const { maxNonceGap, maxPerSender, maxSize, priceBump } = this.options;
      if (c.nonce < account.nonce) {
        throw new MetisError('TX_NONCE_TOO_LOW', { sender: c.sender, nonce: c.nonce, expected: account.nonce });
      }
      if (c.nonce > account.nonce + BigInt(maxNonceGap)) {
        throw new MetisError('TX_NONCE_TOO_HIGH', { sender: c.sender, nonce: c.nonce, expected: account.nonce, maxGap: maxNonceGap });
      }
      const want = (queue?.costBelow(c.nonce) ?? 0n) + c.cost;
      if (want > account.balance) {
        throw new MetisError('TX_INSUFFICIENT_FUNDS', { sender: c.sender, have: account.balance, want });
      }
      const existing = queue?.find(c.nonce);
      let victim: PoolEntry | undefined;
      if (existing) {
        if (!isReplacementPriced(existing.tx, c, priceBump)) {
          throw new MetisError('TX_REPLACEMENT_UNDERPRICED', { minimum: bumpedMinimum(existing.tx.maxFeePerGas, priceBump) });
        }
      } else {
        const baseFee = this.requireState().nextBaseFee();
        const tip = effectiveTip(c.maxFeePerGas, c.maxPriorityFeePerGas, baseFee);
        if (queue && queue.size >= maxPerSender) {
          throw new MetisError('TX_SENDER_LIMIT', { sender: c.sender, count: queue.size, limit: maxPerSender });
        }
        if (this.byHash.size >= maxSize) {
          // Never evict what the newcomer builds on: its own sender's lower nonces.
          const protect = (e: PoolEntry): boolean => e.tx.sender === c.sender && e.tx.nonce < c.nonce;
          const cheapest = this.eviction.cheapest(this.senders.values(), baseFee, protect);
          if (!cheapest || cheapest.tip >= tip) {
            throw new MetisError('TX_POOL_FULL', { fee: tip, lowest: cheapest?.tip ?? 'none evictable' });
          }
          victim = cheapest.entry;
        }
      }

      // Admitted: apply to memory now so the sender's next transaction sees it, then journal.
      const seq = mode.seq ?? this.seq;
      this.seq = Math.max(this.seq, seq + 1);
      const entry: PoolEntry = { tx: toPooledTx(c), cost: c.cost, seq, live: mode.restore };
      if (victim) {
        this.removeEntry(victim);
        deletes.push(victim.tx.hash);
        this.deps.logger?.debug({ evicted: victim.tx.hash, by: c.hash }, 'mempool full: evicted the cheapest transaction');
      }
      queue = this.senders.get(c.sender);
      if (!queue) {
        queue = new SenderQueue(c.sender, account.nonce, account.balance, accountEpoch);
        this.senders.set(c.sender, queue);
      }
      const replaced = queue.insert(entry);
      this.byHash.set(c.hash, entry);
      if (replaced) {
        this.byHash.delete(replaced.tx.hash);
        deletes.push(replaced.tx.hash);
      }
      this.changed(queue);
      const record: JournalRecord = { hash: c.hash, key: c.hashBytes, raw: c.raw, source: c.source, seq };
      const written = mode.restore ? (flushDeletes(), Promise.resolve()) : this.requireJournal().write([record], deletes);
      return { entry, replaced, written };
    } catch (e) {
      flushDeletes();
      throw e;
    }
  }

  /** Undoes an admission whose journal write failed. */
  private rollback({ entry, replaced }: Admission): void {
    if (this.byHash.get(entry.tx.hash) !== entry) return;
    this.removeEntry(entry);
    const queue = this.senders.get(entry.tx.sender);
    if (replaced && !this.byHash.has(replaced.tx.hash) && queue && !queue.find(replaced.tx.nonce)) {
      queue.insert(replaced);
      this.byHash.set(replaced.tx.hash, replaced);
      this.changed(queue);
    }
  }

  // ---- restore ---------------------------------------------------------------------------------------

  /** Re-validates every journaled transaction, oldest first, and deletes those no longer valid. */
  private async restore(journal: Journal): Promise<void> {
    const { records, corrupt } = await journal.load();
    const deletes: Hex[] = [...corrupt];
    const validator = this.requireValidator();
    let restored = 0;
    for (const record of records) {
      try {
        const decoded: Decoded = validator.decode(record.raw);
        if (decoded.hash !== record.hash) throw new Error(`stored under ${record.hash}, hashes to ${decoded.hash}`);
        // Accepted once: the base fee may have moved since, which only delays it; every other rule applies.
        const candidate = validator.check(decoded, record.source, { priceFloor: false });
        await this.locks.run(candidate.sender, () => this.admit(candidate, { restore: true, seq: record.seq }));
        restored++;
      } catch (e) {
        deletes.push(record.hash);
        this.deps.logger?.debug({ hash: record.hash, reason: e instanceof Error ? e.message : String(e) }, 'mempool: dropped a journaled transaction');
      }
    }
    await journal.write([], deletes);
    if (records.length > 0) {
      this.deps.logger?.info({ restored, dropped: records.length - restored }, 'mempool restored from its journal');
    }
  }

  // ---- internals -------------------------------------------------------------------------------------

  /** Reads an account at the head, again if a block lands meanwhile; returns the epoch it belongs to. */
  private async readAccount(sender: Hex): Promise<{ account: AccountState; epoch: number }> {
    const state = this.requireState();
    for (let tries = 1; ; tries++) {
      const epoch = this.epoch;
      const account = await state.getAccount(sender);
      if (epoch === this.epoch || tries >= MAX_ACCOUNT_READS) return { account, epoch };
    }
  }

  /** Caches a fresh account in the queue; removes and returns entries its nonce made stale. */
  private applyAccount(queue: SenderQueue, account: AccountState, epoch: number): PoolEntry[] {
    queue.stateNonce = account.nonce;
    queue.balance = account.balance;
    queue.epoch = epoch;
    const stale = queue.pruneBelow(account.nonce);
    for (const e of stale) this.byHash.delete(e.tx.hash);
    this.changed(queue);
    this.dropQueueIfEmpty(queue);
    return stale;
  }

  private removeEntry(entry: PoolEntry): void {
    this.byHash.delete(entry.tx.hash);
    const queue = this.senders.get(entry.tx.sender);
    if (!queue || !queue.remove(entry)) return;
    this.changed(queue);
    this.dropQueueIfEmpty(queue);
  }

  /** Keeps the executable count and the eviction index in step after `queue` changed. */
  private changed(queue: SenderQueue): void {
    this.executable += queue.recount();
    this.eviction.touch(queue);
  }

  private dropQueueIfEmpty(queue: SenderQueue): void {
    if (queue.size === 0 && this.senders.get(queue.sender) === queue) {
      this.executable -= queue.execCount;
      queue.execCount = 0;
      this.senders.delete(queue.sender);
    }
  }

  private requireState(): EvmStateView {
    if (!this.state) throw notStarted();
    return this.state;
  }

  private requireValidator(): TxValidator {
    if (!this.validator || !this.journal || this.stopping) throw notStarted();
    return this.validator;
  }

  private requireJournal(): Journal {
    if (!this.journal) throw notStarted();
    return this.journal;
  }
}

function notStarted(): MetisError {
  return new MetisError('NODE_STATE', { action: 'accept transactions', state: 'the mempool is not running' });
}
