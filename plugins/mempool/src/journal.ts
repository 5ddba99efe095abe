import { ClassicLevel } from 'classic-level';
import { bytesToHex, hexToBytes } from '@ethereumjs/util';
import type { Hex, TxSource } from '@metis/core';

/** One accepted transaction as stored: key = hash, value = version, source, arrival order, raw bytes. */
export interface JournalRecord {
  readonly hash: Hex;
  /** The hash as bytes, when the caller has them (saves a hex decode). */
  readonly key?: Uint8Array;
  readonly raw: Uint8Array;
  readonly source: TxSource;
  readonly seq: number;
}

/** What the store held: records in arrival order, and keys it could not read (to delete). */
export interface JournalContents {
  readonly records: JournalRecord[];
  readonly corrupt: Hex[];
}

const VERSION = 1;
const HEADER = 10; // version (1) + source (1) + seq (8, big-endian)
const SOURCES: readonly TxSource[] = ['rpc', 'l1', 'peer', 'system'];

/** Above this many queued operations a batch is written at once instead of at the end of the turn. */
export const FLUSH_THRESHOLD = 500;

type Op = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

interface Group {
  readonly ops: Op[];
  readonly done: Promise<void>;
  resolve(): void;
  reject(e: unknown): void;
}

function newGroup(): Group {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A group nobody awaits (deletes only) must not surface as an unhandled rejection.
  done.catch(() => undefined);
  return { ops: [], done, resolve, reject };
}

export function encodeRecord(r: JournalRecord): Uint8Array {
  const out = new Uint8Array(HEADER + r.raw.length);
  out[0] = VERSION;
  out[1] = SOURCES.indexOf(r.source);
  new DataView(out.buffer).setBigUint64(2, BigInt(r.seq));
  out.set(r.raw, HEADER);
  return out;
}

export function decodeRecord(hash: Hex, value: Uint8Array): JournalRecord | undefined {
  if (value.length <= HEADER || value[0] !== VERSION) return undefined;
  const source = SOURCES[value[1]!];
  if (!source) return undefined;
  const seq = Number(new DataView(value.buffer, value.byteOffset, value.byteLength).getBigUint64(2));
  return { hash, source, seq, raw: value.slice(HEADER) };
}

/**
 * The pool's write-ahead journal in LevelDB. Writes are grouped: every put and delete queued during one
 * event-loop turn (or until FLUSH_THRESHOLD wait) goes out as one `batch()`, and each caller's promise
 * resolves once the batch holding its operations is written. One batch is in flight at a time, so
 * operations reach the store in the order they were queued. Writes are not fsynced: they survive a killed
 * process, not a power cut.
 */
export class Journal {
  private current: Group = newGroup();
  private scheduled = false;
  /** The batch being written, if any. */
  private inflight?: Promise<void>;
  private closing?: Promise<void>;

  private constructor(private readonly db: ClassicLevel<Uint8Array, Uint8Array>) {}

  static async open(dir: string): Promise<Journal> {
    const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
    await db.open();
    return new Journal(db);
  }

  /** Everything stored, oldest arrival first. */
  async load(): Promise<JournalContents> {
    const records: JournalRecord[] = [];
    const corrupt: Hex[] = [];
    for await (const [key, value] of this.db.iterator()) {
      const hash = bytesToHex(key) as Hex;
      const record = key.length === 32 ? decodeRecord(hash, value) : undefined;
      if (record) records.push(record);
      else corrupt.push(hash);
    }
    records.sort((a, b) => a.seq - b.seq);
    return { records, corrupt };
  }

  /** Queues puts and deletes to be written together; resolves when they are stored. */
  write(puts: readonly JournalRecord[], dels: readonly Hex[] = []): Promise<void> {
    if (this.closing) return Promise.reject(new Error('journal is closed'));
    if (puts.length === 0 && dels.length === 0) return Promise.resolve();
    const group = this.current;
    for (const hash of dels) group.ops.push({ type: 'del', key: hexToBytes(hash) });
    for (const r of puts) group.ops.push({ type: 'put', key: r.key ?? hexToBytes(r.hash), value: encodeRecord(r) });
    this.schedule();
    return group.done;
  }

  /** Writes what is queued, waits for it, and closes the store. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (;;) {
        if (this.inflight) await this.inflight;
        else if (this.current.ops.length > 0) this.flush();
        else break;
      }
      await this.db.close();
    })();
    return this.closing;
  }

  private schedule(): void {
    if (this.inflight) return; // the running batch flushes the next group when it ends
    if (this.current.ops.length >= FLUSH_THRESHOLD) {
      this.flush();
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        if (!this.inflight) this.flush();
      });
    }
  }

  private flush(): void {
    const group = this.current;
    if (group.ops.length === 0) return;
    this.current = newGroup();
    this.inflight = this.db.batch(group.ops).then(
      () => this.finish(group, undefined),
      (e: unknown) => this.finish(group, e ?? new Error('journal write failed')),
    );
  }

  private finish(group: Group, error: unknown): void {
    this.inflight = undefined;
    if (error === undefined) group.resolve();
    else group.reject(error);
    // Whatever queued while this batch was written has waited long enough.
    if (this.current.ops.length > 0) this.flush();
  }
}
