import type { NestedUint8Array } from '@ethereumjs/rlp';
import { decode } from '../vm/fast-rlp.js';

/**
 * Trie nodes decoded once per stored encoding. The node database (`TrieDB`, and the trie's checkpoint cache
 * above it) hands out the same `Uint8Array` for a node each time it is read, so its decoded list can hang
 * off that object: the upper branches, which every account read walks through, were decoded again on every
 * read. Entries live as long as the database keeps the encoding. Both the encoding and its decoded list
 * are read-only to every caller.
 */
const decoded = new WeakMap<Uint8Array, NestedUint8Array>();

/** The RLP list of a stored trie node (throws as `decode` does on bytes that are not one). */
export function decodeNode(bytes: Uint8Array): NestedUint8Array {
  let raw = decoded.get(bytes);
  if (raw === undefined) {
    raw = decode(bytes) as NestedUint8Array;
    decoded.set(bytes, raw);
  }
  return raw;
}
