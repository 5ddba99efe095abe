import { bytesToHex, concatBytes, hexToBytes, unprefixedHexToBytes } from '@ethereumjs/util';
import { describe, expect, it } from 'vitest';
import { keys } from '../src/storage/keys.js';
import { prng, randomBytesFrom } from './helpers.js';

describe('storage keys', () => {
  it('tags hex keys exactly as ethereumjs decodes them, and falls back to it for odd or bad hex', () => {
    const rand = prng(11);
    for (let i = 0; i < 200; i++) {
      const hex = bytesToHex(randomBytesFrom(rand, 1 + Math.floor(rand() * 40)));
      const mixed = i % 2 ? hex : `0x${hex.slice(2).toUpperCase()}`;
      expect(keys.tx(mixed)).toEqual(concatBytes(Uint8Array.of(0x78), hexToBytes(mixed as `0x${string}`)));
      expect(keys.blockByHash(mixed)).toEqual(concatBytes(Uint8Array.of(0x68), hexToBytes(mixed as `0x${string}`)));
      expect(keys.trie(mixed.slice(2))).toEqual(concatBytes(Uint8Array.of(0x74), unprefixedHexToBytes(mixed.slice(2))));
    }
    expect(keys.trie('abc')).toEqual(concatBytes(Uint8Array.of(0x74), unprefixedHexToBytes('abc'))); // padded
    expect(() => keys.tx('0xzz')).toThrow(); // not hex: ethereumjs's error
    expect(() => keys.trie('0g')).toThrow();
  });
});
