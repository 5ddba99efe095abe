import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus, rootMetisError, type Hex, type MetisError, type NodeEvents, type PooledTx, type SealedBlock, type TxSource } from '@metis/core';
import { Journal } from '../journal.js';
import { resolveMempoolOptions, type MempoolOptionsInput } from '../options.js';
import { Mempool } from '../pool.js';
import { FakeEvmState } from './fake-state.js';

const dirs: string[] = [];

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'metis-mempool-'));
  dirs.push(dir);
  return dir;
}

/** Removes every temp dir made so far (call in afterEach/afterAll). */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export interface Harness {
  readonly pool: Mempool;
  readonly state: FakeEvmState;
  readonly dir: string;
  readonly events: EventBus<NodeEvents>;
  /** Every `pending` event, in order. */
  readonly pending: PooledTx[];
  /** Runs the ingest provider; resolves with `ctx.accepted`. */
  ingest(raw: Uint8Array, source?: TxSource): Promise<PooledTx>;
  /** Expects ingest to fail; returns the (root) MetisError. */
  reject(raw: Uint8Array, source?: TxSource): Promise<MetisError>;
  stop(): Promise<void>;
}

/** A started pool on a fake state and a temp dir (or the given ones). */
export async function openPool(
  options: MempoolOptionsInput = {},
  state: FakeEvmState = new FakeEvmState(),
  dir?: string,
): Promise<Harness> {
  const events = new EventBus<NodeEvents>();
  const pending: PooledTx[] = [];
  events.on('pending', (tx) => pending.push(tx));
  const where = dir ?? (await tempDir());
  const pool = new Mempool(resolveMempoolOptions(options), { events });
  await pool.start(state, where);
  const ingest = async (raw: Uint8Array, source: TxSource = 'rpc'): Promise<PooledTx> => {
    const ctx: { raw: Uint8Array; source: TxSource; meta: Record<string, unknown>; accepted?: PooledTx } = { raw, source, meta: {} };
    await pool.ingest(ctx);
    if (!ctx.accepted) throw new Error('ingest resolved without ctx.accepted');
    return ctx.accepted;
  };
  const reject = async (raw: Uint8Array, source: TxSource = 'rpc'): Promise<MetisError> => {
    try {
      await ingest(raw, source);
    } catch (e) {
      const root = rootMetisError(e);
      if (!root) throw e;
      return root;
    }
    throw new Error('expected the transaction to be rejected');
  };
  return { pool, state, dir: where, events, pending, ingest, reject, stop: () => pool.stop() };
}

/** The hashes stored in a (closed) pool's journal, in arrival order. */
export async function journalHashes(dir: string): Promise<Hex[]> {
  const journal = await Journal.open(dir);
  try {
    return (await journal.load()).records.map((r) => r.hash);
  } finally {
    await journal.close();
  }
}

export function sealedBlock(txHashes: readonly Hex[], number = 1n): SealedBlock {
  const zero = `0x${'00'.repeat(32)}` as Hex;
  return { number, hash: zero, parentHash: zero, timestamp: number, stateRoot: zero, gasUsed: 0n, txHashes, depositCount: 0n };
}

export const template = (gasLimit = 30_000_000n) => ({ number: 1n, parentHash: `0x${'00'.repeat(32)}` as Hex, timestamp: 1n, gasLimit, depositCount: 0n });
