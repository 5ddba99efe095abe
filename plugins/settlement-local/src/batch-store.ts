import { ClassicLevel } from 'classic-level';
import { MetisError, type Batch } from '@metis/core';
import { BATCH_RANGE, batchKey, decodeRecord, encodeRecord, type BatchRecord } from './batch-record.js';

/**
 * The batches, in a LevelDB and in memory. Each batch is one key holding one JSON value, so every write
 * of a batch is atomic; a write touching several batches is one `db.batch`. Writes are synced, so a batch
 * the store reported written survives a crash. Callers that read, decide and write wrap that in
 * `exclusive` so two such sequences never interleave.
 */
export class BatchStore {
  private db?: ClassicLevel<string, string>;
  private records: BatchRecord[] = [];
  private lock: Promise<unknown> = Promise.resolve();
  private safeThrough = 0n;
  private finalThrough = 0n;

  /** Opens (creating if needed) the database at `location` and loads every batch, checking they chain. */
  async open(location: string): Promise<void> {
    if (this.db) return;
    const db = new ClassicLevel<string, string>(location, { valueEncoding: 'utf8' });
    await db.open();
    try {
      const records: BatchRecord[] = [];
      for await (const [key, value] of db.iterator(BATCH_RANGE)) {
        records.push(checked(key, value, records[records.length - 1]));
      }
      this.records = records;
      for (const record of records) this.track(record.batch);
    } catch (e) {
      await db.close();
      throw e;
    }
    this.db = db;
  }

  /** Waits for writes under way, then closes. Idempotent. */
  async close(): Promise<void> {
    const db = this.db;
    if (!db) return;
    this.db = undefined;
    await this.lock;
    await db.close();
  }

  get isOpen(): boolean {
    return this.db !== undefined;
  }

  /** Every batch, oldest first. */
  all(): readonly BatchRecord[] {
    return this.records;
  }

  get(index: bigint): BatchRecord | undefined {
    return index < 0n ? undefined : this.records[Number(index)];
  }

  last(): BatchRecord | undefined {
    return this.records[this.records.length - 1];
  }

  /** The last block of the newest batch; 0 (genesis, never batched) when there is none. */
  lastBlock(): bigint {
    return this.last()?.batch.lastBlock ?? 0n;
  }

  /** The newest batches still unsafe, oldest first (statuses only move forward, batch by batch). */
  unsafe(): Batch[] {
    const out: Batch[] = [];
    for (let i = this.records.length - 1; i >= 0 && this.records[i]!.batch.status === 'unsafe'; i--) {
      out.unshift(this.records[i]!.batch);
    }
    return out;
  }

  /** Last block of the newest safe-or-finalized batch, 0 when none. */
  safeBlock(): bigint {
    return this.safeThrough;
  }

  /** Last block of the newest finalized batch, 0 when none. */
  finalizedBlock(): bigint {
    return this.finalThrough;
  }

  /** Runs `fn` after every earlier `exclusive` call has settled, and before any later one starts. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Writes records durably (one atomic write), then shows them in memory. Each record replaces the batch
   * with its index, or appends the next one. Call inside `exclusive`.
   */
  async write(records: readonly BatchRecord[]): Promise<void> {
    const db = this.db;
    if (!db) throw new MetisError('NODE_STATE', { action: 'write a batch', state: 'the batch store is closed' });
    if (records.length === 0) return;
    let next = BigInt(this.records.length);
    for (const { batch } of records) {
      if (batch.index > next) throw new Error(`batch ${batch.index} would leave a gap after batch ${next - 1n}`);
      if (batch.index === next) next += 1n;
    }
    if (records.length === 1) {
      const [record] = records;
      await db.put(batchKey(record!.batch.index), encodeRecord(record!), { sync: true });
    } else {
      const ops = records.map((r) => ({ type: 'put' as const, key: batchKey(r.batch.index), value: encodeRecord(r) }));
      await db.batch(ops, { sync: true });
    }
    for (const record of records) {
      this.records[Number(record.batch.index)] = record;
      this.track(record.batch);
    }
  }

  private track(batch: Batch): void {
    if (batch.status !== 'unsafe' && batch.lastBlock > this.safeThrough) this.safeThrough = batch.lastBlock;
    if (batch.status === 'finalized' && batch.lastBlock > this.finalThrough) this.finalThrough = batch.lastBlock;
  }
}

/** Decodes one stored batch and checks it continues `previous`; STORAGE_CORRUPT otherwise. */
function checked(key: string, value: string, previous: BatchRecord | undefined): BatchRecord {
  const corrupt = (reason: string): MetisError => new MetisError('STORAGE_CORRUPT', { key, reason });
  let record: BatchRecord;
  try {
    record = decodeRecord(value);
  } catch (e) {
    throw corrupt(e instanceof Error ? e.message : String(e));
  }
  const { batch } = record;
  const index = previous ? previous.batch.index + 1n : 0n;
  const firstBlock = previous ? previous.batch.lastBlock + 1n : 1n;
  if (key !== batchKey(batch.index)) throw corrupt(`holds batch ${batch.index}`);
  if (batch.index !== index) throw corrupt(`batch ${batch.index} found where batch ${index} belongs`);
  if (batch.firstBlock !== firstBlock) throw corrupt(`batch starts at block ${batch.firstBlock}, expected ${firstBlock}`);
  if (batch.lastBlock < batch.firstBlock || BigInt(batch.blockHashes.length) !== batch.lastBlock - batch.firstBlock + 1n) {
    throw corrupt(`blocks ${batch.firstBlock}..${batch.lastBlock} do not match ${batch.blockHashes.length} block hashes`);
  }
  if (batch.status !== 'unsafe' && record.safeAt === undefined) throw corrupt(`${batch.status} batch without a safe time`);
  if (previous && rank(batch.status) > rank(previous.batch.status)) {
    throw corrupt(`batch is ${batch.status} while batch ${previous.batch.index} is ${previous.batch.status}`);
  }
  return record;
}

const rank = (status: Batch['status']): number => (status === 'unsafe' ? 0 : status === 'safe' ? 1 : 2);
