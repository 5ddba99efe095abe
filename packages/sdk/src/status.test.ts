import { describe, expect, it } from 'vitest';
import { isMetisError, type Hex } from '@metis/core';
import { EMPTY_WITHDRAWAL_ROOT, withdrawalHash, withdrawalRoot, type Withdrawal } from '@metis/l1';
import { findBatch, notFinalizableReason, statusOf, type SettlementReader, type StoredBatchView, type WithdrawalSource } from './status.js';
import type { L2Withdrawal } from './withdrawals.js';

const addr = (n: number): Hex => `0x${n.toString(16).padStart(40, '0')}` as Hex;
const w = (nonce: number, amount = 1000n): Withdrawal => ({ nonce: BigInt(nonce), sender: addr(1), to: addr(2), l1Token: addr(0), amount });
const located = (withdrawal: Withdrawal, l2Block: number): L2Withdrawal => ({ withdrawal, hash: withdrawalHash(withdrawal), l2Block, l2TxHash: `0x${'11'.repeat(32)}` });

/**
 * A fake chain: batches given by their last L2 block, withdrawals by L2 block; batches before `finalBelow`
 * are final; `paid` hashes are finalized on L1. Counts the reads.
 */
function fakeChain(options: { lastBlocks: number[]; withdrawals?: Record<number, Withdrawal[]>; finalBelow?: number; paid?: Hex[]; window?: bigint; wrongRootAt?: number }) {
  const byBlock = options.withdrawals ?? {};
  const inRange = (from: bigint, to: bigint): Withdrawal[] =>
    Object.entries(byBlock)
      .filter(([b]) => BigInt(b) >= from && BigInt(b) <= to)
      .sort(([a], [b]) => Number(a) - Number(b))
      .flatMap(([, ws]) => ws);
  const batches: StoredBatchView[] = options.lastBlocks.map((last, i) => {
    const first = i === 0 ? 1 : options.lastBlocks[i - 1]! + 1;
    const root = i === options.wrongRootAt ? (`0x${'ee'.repeat(32)}` as Hex) : withdrawalRoot(inRange(BigInt(first), BigInt(last)));
    return { lastBlock: BigInt(last), newStateRoot: `0x${String(i).padStart(64, '0')}` as Hex, withdrawalRoot: root, appendedAt: 1000n + BigInt(i) * 10n };
  });
  const reads = { getBatch: 0, withdrawalsIn: 0 };
  const reader: SettlementReader = {
    nextBatchIndex: async () => BigInt(batches.length),
    getBatch: async (i) => {
      reads.getBatch++;
      const b = batches[Number(i)];
      if (!b) throw new Error(`BatchNotFound(${i})`);
      return b;
    },
    isFinalized: async (i) => Number(i) < (options.finalBelow ?? 0),
    challengeWindow: async () => options.window ?? 5n,
    isWithdrawalFinalized: async (hash) => (options.paid ?? []).includes(hash),
  };
  const source: WithdrawalSource = {
    withdrawalsIn: async (from, to) => {
      reads.withdrawalsIn++;
      return inRange(from, to);
    },
  };
  return { reader, source, reads };
}

describe('findBatch', () => {
  it('finds the batch of every block by binary search, and none past the last batch', async () => {
    const lastBlocks = [3, 4, 10, 11, 12, 40, 41, 100];
    const { reader, reads } = fakeChain({ lastBlocks, finalBelow: 5 });
    for (let block = 1; block <= 100; block++) {
      const b = await findBatch(reader, BigInt(block));
      const expected = lastBlocks.findIndex((last) => last >= block);
      expect(b?.index, `block ${block}`).toBe(BigInt(expected));
      expect(b!.firstBlock <= BigInt(block) && BigInt(block) <= b!.lastBlock).toBe(true);
      expect(b!.firstBlock).toBe(expected === 0 ? 1n : BigInt(lastBlocks[expected - 1]! + 1));
      expect(b!.final).toBe(expected < 5);
      expect(b!.finalAt).toBe(b!.appendedAt + 5n);
    }
    expect(await findBatch(reader, 101n)).toBeUndefined();
    expect(await findBatch(reader, 0n)).toBeUndefined();
    // O(log n) reads per lookup: at most 1 (last) + ceil(log2(8)) + 1 (previous) per call.
    reads.getBatch = 0;
    await findBatch(reader, 42n);
    expect(reads.getBatch).toBeLessThanOrEqual(5);
  });

  it('returns nothing while no batch is appended', async () => {
    expect(await findBatch(fakeChain({ lastBlocks: [] }).reader, 1n)).toBeUndefined();
  });
});

describe('statusOf', () => {
  const a = w(0);
  const b = w(1, 5n);
  const c = w(2, 7n);
  const chain = () => fakeChain({ lastBlocks: [5, 10], withdrawals: { 3: [a], 7: [b, c] }, finalBelow: 1 });

  it('is unsafe before the batch, safe while its window runs, finalizable once final, with a proof that checks', async () => {
    const { reader, source } = chain();
    const late = w(3);
    expect((await statusOf(reader, source, located(late, 11))).status).toBe('unsafe');

    const safe = await statusOf(reader, source, located(b, 7));
    expect(safe.status).toBe('safe');
    expect(safe.batchIndex).toBe(1n);
    expect(safe.batch).toMatchObject({ index: 1n, firstBlock: 6n, lastBlock: 10n, final: false, finalAt: 1015n });
    expect(safe.proof).toHaveLength(1); // two leaves

    const finalizable = await statusOf(reader, source, located(a, 3));
    expect(finalizable.status).toBe('finalizable');
    expect(finalizable.batchIndex).toBe(0n);
    expect(finalizable.proof).toEqual([]); // the batch's only withdrawal: root == leaf
    expect(finalizable.withdrawal).toBe(a);
  });

  it('is finalized once paid on L1, without reading L2', async () => {
    const { reader, source, reads } = fakeChain({ lastBlocks: [5], withdrawals: { 3: [a] }, finalBelow: 1, paid: [withdrawalHash(a)] });
    const s = await statusOf(reader, source, located(a, 3));
    expect(s.status).toBe('finalized');
    expect(s.proof).toBeUndefined();
    expect(reads.withdrawalsIn).toBe(0);
  });

  it('refuses when the L2 withdrawals do not give the root the batch carries on L1', async () => {
    const { reader, source } = fakeChain({ lastBlocks: [5], withdrawals: { 3: [a] }, finalBelow: 1, wrongRootAt: 0 });
    const error = await statusOf(reader, source, located(a, 3)).catch((e: unknown) => e);
    expect(isMetisError(error, 'BATCH_INVALID')).toBe(true);
    expect(String(error)).toMatch(/L2 endpoint/);
  });

  it('refuses a withdrawal the batch does not hold', async () => {
    const { reader, source } = chain();
    const stranger = w(9);
    const error = await statusOf(reader, source, located(stranger, 3)).catch((e: unknown) => e);
    expect(isMetisError(error, 'BATCH_INVALID')).toBe(true);
  });

  it('a batch without withdrawals has the zero root', async () => {
    const { reader } = fakeChain({ lastBlocks: [5] });
    expect((await reader.getBatch(0n)).withdrawalRoot).toBe(EMPTY_WITHDRAWAL_ROOT);
  });
});

describe('notFinalizableReason', () => {
  const base = { withdrawal: w(4) };
  it('says why, with the time left for a safe withdrawal', () => {
    expect(notFinalizableReason({ ...base, status: 'unsafe' })).toMatch(/withdrawal 4 is not in a batch on L1 yet/);
    const batch = { index: 3n, firstBlock: 1n, lastBlock: 2n, stateRoot: '0x' as Hex, withdrawalRoot: '0x' as Hex, appendedAt: 100n, finalAt: 110n, final: false };
    expect(notFinalizableReason({ ...base, status: 'safe', batch }, 104)).toBe('withdrawal 4 is in batch 3 whose challenge window is still running (safe, final in about 6 s)');
    expect(notFinalizableReason({ ...base, status: 'safe', batch }, 200)).toMatch(/final once no challenge holds it/);
    expect(notFinalizableReason({ ...base, status: 'finalized' })).toMatch(/already finalized/);
  });
});
