import type { Batch, Hex, Logger } from '@metis/core';
import { Key, type Datastore } from 'interface-datastore';
import { CID } from 'multiformats/cid';

/** Where retention records live in the datastore: one key per pinned root CID. */
const PREFIX = '/metis/retention';

/** Why a root is pinned and until when. Stored as JSON under `/metis/retention/<cid>`. */
export interface RetentionRecord {
  readonly cid: string;
  /** keccak-256 of the data: how `batch` events (which carry `dataHash`) find their record. */
  readonly dataHash: Hex;
  /** When it was pinned (ms since the epoch). */
  readonly since: number;
  /** Index of the batch the data belongs to, once a `batch` event named it (decimal). */
  readonly batch?: string;
  /** When the batch was seen finalized (ms since the epoch). */
  readonly finalizedAt?: number;
}

export interface RetentionOptions {
  /** How long data stays pinned after its batch is finalized. */
  readonly afterFinalizedMs: number;
  /** Never unpin (archive nodes). */
  readonly keepForever?: boolean;
}

export interface RetentionDeps {
  readonly datastore: Datastore;
  /** Pins a DAG whose blocks are local (idempotent). */
  readonly pin: (cid: CID) => Promise<void>;
  /** Unpins a DAG (idempotent). */
  readonly unpin: (cid: CID) => Promise<void>;
  /**
   * Frees the blocks of unpinned data; called by sweeps after something was unpinned, until it resolves
   * with anything but `false` (false: busy, try at the next sweep).
   */
  readonly collectGarbage?: () => Promise<boolean | void>;
  readonly options: RetentionOptions;
  readonly logger?: Pick<Logger, 'info' | 'warn' | 'debug'>;
  readonly now?: () => number;
}

/**
 * Keeps batch data pinned until its batch has been finalized for `afterFinalizedMs`, then unpins it. The
 * DA records every root it pins (publish on the sequencer, retrieve on replicas); `batch` events tie a
 * record to its batch index (by `dataHash`) and mark it finalized. Batches finalize in index order, so a
 * finalized batch also finalizes every record of a lower index, and records never tied to a batch that were
 * pinned before it (data published for an append that failed and was retried): events missed while the node
 * was down are made up by the next one. Records persist in the datastore; pins are the backend's (persistent).
 * Pinning with its record, events and unpinning run one at a time, so a re-publish of data being released
 * ends pinned; garbage collection runs outside that order.
 */
export class Retention {
  readonly #deps: RetentionDeps;
  readonly #records = new Map<string, RetentionRecord>();
  #loaded = false;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<number> | undefined;
  #gcPending = false;
  /** Writes in order, so a record is never overwritten by an older version. */
  #writes: Promise<void> = Promise.resolve();
  /** keep, onBatch and the unpinning part of sweeps, one at a time. */
  #serial: Promise<unknown> = Promise.resolve();

  constructor(deps: RetentionDeps) {
    this.#deps = deps;
  }

  #now(): number {
    return (this.#deps.now ?? Date.now)();
  }

  /** Reads the records kept before a restart. */
  async load(): Promise<void> {
    if (this.#loaded) return;
    for await (const { key, value } of this.#deps.datastore.query({ prefix: PREFIX })) {
      try {
        const record = JSON.parse(new TextDecoder().decode(value)) as RetentionRecord;
        CID.parse(record.cid);
        this.#records.set(record.cid, record);
      } catch (e) {
        this.#deps.logger?.warn({ key: key.toString(), err: (e as Error).message }, 'ipfs retention: unreadable record skipped');
      }
    }
    this.#loaded = true;
  }

  /** Every record, oldest first. */
  records(): RetentionRecord[] {
    return [...this.#records.values()].sort((a, b) => a.since - b.since);
  }

  #inOrder<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#serial.then(work, work);
    this.#serial = run.catch(() => undefined);
    return run;
  }

  /** Pins `root` (its blocks are local) and records that it holds the data with keccak-256 `dataHash`. */
  keep(root: CID, dataHash: Hex): Promise<void> {
    return this.#inOrder(() => this.#keep(root, dataHash));
  }

  async #keep(root: CID, dataHash: Hex): Promise<void> {
    await this.#deps.pin(root);
    const cid = root.toString();
    const existing = this.#records.get(cid);
    if (existing && existing.finalizedAt === undefined) return;
    // Pinned again after its batch was finalized (a re-publish, or a fetch by a tool): a fresh record.
    await this.#put({ cid, dataHash: dataHash.toLowerCase() as Hex, since: this.#now() });
  }

  /** Follows a batch event: ties records to the batch, and marks them finalized when it is. */
  onBatch(batch: Batch): Promise<void> {
    return this.#inOrder(() => this.#onBatch(batch));
  }

  async #onBatch(batch: Batch): Promise<void> {
    const hash = batch.dataHash?.toLowerCase();
    const index = batch.index;
    const own = hash === undefined ? [] : [...this.#records.values()].filter((r) => r.dataHash === hash);
    for (const r of own) if (r.batch !== index.toString()) await this.#put({ ...r, batch: index.toString() });
    if (batch.status !== 'finalized') return;
    const now = this.#now();
    const sinceOwn = own.length > 0 ? Math.max(...own.map((r) => r.since)) : undefined;
    for (const r of [...this.#records.values()]) {
      if (r.finalizedAt !== undefined) continue;
      const covered = r.batch !== undefined ? BigInt(r.batch) <= index : sinceOwn !== undefined && r.since < sinceOwn;
      if (covered) await this.#put({ ...r, finalizedAt: now });
    }
  }

  /** Unpins what has been final long enough; resolves with how many roots were unpinned. */
  sweep(): Promise<number> {
    this.#sweeping ??= this.#sweep().finally(() => {
      this.#sweeping = undefined;
    });
    return this.#sweeping;
  }

  async #sweep(): Promise<number> {
    const { options, logger } = this.#deps;
    if (options.keepForever) return 0;
    const now = this.#now();
    let unpinned = 0;
    for (const due of this.records()) {
      if (due.finalizedAt === undefined || due.finalizedAt + options.afterFinalizedMs > now) continue;
      await this.#inOrder(async () => {
        if (this.#records.get(due.cid) !== due) return; // kept again meanwhile
        try {
          await this.#deps.unpin(CID.parse(due.cid));
          await this.#delete(due.cid);
          unpinned++;
          logger?.debug({ cid: due.cid, batch: due.batch }, 'ipfs retention: unpinned batch data');
        } catch (e) {
          logger?.warn({ cid: due.cid, err: (e as Error).message }, 'ipfs retention: unpinning failed; will retry');
        }
      });
    }
    if (unpinned > 0) {
      logger?.info({ unpinned, kept: this.#records.size }, 'ipfs retention: released finalized batch data');
      this.#gcPending = true;
    }
    if (this.#gcPending && this.#deps.collectGarbage) {
      try {
        this.#gcPending = (await this.#deps.collectGarbage()) === false;
      } catch (e) {
        logger?.warn({ err: (e as Error).message }, 'ipfs retention: garbage collection failed; will retry');
      }
    }
    return unpinned;
  }

  /** Sweeps every `intervalMs` until `stop()`. */
  start(intervalMs: number): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.sweep().catch((e: unknown) => this.#deps.logger?.warn({ err: (e as Error).message }, 'ipfs retention: sweep failed'));
    }, intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a running sweep, queued work and pending writes. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#sweeping?.catch(() => undefined);
    await this.#serial;
    await this.#writes;
  }

  #put(record: RetentionRecord): Promise<void> {
    this.#records.set(record.cid, record);
    return this.#enqueue(() => this.#deps.datastore.put(new Key(`${PREFIX}/${record.cid}`), new TextEncoder().encode(JSON.stringify(record))));
  }

  #delete(cid: string): Promise<void> {
    this.#records.delete(cid);
    return this.#enqueue(() => this.#deps.datastore.delete(new Key(`${PREFIX}/${cid}`)));
  }

  #enqueue(write: () => unknown): Promise<void> {
    const next = this.#writes.then(write).then(() => undefined);
    this.#writes = next.catch(() => undefined);
    return next;
  }
}
