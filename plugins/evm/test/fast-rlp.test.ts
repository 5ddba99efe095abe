import { randomBytes } from 'node:crypto';
import { RLP, type Input } from '@ethereumjs/rlp';
import { describe, expect, it } from 'vitest';
import { decode, encode, installFastRlp, upstreamRlp } from '../src/vm/fast-rlp.js';
import { prng } from './helpers.js';

const LENGTHS = [0, 1, 2, 54, 55, 56, 57, 255, 256, 1023, 65_535, 65_536];

function randomItem(rand: () => number, depth: number): Input {
  const r = rand();
  if (depth < 4 && r < 0.3) {
    // a long list (over 55 bytes of payload) now and then, but only near the top, so items stay small
    const n = Math.floor(rand() * (depth < 2 && rand() < 0.1 ? 70 : 5));
    return Array.from({ length: n }, () => randomItem(rand, depth + 1));
  }
  if (r < 0.45) return new Uint8Array([Math.floor(rand() * 256)]);
  if (r < 0.5) return Math.floor(rand() * 1e6);
  if (r < 0.53) return BigInt(Math.floor(rand() * 1e9)) * 10n ** 20n;
  if (r < 0.56) return `0x${Math.floor(rand() * 1e9).toString(16)}`;
  if (r < 0.58) return null;
  const len = rand() < 0.3 ? LENGTHS[Math.floor(rand() * LENGTHS.length)]! : Math.floor(rand() * 80);
  return new Uint8Array(randomBytes(len));
}

/** A decoded value as a string: lists in brackets, bytes in hex (quick to compare, unlike deep equality). */
function show(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(show).join(',')}]`;
  if (x instanceof Uint8Array) return Buffer.from(x).toString('hex');
  return `<${typeof x}>`;
}

/** What `f()` gives: its value, or its error's message. */
function outcome(f: () => unknown): unknown {
  try {
    return { ok: show(f()) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('fast RLP: the same bytes and errors as @ethereumjs/rlp', () => {
  it('encodes thousands of random nested items to the same bytes, and decodes them back the same', () => {
    const rand = prng(1);
    for (let i = 0; i < 3000; i++) {
      const item = randomItem(rand, 0);
      const want = upstreamRlp.encode(item);
      const got = encode(item);
      expect(Buffer.from(got).toString('hex'), `case ${i}`).toBe(Buffer.from(want).toString('hex'));
      expect(show(decode(got)), `case ${i}`).toBe(show(upstreamRlp.decode(want)));
    }
  });

  it('encodes list and string lengths on both sides of every header boundary', () => {
    for (const n of LENGTHS) {
      const bytes = new Uint8Array(randomBytes(n));
      expect(show(encode(bytes))).toBe(show(upstreamRlp.encode(bytes)));
      const list = Array.from({ length: n }, (_, i) => new Uint8Array([i & 0x7f]));
      expect(show(encode(list))).toBe(show(upstreamRlp.encode(list)));
      expect(show(decode(encode(list)))).toBe(show(list));
    }
  });

  it('decodes every truncation and single-byte corruption of valid encodings exactly like upstream (value or error message)', () => {
    const rand = prng(2);
    let errors = 0;
    for (let i = 0; i < 300; i++) {
      const valid = upstreamRlp.encode(randomItem(rand, 0));
      const variants: Uint8Array[] = [];
      for (let cut = 0; cut < Math.min(valid.length, 40); cut++) variants.push(valid.subarray(0, cut));
      for (let k = 0; k < 20; k++) {
        const bad = valid.slice();
        if (bad.length === 0) break;
        bad[Math.floor(rand() * Math.min(bad.length, 8))] = Math.floor(rand() * 256);
        variants.push(bad);
      }
      variants.push(new Uint8Array([...valid, 0x00]));
      for (const v of variants) {
        const want = outcome(() => upstreamRlp.decode(v));
        expect(outcome(() => decode(v)), `case ${i}: ${Buffer.from(v).toString('hex')}`).toEqual(want);
        if ('error' in (want as object)) errors++;
      }
    }
    expect(errors).toBeGreaterThan(1000); // the corruptions really exercised the error paths
  });

  it('refuses the non-canonical encodings upstream refuses, with the same messages', () => {
    const cases = [
      '8100', // single byte < 0x80 with a prefix
      'b800', // long string, length with a leading zero
      'b837' + '00'.repeat(55), // long form for a short string
      'f800', // long list, length with a leading zero
      'f837' + '00'.repeat(55), // long form for a short list
      'c3c0', // list shorter than its payload
      'f9ffff00', // list overrunning the data
      '8400', // string overrunning the data
      'c0c0', // trailing bytes
      'b9', // not enough bytes for the length
    ];
    for (const hex of cases) {
      const bytes = Buffer.from(hex, 'hex');
      const want = outcome(() => upstreamRlp.decode(new Uint8Array(bytes)));
      expect(want, hex).toHaveProperty('error');
      expect(outcome(() => decode(new Uint8Array(bytes))), hex).toEqual(want);
    }
  });

  it('returns copies of leaf values, never views of the input', () => {
    const input = encode([new Uint8Array([1, 2, 3]), [new Uint8Array(60).fill(7)]]);
    const decoded = decode(input) as [Uint8Array, [Uint8Array]];
    input.fill(0);
    expect([...decoded[0]]).toEqual([1, 2, 3]);
    expect(decoded[1][0]!.every((b) => b === 7)).toBe(true);
  });

  it('leaves strings, numbers and stream decoding to upstream, and installs itself on the shared RLP object', () => {
    expect(encode('0x0400')).toEqual(upstreamRlp.encode('0x0400'));
    expect(encode(1024)).toEqual(upstreamRlp.encode(1024));
    expect(decode('0x820400')).toEqual(upstreamRlp.decode('0x820400'));
    const streamed = decode(new Uint8Array([0x82, 4, 0, 0xc0]), true);
    expect(streamed.remainder).toEqual(new Uint8Array([0xc0]));
    installFastRlp();
    expect(RLP.encode).toBe(encode);
    expect(RLP.decode).toBe(decode);
  });
});
