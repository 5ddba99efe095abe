import { MerklePatriciaTrie } from '@ethereumjs/mpt';
import { bytesToHex } from '@ethereumjs/util';
import { describe, expect, it } from 'vitest';
import { keccak256 } from '../src/crypto/keccak.js';
import { FastReadTrie } from '../src/state/fast-read-trie.js';
import { prng as rng, randomBytesFrom as bytes } from './helpers.js';

/** Fills an upstream trie, opens a FastReadTrie on its database and root, and compares `get` on present and absent keys. */
async function compare(seed: number, useKeyHashing: boolean, makeKey: (rand: () => number) => Uint8Array, count: number) {
  const rand = rng(seed);
  const upstream = new MerklePatriciaTrie({ useKeyHashing });
  const keys: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const key = makeKey(rand);
    keys.push(key);
    await upstream.put(key, bytes(rand, 1 + Math.floor(rand() * (rand() < 0.5 ? 2 : 40))));
  }
  const fast = new FastReadTrie({ useKeyHashing, db: upstream.database().db, root: upstream.root() });
  const probes = [...keys, ...Array.from({ length: count }, () => makeKey(rand))];
  for (const key of probes) {
    expect(await fast.get(key), `seed ${seed} key ${bytesToHex(key)}`).toEqual(await upstream.get(key));
  }
}

describe('FastReadTrie', () => {
  it('reads what upstream reads, present and absent, in a secure (hashed-key) trie', async () => {
    for (const seed of [1, 2]) await compare(seed, true, (rand) => bytes(rand, 20), 400);
  });

  it('reads through embedded nodes, branch values and extensions (short raw keys)', async () => {
    const pick = (rand: () => number) => Uint8Array.from({ length: 1 + Math.floor(rand() * 3) }, () => [0x00, 0x01, 0x10, 0xab][Math.floor(rand() * 4)]!);
    for (const seed of [3, 4, 5, 6]) await compare(seed, false, pick, 30);
  });

  it('reads null from the empty trie, and storage tries opened by shallowCopy are fast tries too', async () => {
    const trie = new FastReadTrie({ useKeyHashing: true });
    expect(await trie.get(Uint8Array.of(1))).toBeNull();
    await trie.put(Uint8Array.of(1), Uint8Array.of(2));
    const copy = trie.shallowCopy(false);
    expect(copy).toBeInstanceOf(FastReadTrie);
    expect(await copy.get(Uint8Array.of(1))).toEqual(Uint8Array.of(2));
  });

  it('falls back to upstream for a node missing from the database', async () => {
    const trie = new FastReadTrie({ useKeyHashing: true, root: keccak256(Uint8Array.of(9)) });
    await expect(trie.get(Uint8Array.of(1), true)).rejects.toThrow(/Missing node in DB/);
  });
});

describe('decoded trie nodes', () => {
  it('decodes one stored encoding once, and reads stay right as the trie changes under the same database', async () => {
    const { decodeNode } = await import('../src/state/decoded-nodes.js');
    const bytesOf = Uint8Array.of(0xc2, 0x01, 0x02);
    expect(decodeNode(bytesOf)).toBe(decodeNode(bytesOf)); // the same list, not decoded again
    expect(decodeNode(Uint8Array.of(0xc2, 0x01, 0x02))).not.toBe(decodeNode(bytesOf)); // keyed by the object
    const rand = rng(7);
    const upstream = new MerklePatriciaTrie({ useKeyHashing: true });
    const keys = Array.from({ length: 300 }, () => bytes(rand, 20));
    for (const [round, fill] of [1, 2, 3].entries()) {
      for (const key of keys.slice(0, 100 * fill)) await upstream.put(key, Uint8Array.of(round + 1, key[0]!));
      const fast = new FastReadTrie({ useKeyHashing: true, db: upstream.database().db, root: upstream.root() });
      for (const key of keys) expect(await fast.get(key), `round ${round}`).toEqual(await upstream.get(key));
    }
  });
});
