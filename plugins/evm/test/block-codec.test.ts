import { createBlockHeader } from '@ethereumjs/block';
import { RLP } from '@ethereumjs/rlp';
import { hexToBytes } from '@ethereumjs/util';
import { isMetisError, type Hex } from '@metis/core';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeBlock, decodeTxLocation, encodeBlock, type StoredBlock } from '../src/storage/block-codec.js';
import { keys, u64 } from '../src/storage/keys.js';
import { ADDRS, deposit, openChain, tempDir } from './helpers.js';

const log = (n: number): [Uint8Array, Uint8Array[], Uint8Array] => [new Uint8Array(20).fill(n), [new Uint8Array(32).fill(n)], Uint8Array.of(n, n)];

function sample(): StoredBlock {
  return {
    header: Uint8Array.of(0xc0),
    txs: [Uint8Array.of(1, 2, 3)],
    receipts: [{ status: 0, cumulativeGasUsed: 21_000n, gasUsed: 21_000n, logs: [log(1)], contractAddress: new Uint8Array(20).fill(9) }],
    senders: [new Uint8Array(20).fill(7)],
    deposits: [
      { deposit: deposit(4n, ADDRS[1]!, 10n ** 30n, { tokenMeta: '0xbeef' }), status: 1, gasUsed: 50_000n, logs: [log(2), log(3)] },
      { deposit: deposit(5n, ADDRS[0]!, 0n, { l1Token: `0x${'22'.repeat(20)}` }), status: 0, gasUsed: 5_000_000n, logs: [] },
    ],
  };
}

const corrupt = (f: () => unknown): boolean => {
  try {
    f();
    return false;
  } catch (e) {
    return isMetisError(e, 'STORAGE_CORRUPT');
  }
};

describe('block codec', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('round-trips a block with its deposits and their outcomes', () => {
    const b = sample();
    const decoded = decodeBlock(encodeBlock(b));
    expect(decoded).toEqual(b);
    expect(decoded.deposits[0]!.deposit.to).toBe(ADDRS[1]!.toLowerCase());
    expect(decodeBlock(encodeBlock({ ...b, deposits: [] })).deposits).toEqual([]);
  });

  it('refuses malformed bytes with STORAGE_CORRUPT', () => {
    const good = encodeBlock(sample());
    const items = RLP.decode(good) as unknown as unknown[];
    const withItem = (i: number, v: unknown) => RLP.encode(items.map((x, j) => (j === i ? v : x)) as never);
    const depositItem = (k: number, v: unknown) => {
      const deposits = (items[4] as unknown[][]).map((d, i) => (i === 0 ? d.map((x, j) => (j === k ? v : x)) : d));
      return withItem(4, deposits);
    };
    const cases: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['truncated', good.subarray(0, good.length - 1)],
      ['trailing bytes', Uint8Array.from([...good, 0])],
      ['not a list', RLP.encode(Uint8Array.of(1))],
      ['the old four-item format', RLP.encode(items.slice(0, 4) as never)],
      ['six items', RLP.encode([...items, new Uint8Array(0)] as never)],
      ['a sender of 19 bytes', withItem(3, [new Uint8Array(19)])],
      ['more senders than txs', withItem(3, [new Uint8Array(20), new Uint8Array(20)])],
      ['a receipt status of 2', withItem(2, [[Uint8Array.of(2), Uint8Array.of(1), Uint8Array.of(1), [], new Uint8Array(0)]])],
      ['a gas value with a leading zero', withItem(2, [[Uint8Array.of(1), Uint8Array.of(0, 1), Uint8Array.of(1), [], new Uint8Array(0)]])],
      ['a log topic of 31 bytes', withItem(2, [[Uint8Array.of(1), Uint8Array.of(1), Uint8Array.of(1), [[new Uint8Array(20), [new Uint8Array(31)], new Uint8Array(0)]], new Uint8Array(0)]])],
      ['a deposit address of 21 bytes', depositItem(3, new Uint8Array(21))],
      ['a deposit amount of 33 bytes', depositItem(5, new Uint8Array(33).fill(1))],
      ['a deposit status of 7', depositItem(7, Uint8Array.of(7))],
      ['a deposit with 9 fields', withItem(4, [(items[4] as unknown[][])[0]!.slice(0, 9)])],
      ['deposits out of order', withItem(4, [(items[4] as unknown[][])[1], (items[4] as unknown[][])[0]])],
    ];
    for (const [what, bytes] of cases) expect(corrupt(() => decodeBlock(bytes, 'block 1')), what).toBe(true);
    expect(corrupt(() => decodeTxLocation(Uint8Array.of(1, 2)))).toBe(true);
  });

  it('reports a corrupt stored block as STORAGE_CORRUPT when it is read', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const chain = await openChain(dir);
    cleanups.unshift(() => chain.close());
    await chain.level.put(keys.block(7n), hexToBytes('0xc3010203' as Hex));
    await expect(chain.store.block(7n)).rejects.toSatisfy((e: unknown) => isMetisError(e, 'STORAGE_CORRUPT'));
    // A header whose extraData is not an 8-byte deposit count is corrupt too (every block after the genesis has one).
    const stored = (await chain.store.block(0n))!.stored;
    const header = (extraData: Uint8Array) =>
      createBlockHeader({ number: 8n, extraData, baseFeePerGas: 1n }, { common: chain.common, skipConsensusFormatValidation: true }).serialize();
    await chain.level.put(keys.block(8n), encodeBlock({ ...stored, header: header(new Uint8Array(0)) }));
    await expect(chain.store.block(8n)).rejects.toSatisfy((e: unknown) => isMetisError(e, 'STORAGE_CORRUPT') && /deposit count/.test((e as Error).message));
    await chain.level.put(keys.block(8n), encodeBlock({ ...stored, header: header(u64(0n)) }));
    expect((await chain.store.block(8n))?.depositCount).toBe(0n);
  });
});
