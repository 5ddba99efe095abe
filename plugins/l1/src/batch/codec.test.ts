import { deflateSync, inflateSync } from 'node:zlib';
import { RLP } from '@ethereumjs/rlp';
import { isMetisError, type BlockBody, type BlockImport, type Deposit, type Hex } from '@metis/core';
import { describe, expect, it } from 'vitest';
import { BATCH_VERSION, decodeBatch, encodeBatch } from './codec.js';

const addr = (n: number): Hex => `0x${n.toString(16).padStart(40, '0')}`;

function deposit(index: bigint, overrides: Partial<Deposit> = {}): Deposit {
  return { index, l1Block: 100n + index, from: addr(0xa1), to: addr(0xb2), l1Token: addr(0), amount: 10n ** 18n + index, tokenMeta: '0x', ...overrides };
}

function block(number: bigint, deposits: Deposit[] = [], txs: Uint8Array[] = []): BlockBody {
  return { number, timestamp: 1_700_000_000n + number, gasLimit: 30_000_000n, coinbase: addr(0xc0), deposits, txs, logs: [] };
}

const withoutLogs = ({ logs: _logs, ...rest }: BlockBody): BlockImport => rest;

/** Anything but BATCH_INVALID (or a success) fails the test. */
function decodeOrInvalid(bytes: Uint8Array, maxDecompressedBytes?: number): 'ok' | 'invalid' {
  try {
    decodeBatch(bytes, { maxDecompressedBytes });
    return 'ok';
  } catch (e) {
    if (isMetisError(e, 'BATCH_INVALID')) return 'invalid';
    throw e;
  }
}

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isMetisError(e, 'BATCH_INVALID')) return String(e.args.reason);
    throw e;
  }
  throw new Error('expected BATCH_INVALID');
}

/** A batch from raw RLP (to reach the checks after inflating). */
const fromRlp = (items: unknown): Uint8Array => Uint8Array.from([BATCH_VERSION, ...deflateSync(RLP.encode(items as never))]);
function u(n: number | bigint): Uint8Array {
  if (BigInt(n) === 0n) return new Uint8Array();
  const hex = BigInt(n).toString(16);
  return Uint8Array.from(Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex'));
}
const a = (n: number): Uint8Array => Uint8Array.from(Buffer.from(addr(n).slice(2), 'hex'));
const rawBlock = (number: number, deposits: unknown[] = [], txs: unknown[] = []): unknown[] => [u(number), u(1), u(30_000_000), a(0xc0), deposits, txs];
const rawDeposit = (index: number): unknown[] => [u(index), u(5), a(1), a(2), a(0), u(7), new Uint8Array()];

describe('batch codec', () => {
  const sample: BlockBody[] = [
    block(10n, [deposit(4n), deposit(5n, { l1Token: addr(0x70c), tokenMeta: '0x0102ff' })], [Uint8Array.of(2, 1, 2, 3), Uint8Array.of(0xf8, 0)]),
    block(11n),
    block(12n, [deposit(6n, { amount: (1n << 256n) - 1n })], [Uint8Array.of(1)]),
  ];

  it('round-trips blocks, deposits and raw transactions; logs are not encoded', () => {
    const withLogs = sample.map((b) => ({ ...b, logs: [{ address: addr(1), topics: [], data: '0x' as Hex, txIndex: 0 }] }));
    const bytes = encodeBatch(withLogs);
    expect(bytes[0]).toBe(BATCH_VERSION);
    const decoded = decodeBatch(bytes);
    expect(decoded).toEqual(sample.map(withoutLogs));
    expect(decoded[0]).not.toHaveProperty('logs');
    expect(encodeBatch(decoded)).toEqual(bytes);
  });

  it('round-trips zero values and the uint64 / uint256 maxima', () => {
    const edge: BlockBody[] = [
      { ...block(0n, [deposit(0n, { l1Block: 0n, amount: 0n })]), timestamp: 0n, gasLimit: 0n },
      { ...block(1n, [deposit(1n, { l1Block: 2n ** 64n - 1n, amount: 2n ** 256n - 1n })]), timestamp: 2n ** 64n - 1n },
    ];
    expect(decodeBatch(encodeBatch(edge))).toEqual(edge.map(withoutLogs));
  });

  it('takes a compression level', () => {
    const txs = Array.from({ length: 50 }, () => new Uint8Array(200).fill(7));
    const stored = encodeBatch([block(1n, [], txs)], { level: 0 });
    const best = encodeBatch([block(1n, [], txs)], { level: 9 });
    expect(stored.length).toBeGreaterThan(best.length * 10);
    expect(decodeBatch(stored)).toEqual(decodeBatch(best));
  });

  it('refuses to encode what it would not decode', () => {
    expect(reason(() => encodeBatch([]))).toMatch(/at least one block/);
    expect(reason(() => encodeBatch([block(1n), block(3n)]))).toMatch(/expected 2/);
    expect(reason(() => encodeBatch([block(1n, [deposit(1n)]), block(2n, [deposit(3n)])]))).toMatch(/expected 2/);
    expect(reason(() => encodeBatch([{ ...block(1n), coinbase: '0x1234' }]))).toMatch(/coinbase/);
    expect(reason(() => encodeBatch([block(1n, [deposit(0n, { amount: 1n << 256n })])]))).toMatch(/amount/);
    expect(reason(() => encodeBatch([{ ...block(1n), timestamp: 1n << 64n }]))).toMatch(/timestamp/);
    expect(reason(() => encodeBatch([block(1n, [], [new Uint8Array()])]))).toMatch(/empty/);
  });

  it('refuses a wrong version, empty data, bad or trailing compressed data', () => {
    const good = encodeBatch(sample);
    expect(reason(() => decodeBatch(new Uint8Array()))).toMatch(/empty/);
    expect(reason(() => decodeBatch(Uint8Array.of(2, ...good.subarray(1))))).toMatch(/version 2/);
    expect(reason(() => decodeBatch(Uint8Array.of(BATCH_VERSION, 1, 2, 3, 4)))).toMatch(/compression/);
    expect(reason(() => decodeBatch(good.subarray(0, good.length - 3)))).toMatch(/compression/);
    expect(reason(() => decodeBatch(Uint8Array.of(...good, 0)))).toMatch(/after the compressed data/);
    // raw deflate (no zlib header/checksum) is not accepted
    expect(reason(() => decodeBatch(Uint8Array.of(BATCH_VERSION, ...(RLP.encode([]) as Uint8Array))))).toMatch(/compression/);
  });

  it('stops a zip bomb at the decompression limit without inflating it', () => {
    const bomb = Uint8Array.from([BATCH_VERSION, ...deflateSync(Buffer.alloc(70 * 1024 * 1024), { level: 9 })]);
    expect(bomb.length).toBeLessThan(100_000);
    const before = process.memoryUsage().arrayBuffers;
    expect(reason(() => decodeBatch(bomb))).toMatch(/more than 67108864 bytes/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(80 * 1024 * 1024);
    const small = encodeBatch([block(1n, [], [new Uint8Array(5_000).fill(1)])]);
    expect(reason(() => decodeBatch(small, { maxDecompressedBytes: 4_000 }))).toMatch(/more than 4000 bytes/);
    expect(decodeBatch(small, { maxDecompressedBytes: 6_000 })).toHaveLength(1);
  });

  it('refuses malformed RLP and wrong shapes', () => {
    const deflated = (rlp: Uint8Array): Uint8Array => Uint8Array.from([BATCH_VERSION, ...deflateSync(rlp)]);
    expect(reason(() => decodeBatch(deflated(Uint8Array.of(0xc5, 0x01))))).toMatch(/malformed RLP/);
    expect(reason(() => decodeBatch(deflated(Uint8Array.of(0xc0, 0xc0))))).toMatch(/malformed RLP/); // trailing item
    expect(reason(() => decodeBatch(deflated(Uint8Array.of(0x81, 0x05))))).toMatch(/malformed RLP/); // non-canonical byte
    expect(reason(() => decodeBatch(fromRlp(Uint8Array.of(1, 2))))).toMatch(/expected a list/);
    expect(reason(() => decodeBatch(fromRlp([])))).toMatch(/at least one block/);
    expect(reason(() => decodeBatch(fromRlp([rawBlock(1).slice(0, 5)])))).toMatch(/5 fields, expected 6/);
    expect(reason(() => decodeBatch(fromRlp([[...rawBlock(1), new Uint8Array()]])))).toMatch(/7 fields/);
    expect(reason(() => decodeBatch(fromRlp([[u(1), u(1), u(1), a(1), new Uint8Array(), []]])))).toMatch(/deposits is bytes/);
    expect(reason(() => decodeBatch(fromRlp([[u(1), u(1), u(1), a(1), [], [[]]]])))).toMatch(/tx 0 is a list/);
    expect(reason(() => decodeBatch(fromRlp([rawBlock(1, [], [new Uint8Array()])])))).toMatch(/tx 0 is empty/);
    expect(reason(() => decodeBatch(fromRlp([rawBlock(1, [rawDeposit(0).slice(0, 6)])])))).toMatch(/6 fields, expected 7/);
  });

  it('refuses wrong field sizes and non-canonical integers', () => {
    const withDeposit = (d: unknown[]): Uint8Array => fromRlp([rawBlock(1, [d])]);
    expect(reason(() => decodeBatch(fromRlp([[u(1), u(1), u(1), a(1).subarray(1), [], []]])))).toMatch(/coinbase is 19 bytes/);
    expect(reason(() => decodeBatch(fromRlp([[u(1), u(1), u(1), Uint8Array.of(...a(1), 0), [], []]])))).toMatch(/coinbase is 21 bytes/);
    const d = rawDeposit(0);
    expect(reason(() => decodeBatch(withDeposit([d[0], d[1], a(1).subarray(2), d[3], d[4], d[5], d[6]])))).toMatch(/from is 18 bytes/);
    expect(reason(() => decodeBatch(withDeposit([d[0], d[1], d[2], new Uint8Array(), d[4], d[5], d[6]])))).toMatch(/to is 0 bytes/);
    expect(reason(() => decodeBatch(withDeposit([d[0], d[1], d[2], d[3], new Uint8Array(32), d[5], d[6]])))).toMatch(/l1Token is 32 bytes/);
    expect(reason(() => decodeBatch(withDeposit([d[0], d[1], d[2], d[3], d[4], new Uint8Array(33).fill(1), d[6]])))).toMatch(/amount is 33 bytes/);
    expect(reason(() => decodeBatch(withDeposit([d[0], d[1], d[2], d[3], d[4], d[5], [new Uint8Array()]])))).toMatch(/tokenMeta is a list/);
    expect(reason(() => decodeBatch(fromRlp([[new Uint8Array(9).fill(1), u(1), u(1), a(1), [], []]])))).toMatch(/number is 9 bytes/);
    expect(reason(() => decodeBatch(fromRlp([[Uint8Array.of(0, 1), u(1), u(1), a(1), [], []]])))).toMatch(/leading zero/);
    expect(reason(() => decodeBatch(fromRlp([[u(1), u(1), Uint8Array.of(0), a(1), [], []]])))).toMatch(/leading zero/);
    expect(reason(() => decodeBatch(withDeposit([Uint8Array.of(0), d[1], d[2], d[3], d[4], d[5], d[6]])))).toMatch(/leading zero/);
  });

  it('refuses non-consecutive block numbers and non-contiguous deposit indices', () => {
    expect(reason(() => decodeBatch(fromRlp([rawBlock(5), rawBlock(7)])))).toMatch(/block 1 has number 7, expected 6/);
    expect(reason(() => decodeBatch(fromRlp([rawBlock(5), rawBlock(5)])))).toMatch(/expected 6/);
    expect(reason(() => decodeBatch(fromRlp([rawBlock(5, [rawDeposit(1), rawDeposit(3)])])))).toMatch(/index 3, expected 2/);
    expect(reason(() => decodeBatch(fromRlp([rawBlock(5, [rawDeposit(1)]), rawBlock(6, [rawDeposit(1)])])))).toMatch(/index 1, expected 2/);
    expect(decodeBatch(fromRlp([rawBlock(5, [rawDeposit(8)]), rawBlock(6), rawBlock(7, [rawDeposit(9), rawDeposit(10)])]))).toHaveLength(3);
  });

  it('names the batch index in the error when given', () => {
    expect(() => decodeBatch(Uint8Array.of(9), { index: 42n })).toThrow(/Invalid batch 42: unknown version 9/);
    expect(() => decodeBatch(Uint8Array.of(9))).toThrow(/Invalid batch data: unknown version 9/);
  });

  it('never throws anything but BATCH_INVALID: random bytes, truncations, bit flips, RLP mutations', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const randomBytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => rand(256));
    const valid = encodeBatch(sample, { level: 6 });
    const counts = { ok: 0, invalid: 0 };
    const tally = (bytes: Uint8Array): void => {
      counts[decodeOrInvalid(bytes)] += 1;
    };

    for (let i = 0; i < 500; i++) tally(randomBytes(rand(300)));
    for (let i = 0; i < 300; i++) tally(Uint8Array.of(BATCH_VERSION, ...randomBytes(rand(300)))); // right version byte
    for (let i = 0; i < 300; i++) tally(Uint8Array.of(BATCH_VERSION, ...deflateSync(randomBytes(rand(300))))); // valid zlib, random RLP
    for (let len = 0; len < valid.length; len++) tally(valid.subarray(0, len));
    for (let bit = 0; bit < valid.length * 8; bit++) {
      const flipped = Uint8Array.from(valid);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      tally(flipped);
    }
    // bit flips inside the RLP, re-compressed: these reach the structural checks
    const rlp = RLP.encode(RLP.decode(Uint8Array.from(inflateSync(valid.subarray(1)))) as never);
    for (let bit = 0; bit < rlp.length * 8; bit++) {
      const flipped = Uint8Array.from(rlp);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      tally(Uint8Array.of(BATCH_VERSION, ...deflateSync(flipped)));
    }
    for (let len = 0; len < rlp.length; len++) tally(Uint8Array.of(BATCH_VERSION, ...deflateSync(rlp.subarray(0, len))));
    expect(counts.invalid).toBeGreaterThan(1_000);
    expect(counts.ok).toBeGreaterThan(0); // some flips land in tx bytes or values and stay decodable
  });
});
