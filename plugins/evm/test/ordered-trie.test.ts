import { MerklePatriciaTrie } from '@ethereumjs/mpt';
import { RLP } from '@ethereumjs/rlp';
import { bytesToHex, randomBytes } from '@ethereumjs/util';
import { describe, expect, it } from 'vitest';
import { orderedTrieRoot } from '../src/execute/ordered-trie.js';

async function reference(values: Uint8Array[]): Promise<string> {
  const trie = new MerklePatriciaTrie();
  for (let i = 0; i < values.length; i++) await trie.put(RLP.encode(i), values[i]!);
  return bytesToHex(trie.root());
}

describe('orderedTrieRoot', () => {
  it.each([0, 1, 2, 15, 16, 17, 127, 128, 129, 300, 1500])('matches the general trie for %i values', async (n) => {
    const values = Array.from({ length: n }, (_, i) => randomBytes(1 + ((i * 37) % 120)));
    expect(bytesToHex(orderedTrieRoot(values))).toBe(await reference(values));
  });

  it('matches for tiny values that are embedded instead of hashed', async () => {
    const values = Array.from({ length: 40 }, (_, i) => Uint8Array.of(i));
    expect(bytesToHex(orderedTrieRoot(values))).toBe(await reference(values));
  });
});
