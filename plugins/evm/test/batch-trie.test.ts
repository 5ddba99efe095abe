import { MerklePatriciaTrie } from '@ethereumjs/mpt';
import { bytesToHex, hexToBytes } from '@ethereumjs/util';
import { describe, expect, it } from 'vitest';
import { keccak256 } from '../src/crypto/keccak.js';
import { BatchTrie, updateTrie, type TrieNodeStore, type TrieUpdate } from '../src/state/batch-trie.js';
import { prng as rng, randomBytesFrom as bytes } from './helpers.js';

/** Keys that share prefixes a lot (short, few distinct bytes) exercise branch values and embedded nodes. */
function shortKey(rand: () => number): Uint8Array {
  return Uint8Array.from({ length: 1 + Math.floor(rand() * 4) }, () => [0x00, 0x01, 0x10, 0x11, 0xab][Math.floor(rand() * 5)]);
}

const store = (trie: MerklePatriciaTrie): TrieNodeStore => trie.database() as unknown as TrieNodeStore;

/**
 * The root to expect: the reference trie's after the same puts and deletes one by one, or (`incremental`
 * false) a fresh reference trie holding just the final contents. @ethereumjs/mpt 10.1 is not history-
 * independent where one key is a prefix of another: put 0xab1100, put 0xab, put 0xab01, del 0xab01 leaves a
 * root other than putting 0xab1100 and 0xab alone. State and storage keys are all 32 bytes, so it never
 * meets that case; for short keys the canonical root (fresh puts) is the reference.
 */
async function expectedRoot(reference: MerklePatriciaTrie, model: Map<string, Uint8Array>, incremental: boolean): Promise<Uint8Array> {
  if (incremental) return reference.root();
  const fresh = new MerklePatriciaTrie({ useKeyHashing: false });
  for (const [key, value] of model) await fresh.put(hexToBytes(key as `0x${string}`), value);
  return fresh.root();
}

/**
 * Runs rounds of random puts and deletes on @ethereumjs/mpt (one key at a time) and on BatchTrie (one commit
 * per round, over its own database), and checks after every round that the roots match and that the batch
 * trie's database alone answers every key.
 */
async function compare(seed: number, makeKey: (rand: () => number) => Uint8Array, rounds: number, perRound: number, incremental = true) {
  const rand = rng(seed);
  const reference = new MerklePatriciaTrie({ useKeyHashing: false });
  const batched = new MerklePatriciaTrie({ useKeyHashing: false });
  const model = new Map<string, Uint8Array>();
  const keys: Uint8Array[] = [];
  let root = batched.root();
  for (let round = 0; round < rounds; round++) {
    const updates: TrieUpdate[] = [];
    for (let i = 0; i < perRound; i++) {
      const existing = keys.length > 0 && rand() < 0.5;
      const key = existing ? keys[Math.floor(rand() * keys.length)] : makeKey(rand);
      if (!existing) keys.push(key);
      if (rand() < 0.3) {
        updates.push([key, null]);
        await reference.del(key);
        model.delete(bytesToHex(key));
      } else {
        const value = bytes(rand, 1 + Math.floor(rand() * (rand() < 0.5 ? 3 : 40)));
        updates.push([key, value]);
        await reference.put(key, value);
        model.set(bytesToHex(key), value);
      }
    }
    root = await updateTrie(store(batched), root, updates, keccak256);
    expect(bytesToHex(root), `seed ${seed} round ${round}`).toBe(bytesToHex(await expectedRoot(reference, model, incremental)));
    batched.root(root);
    for (const key of keys) {
      const want = model.get(bytesToHex(key)) ?? null;
      expect(await batched.get(key), `seed ${seed} round ${round} key ${bytesToHex(key)}`).toEqual(want);
    }
  }
}

describe('BatchTrie', () => {
  it('gives the same roots as @ethereumjs/mpt for 32-byte (hashed) keys, with puts, updates and deletes', async () => {
    for (const seed of [1, 2, 3]) await compare(seed, (rand) => bytes(rand, 32), 12, 60);
  });

  it('gives the same roots for short, prefix-sharing keys (branch values, embedded nodes, collapses)', async () => {
    for (const seed of [11, 12, 13, 14, 15, 16]) await compare(seed, shortKey, 25, 8, false);
  });

  it('deletes everything back to the empty root', async () => {
    const trie = new MerklePatriciaTrie({ useKeyHashing: false });
    const keys = Array.from({ length: 50 }, (_, i) => keccak256(Uint8Array.of(i)));
    const root = await updateTrie(store(trie), trie.root(), keys.map((k) => [k, Uint8Array.of(1, 2, 3)] as const), keccak256);
    expect(root).not.toEqual(trie.EMPTY_TRIE_ROOT);
    const empty = await updateTrie(store(trie), root, keys.map((k) => [k, null] as const), keccak256);
    expect(empty).toEqual(trie.EMPTY_TRIE_ROOT);
  });

  it('writes nothing when nothing changes, and hashes each changed node once', async () => {
    const trie = new MerklePatriciaTrie({ useKeyHashing: false });
    const db = store(trie);
    const keys = Array.from({ length: 200 }, (_, i) => keccak256(Uint8Array.of(i, 1)));
    const root = await updateTrie(db, trie.root(), keys.map((k) => [k, Uint8Array.of(7)] as const), keccak256);
    const writes: number[] = [];
    const counting: TrieNodeStore = { get: (h) => db.get(h), batch: async (ops) => void writes.push(ops.length) };
    const same = await updateTrie(counting, root, keys.slice(0, 20).map((k) => [k, Uint8Array.of(7)] as const), keccak256);
    expect(same).toEqual(root);
    expect(writes).toEqual([]);
    // 200 leaves under a root branch and 16 second-level branches: changing every value rewrites each once.
    let hashes = 0;
    const changed = await updateTrie(counting, root, keys.map((k) => [k, Uint8Array.of(8)] as const), (d) => (hashes++, keccak256(d)));
    expect(changed).not.toEqual(root);
    expect(writes).toHaveLength(1);
    expect(hashes).toBe(writes[0]);
    expect(hashes).toBeLessThan(200 + 16 + 16 * 16 + 2);
  });

  it('refuses a trie whose nodes are missing from the database, naming the node', async () => {
    const trie = new MerklePatriciaTrie({ useKeyHashing: false });
    const missing = keccak256(Uint8Array.of(1));
    const batch = new BatchTrie(store(trie), missing, keccak256);
    await expect(batch.put(keccak256(Uint8Array.of(2)), Uint8Array.of(1))).rejects.toThrow(/is missing from the database/);
  });
});
