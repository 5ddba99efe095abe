import { ClassicLevel } from 'classic-level';
import type { Hex } from '@metis/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Journal, decodeRecord, encodeRecord, type JournalRecord } from './journal.js';
import { FakeEvmState, testCommon } from './testing/fake-state.js';
import { journalHashes, openPool, removeTempDirs, sealedBlock, tempDir, template } from './testing/harness.js';
import { ETH, GWEI, Wallet } from './testing/wallets.js';

const common = testCommon();
const [alice, bob, carol] = [1, 2, 3].map((i) => new Wallet(i)) as [Wallet, Wallet, Wallet];

function fundedState(): FakeEvmState {
  const state = new FakeEvmState(common);
  for (const w of [alice, bob, carol]) state.set(w.address, { balance: 10n * ETH });
  return state;
}

const hash = (i: number): Hex => `0x${i.toString(16).padStart(64, '0')}` as Hex;
const record = (i: number): JournalRecord => ({ hash: hash(i), raw: Uint8Array.of(0xc0, i), source: 'rpc', seq: i });

afterEach(async () => {
  vi.restoreAllMocks();
  await removeTempDirs();
});

describe('Journal', () => {
  it('encodes records with their source and arrival order', () => {
    const r: JournalRecord = { hash: hash(1), raw: Uint8Array.of(1, 2, 3), source: 'l1', seq: 2 ** 40 + 7 };
    expect(decodeRecord(r.hash, encodeRecord(r))).toEqual(r);
    expect(decodeRecord(r.hash, Uint8Array.of(9, 9))).toBeUndefined();
  });

  it('groups the writes of one turn into one batch and resolves each after it is stored', async () => {
    const journal = await Journal.open(await tempDir());
    const batch = vi.spyOn(ClassicLevel.prototype, 'batch');
    const writes = Array.from({ length: 300 }, (_, i) => journal.write([record(i)]));
    expect(batch).not.toHaveBeenCalled();
    await Promise.all(writes);
    expect(batch).toHaveBeenCalledTimes(1);
    expect((await journal.load()).records).toHaveLength(300);
    await journal.close();
  });

  it('writes at once when 500 operations wait, and keeps order across batches', async () => {
    const journal = await Journal.open(await tempDir());
    const batch = vi.spyOn(ClassicLevel.prototype, 'batch');
    const writes = Array.from({ length: 1200 }, (_, i) => journal.write([record(i)]));
    expect(batch).toHaveBeenCalledTimes(1); // the first 500 went out without waiting for the turn to end
    // A delete queued after a put of the same key lands after it.
    writes.push(journal.write([], [hash(3)]));
    await Promise.all(writes);
    expect(batch.mock.calls.length).toBeLessThanOrEqual(3);
    const { records } = await journal.load();
    expect(records).toHaveLength(1199);
    expect(records.map((r) => r.seq)).toEqual([...Array(1200).keys()].filter((i) => i !== 3));
    await journal.close();
  });

  it('close flushes pending writes, is idempotent, and refuses later writes', async () => {
    const dir = await tempDir();
    const journal = await Journal.open(dir);
    const pending = journal.write([record(1), record(2)]);
    const closed = journal.close();
    expect(journal.close()).toBe(closed);
    await closed;
    await pending;
    await expect(journal.write([record(3)])).rejects.toThrow(/closed/);
    const reopened = await Journal.open(dir);
    expect((await reopened.load()).records.map((r) => r.seq)).toEqual([1, 2]);
    await reopened.close();
  });
});

describe('mempool durability', () => {
  it('acknowledges a transaction only after its journal batch is written', async () => {
    const h = await openPool({}, fundedState());
    let stored = false;
    const original = ClassicLevel.prototype.batch;
    vi.spyOn(ClassicLevel.prototype, 'batch').mockImplementation(function (this: ClassicLevel<Uint8Array, Uint8Array>, ...args: unknown[]) {
      return new Promise((resolve) => setTimeout(resolve, 30)).then(() =>
        (original as (...a: unknown[]) => Promise<void>).apply(this, args).then(() => {
          stored = true;
        }),
      );
    } as never);
    const tx = await h.ingest(alice.eip1559(common));
    expect(stored).toBe(true);
    expect(h.pool.get(tx.hash)).toBe(tx);
    await h.stop();
  });

  it('rejects, and forgets, a transaction whose journal write fails', async () => {
    const h = await openPool({}, fundedState());
    vi.spyOn(ClassicLevel.prototype, 'batch').mockRejectedValueOnce(new Error('disk on fire') as never);
    const err = await h.reject(alice.eip1559(common));
    expect(err.is('RPC_INTERNAL')).toBe(true);
    expect(h.pool.size).toBe(0);
    expect(h.pending).toHaveLength(0);
    // The same transaction goes through once the store works again.
    await h.ingest(alice.eip1559(common));
    expect(h.pool.size).toBe(1);
    await h.stop();
  });

  it('writes a JSON-RPC-sized burst from many senders in a few batches', async () => {
    const state = new FakeEvmState(common);
    const wallets = Array.from({ length: 40 }, (_, i) => new Wallet(100 + i));
    for (const w of wallets) state.set(w.address, { balance: ETH });
    const raws = wallets.flatMap((w) => [0n, 1n].map((nonce) => w.eip1559(common, { nonce })));
    const h = await openPool({}, state);
    const batch = vi.spyOn(ClassicLevel.prototype, 'batch');
    await Promise.all(raws.map((raw) => h.ingest(raw)));
    expect(h.pool.executableCount).toBe(80);
    expect(batch.mock.calls.length).toBeLessThanOrEqual(3);
    await h.stop();
  });
});

describe('restart', () => {
  it('close and reopen on the same dir gives the same pool', async () => {
    const state = fundedState();
    const h = await openPool({}, state);
    await h.ingest(alice.eip1559(common, { nonce: 0n }));
    await h.ingest(alice.eip1559(common, { nonce: 1n, maxPriorityFeePerGas: GWEI / 2n }));
    await h.ingest(alice.eip1559(common, { nonce: 3n }));
    await h.ingest(bob.eip1559(common, { nonce: 0n, maxFeePerGas: 3n * GWEI, maxPriorityFeePerGas: 2n * GWEI }), 'l1');
    await h.ingest(carol.legacy(common, { nonce: 0n }), 'peer');
    const before = h.pool.select(template());
    await h.stop();
    await h.stop(); // idempotent

    const again = await openPool({}, state, h.dir);
    expect(again.pool.size).toBe(5);
    expect(again.pool.executableCount).toBe(4);
    const after = again.pool.select(template());
    expect(after.map((t) => [t.hash, t.source, t.sender, t.nonce])).toEqual(before.map((t) => [t.hash, t.source, t.sender, t.nonce]));
    expect(await again.pool.pendingNonce(alice.address)).toBe(2n);
    // Restored transactions are not announced again.
    expect(again.pending).toHaveLength(0);
    await again.stop();
  });

  it('rebuilds per-sender queues in arrival order, keeping replacements', async () => {
    const state = fundedState();
    const h = await openPool({}, state);
    await h.ingest(alice.eip1559(common, { nonce: 2n }));
    await h.ingest(alice.eip1559(common, { nonce: 1n }));
    const replaced = await h.ingest(alice.eip1559(common, { nonce: 0n }));
    const replacement = await h.ingest(alice.eip1559(common, { nonce: 0n, maxFeePerGas: 4n * GWEI, maxPriorityFeePerGas: 2n * GWEI }));
    await h.stop();

    const again = await openPool({}, state, h.dir);
    expect(again.pool.select(template()).map((t) => t.nonce)).toEqual([0n, 1n, 2n]);
    expect(again.pool.get(replacement.hash)).toBeDefined();
    expect(again.pool.get(replaced.hash)).toBeUndefined();
    await again.stop();
  });

  it('drops stale and no longer valid journal entries', async () => {
    const state = fundedState();
    const h = await openPool({}, state);
    const a0 = await h.ingest(alice.eip1559(common, { nonce: 0n }));
    const a1 = await h.ingest(alice.eip1559(common, { nonce: 1n }));
    const b0 = await h.ingest(bob.eip1559(common, { nonce: 0n }));
    const c0 = await h.ingest(carol.eip1559(common, { nonce: 0n }));
    await h.stop();

    // While the pool was down: a block mined alice's nonce 0 and emptied bob's account.
    state.set(alice.address, { nonce: 1n });
    state.set(bob.address, { balance: 0n });
    const again = await openPool({}, state, h.dir);
    expect(again.pool.get(a0.hash)).toBeUndefined();
    expect(again.pool.get(b0.hash)).toBeUndefined();
    expect(again.pool.select(template()).map((t) => t.hash).sort()).toEqual([a1.hash, c0.hash].sort());
    await again.stop();
    expect((await journalHashes(h.dir)).sort()).toEqual([a1.hash, c0.hash].sort());
  });

  it('deletes unreadable journal records', async () => {
    const state = fundedState();
    const h = await openPool({}, state);
    const a0 = await h.ingest(alice.eip1559(common, { nonce: 0n }));
    await h.stop();
    const db = new ClassicLevel<Uint8Array, Uint8Array>(h.dir, { keyEncoding: 'view', valueEncoding: 'view' });
    await db.put(Uint8Array.of(1, 2, 3), Uint8Array.of(4));
    await db.put(new Uint8Array(32).fill(7), encodeRecord({ hash: hash(9), raw: Uint8Array.of(0xde, 0xad), source: 'rpc', seq: 99 }));
    await db.close();

    const again = await openPool({}, state, h.dir);
    expect(again.pool.size).toBe(1);
    await again.stop();
    expect(await journalHashes(h.dir)).toEqual([a0.hash]);
  });

  it('a crash between block commit and onBlock leaves only stale entries, filtered at restart', async () => {
    const state = fundedState();
    const h = await openPool({}, state);
    const a0 = await h.ingest(alice.eip1559(common, { nonce: 0n }));
    const a1 = await h.ingest(alice.eip1559(common, { nonce: 1n }));
    await h.pool.onBlock(sealedBlock([]), []); // a block that included none of ours
    state.set(alice.address, { nonce: 1n }); // the next block mined a0 ... and the node died before onBlock
    await h.stop();
    const again = await openPool({}, state, h.dir);
    expect(again.pool.get(a0.hash)).toBeUndefined();
    expect(again.pool.select(template()).map((t) => t.hash)).toEqual([a1.hash]);
    await again.stop();
  });
});
