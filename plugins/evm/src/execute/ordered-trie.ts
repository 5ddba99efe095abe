import { RLP } from '@ethereumjs/rlp';
import { keccak256 } from '../crypto/keccak.js';

type Item = { readonly path: Uint8Array; readonly value: Uint8Array };
type Ref = Uint8Array | RLPNode;
type RLPNode = (Uint8Array | RLPNode)[];

const EMPTY_ROOT = keccak256(RLP.encode(new Uint8Array(0)));

function nibbles(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    out[2 * i] = key[i]! >> 4;
    out[2 * i + 1] = key[i]! & 15;
  }
  return out;
}

/** Hex-prefix encoding of a nibble path (Yellow Paper, appendix C). */
function hexPrefix(path: Uint8Array, leaf: boolean): Uint8Array {
  const odd = path.length % 2;
  const out = new Uint8Array(1 + (path.length >> 1));
  out[0] = ((leaf ? 2 : 0) + odd) << 4;
  let i = 0;
  if (odd) out[0]! |= path[i++]!;
  for (let j = 1; i < path.length; i += 2, j++) out[j] = (path[i]! << 4) | path[i + 1]!;
  return out;
}

/** A child reference: the node itself when its RLP is under 32 bytes, else its hash. */
function ref(node: RLPNode): Ref {
  const encoded = RLP.encode(node);
  return encoded.length < 32 ? node : keccak256(encoded);
}

function build(items: Item[], depth: number): RLPNode {
  if (items.length === 1) {
    const only = items[0]!;
    return [hexPrefix(only.path.subarray(depth), true), only.value];
  }
  // Longest common prefix below `depth`.
  const first = items[0]!.path;
  let shared = 0;
  for (;;) {
    const d = depth + shared;
    if (d >= first.length || items.some((it) => it.path.length <= d || it.path[d] !== first[d])) break;
    shared++;
  }
  if (shared > 0) return [hexPrefix(first.subarray(depth, depth + shared), false), ref(build(items, depth + shared))];
  const branch: RLPNode = new Array(17).fill(new Uint8Array(0));
  const groups: Item[][] = Array.from({ length: 16 }, () => []);
  for (const it of items) {
    if (it.path.length === depth) branch[16] = it.value;
    else groups[it.path[depth]!]!.push(it);
  }
  groups.forEach((g, i) => {
    if (g.length > 0) branch[i] = ref(build(g, depth + 1));
  });
  return branch;
}

/**
 * Root of the trie mapping RLP(index) to each value (transactions and receipts tries), built in one pass:
 * every node is hashed once, instead of re-hashing a path on every insert as a general trie does.
 */
export function orderedTrieRoot(values: readonly Uint8Array[]): Uint8Array {
  if (values.length === 0) return EMPTY_ROOT;
  const items = values.map((value, i) => ({ path: nibbles(RLP.encode(i)), value }));
  return keccak256(RLP.encode(build(items, 0)));
}
