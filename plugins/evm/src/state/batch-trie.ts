import type { NestedUint8Array } from '@ethereumjs/rlp';
import { encode } from '../vm/fast-rlp.js';
import { decodeNode } from './decoded-nodes.js';
import { fromHexPrefix, hexPrefix, nibbles } from './trie-path.js';

/**
 * Applies a whole block's changes to a Merkle-Patricia trie at once, hashing each changed node once.
 *
 * `@ethereumjs/mpt` puts keys one by one: each `put` walks the path through its async walk controller, then
 * re-encodes and re-hashes every node from the leaf to the root. A block that changes 2,000 accounts
 * re-hashes the root and the upper branches 2,000 times. Here the changes go into an in-memory copy of
 * the touched part of the trie first (nodes are read from the database once, when first reached), and
 * `commit` then encodes and hashes only the nodes that changed, bottom up, once each (as geth does).
 *
 * The trie format is exactly `@ethereumjs/mpt`'s: nodes are keyed by their keccak-256, nodes whose encoding
 * is shorter than 32 bytes are embedded in their parent, and the root is always stored. Keys are the
 * trie's paths (already hashed for a secure trie); nothing here hashes keys.
 */

/** Where trie nodes live: by hash. `@ethereumjs/mpt`'s `trie.database()` (its CheckpointDB) fits. */
export interface TrieNodeStore {
  get(hash: Uint8Array): Promise<Uint8Array | null | undefined>;
  batch(ops: { type: 'put'; key: Uint8Array; value: Uint8Array }[]): Promise<void>;
}

/** A change: the new value at `key`, or `null` to delete the key. */
export type TrieUpdate = readonly [key: Uint8Array, value: Uint8Array | null];

/** A child reference: a node in memory, the hash of one still in the store, or nothing. */
type Ref = Node | Uint8Array | null;
/** An encoded reference as it appears in a parent: a 32-byte hash or an embedded node's raw list. */
type Encoded = Uint8Array | NestedUint8Array;

interface Leaf {
  kind: 'leaf';
  path: number[];
  value: Uint8Array;
  /** The node's reference as last encoded (unchanged since loaded or committed); unset once changed. */
  enc?: Encoded;
}
interface Extension {
  kind: 'ext';
  path: number[];
  child: Ref;
  enc?: Encoded;
}
interface Branch {
  kind: 'branch';
  children: Ref[];
  value: Uint8Array | null;
  enc?: Encoded;
}
type Node = Leaf | Extension | Branch;

const EMPTY = new Uint8Array(0);
/** The root of the empty trie: keccak-256 of RLP(""). */
export const EMPTY_TRIE_ROOT = Uint8Array.from(Buffer.from('56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421', 'hex'));

/** Decodes a node's raw list; `enc` is how its parent refers to it (its hash, or the list itself). */
function fromRaw(raw: NestedUint8Array, enc: Encoded): Node {
  if (raw.length === 17) {
    const children: Ref[] = new Array(16);
    for (let i = 0; i < 16; i++) children[i] = toRef(raw[i]);
    const value = raw[16] as Uint8Array;
    return { kind: 'branch', children, value: value.length > 0 ? value : null, enc };
  }
  if (raw.length === 2) {
    const { path, leaf } = fromHexPrefix(raw[0] as Uint8Array);
    if (leaf) return { kind: 'leaf', path, value: raw[1] as Uint8Array, enc };
    return { kind: 'ext', path, child: toRef(raw[1]), enc };
  }
  throw new Error(`trie node is a list of ${raw.length} items`);
}

function toRef(item: Uint8Array | NestedUint8Array): Ref {
  if (Array.isArray(item)) return fromRaw(item, item);
  if (item.length === 0) return null;
  if (item.length !== 32) throw new Error(`trie node reference of ${item.length} bytes`);
  return item;
}

const commonPrefix = (a: number[], aFrom: number, b: number[], bFrom: number): number => {
  let n = 0;
  while (aFrom + n < a.length && bFrom + n < b.length && a[aFrom + n] === b[bFrom + n]) n++;
  return n;
};

const equal = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** One trie being updated in memory, over a node store. */
export class BatchTrie {
  private root: Ref;
  private readonly puts: { type: 'put'; key: Uint8Array; value: Uint8Array }[] = [];

  constructor(
    private readonly store: TrieNodeStore,
    root: Uint8Array,
    private readonly keccak: (data: Uint8Array) => Uint8Array,
  ) {
    this.root = equal(root, EMPTY_TRIE_ROOT) ? null : root;
  }

  async put(key: Uint8Array, value: Uint8Array): Promise<void> {
    if (value.length === 0) throw new Error('an empty trie value is a deletion; pass null');
    this.root = await this.insert(this.root, nibbles(key), 0, value);
  }

  async del(key: Uint8Array): Promise<void> {
    this.root = await this.remove(this.root, nibbles(key), 0);
  }

  /** Applies updates in order (a later one for the same key wins). */
  async apply(updates: Iterable<TrieUpdate>): Promise<void> {
    for (const [key, value] of updates) {
      if (value === null) await this.del(key);
      else await this.put(key, value);
    }
  }

  /** Encodes and hashes every changed node once, writes the new nodes, and returns the new root. */
  async commit(): Promise<Uint8Array> {
    let rootHash: Uint8Array;
    if (this.root === null) rootHash = EMPTY_TRIE_ROOT;
    else rootHash = this.encodeRef(this.root, true) as Uint8Array;
    if (this.puts.length > 0) await this.store.batch(this.puts.splice(0));
    return rootHash;
  }

  private async resolve(ref: Uint8Array): Promise<Node> {
    const bytes = await this.store.get(ref);
    if (!bytes) throw new Error(`trie node 0x${Buffer.from(ref).toString('hex')} is missing from the database`);
    const raw = decodeNode(bytes);
    // Only the root is stored while shorter than 32 bytes; were it ever a child, it would be embedded.
    return fromRaw(raw, bytes.length >= 32 ? ref : raw);
  }

  private async insert(ref: Ref, path: number[], at: number, value: Uint8Array): Promise<Node> {
    if (ref === null) return { kind: 'leaf', path: path.slice(at), value };
    const node = ref instanceof Uint8Array ? await this.resolve(ref) : ref;
    switch (node.kind) {
      case 'leaf': {
        const shared = commonPrefix(node.path, 0, path, at);
        if (shared === node.path.length && at + shared === path.length) {
          if (!equal(node.value, value)) {
            node.value = value;
            node.enc = undefined;
          }
          return node;
        }
        const branch: Branch = { kind: 'branch', children: new Array<Ref>(16).fill(null), value: null };
        if (shared === node.path.length) branch.value = node.value;
        else branch.children[node.path[shared]] = { kind: 'leaf', path: node.path.slice(shared + 1), value: node.value };
        if (at + shared === path.length) branch.value = value;
        else branch.children[path[at + shared]] = { kind: 'leaf', path: path.slice(at + shared + 1), value };
        return shared > 0 ? { kind: 'ext', path: path.slice(at, at + shared), child: branch } : branch;
      }
      case 'ext': {
        const shared = commonPrefix(node.path, 0, path, at);
        if (shared === node.path.length) {
          const child = await this.insert(node.child, path, at + shared, value);
          node.child = child;
          if (child.enc === undefined) node.enc = undefined;
          return node;
        }
        const branch: Branch = { kind: 'branch', children: new Array<Ref>(16).fill(null), value: null };
        const rest = node.path.slice(shared + 1);
        branch.children[node.path[shared]] = rest.length > 0 ? { kind: 'ext', path: rest, child: node.child } : node.child;
        if (at + shared === path.length) branch.value = value;
        else branch.children[path[at + shared]] = { kind: 'leaf', path: path.slice(at + shared + 1), value };
        return shared > 0 ? { kind: 'ext', path: path.slice(at, at + shared), child: branch } : branch;
      }
      case 'branch': {
        if (at === path.length) {
          if (!node.value || !equal(node.value, value)) {
            node.value = value;
            node.enc = undefined;
          }
          return node;
        }
        const i = path[at];
        const child = await this.insert(node.children[i], path, at + 1, value);
        node.children[i] = child;
        if (child.enc === undefined) node.enc = undefined;
        return node;
      }
    }
  }

  /** Removes the key below `ref`; returns the subtree that replaces it (never an unresolved hash). */
  private async remove(ref: Ref, path: number[], at: number): Promise<Node | null> {
    if (ref === null) return null;
    const node = ref instanceof Uint8Array ? await this.resolve(ref) : ref;
    switch (node.kind) {
      case 'leaf': {
        const shared = commonPrefix(node.path, 0, path, at);
        return shared === node.path.length && at + shared === path.length ? null : node;
      }
      case 'ext': {
        const shared = commonPrefix(node.path, 0, path, at);
        if (shared < node.path.length) return node;
        const child = await this.remove(node.child, path, at + shared);
        if (child !== null && child.kind === 'branch') {
          node.child = child;
          if (child.enc === undefined) node.enc = undefined;
          return node;
        }
        return this.joinExtension(node.path, child);
      }
      case 'branch': {
        if (at === path.length) {
          if (node.value === null) return node;
          node.value = null;
        } else {
          const i = path[at];
          const before = node.children[i];
          const child = await this.remove(before, path, at + 1);
          node.children[i] = child;
          if (child === null ? before === null : child.enc !== undefined) return node; // nothing changed below
        }
        node.enc = undefined;
        return this.normalizeBranch(node);
      }
    }
  }

  /** An extension over `path` whose child is now `child`: merged with a leaf or extension child. */
  private async joinExtension(path: number[], child: Ref): Promise<Node | null> {
    if (child === null) return null;
    const node = child instanceof Uint8Array ? await this.resolve(child) : child;
    if (node.kind === 'leaf') return { kind: 'leaf', path: [...path, ...node.path], value: node.value };
    if (node.kind === 'ext') return { kind: 'ext', path: [...path, ...node.path], child: node.child };
    return { kind: 'ext', path, child: node };
  }

  /** A branch left with fewer than two entries becomes a leaf, an extension, or nothing. */
  private async normalizeBranch(node: Branch): Promise<Node | null> {
    let only = -1;
    let count = 0;
    for (let i = 0; i < 16; i++) {
      if (node.children[i] !== null) {
        count++;
        only = i;
      }
    }
    if (node.value !== null) {
      return count === 0 ? { kind: 'leaf', path: [], value: node.value } : node;
    }
    if (count >= 2) return node;
    if (count === 0) return null;
    return this.joinExtension([only], node.children[only]);
  }

  /** Encodes a node (changed ones once, then remembered); stores it when it is 32 bytes or more, or the root. */
  private encodeRef(node: Ref, top: boolean): Encoded {
    if (node === null) return EMPTY;
    if (node instanceof Uint8Array) return node;
    if (node.enc !== undefined && (!top || !Array.isArray(node.enc))) return node.enc;
    let raw: NestedUint8Array;
    switch (node.kind) {
      case 'leaf':
        raw = [hexPrefix(node.path, true), node.value];
        break;
      case 'ext':
        raw = [hexPrefix(node.path, false), this.encodeRef(node.child, false) as Uint8Array];
        break;
      case 'branch':
        raw = new Array(17);
        for (let i = 0; i < 16; i++) raw[i] = this.encodeRef(node.children[i], false) as Uint8Array;
        raw[16] = node.value ?? EMPTY;
        break;
    }
    const encoded = encode(raw);
    if (encoded.length >= 32 || top) {
      const hash = this.keccak(encoded);
      this.puts.push({ type: 'put', key: hash, value: encoded });
      node.enc = encoded.length >= 32 ? hash : raw;
      return hash;
    }
    node.enc = raw;
    return raw;
  }
}

/** Applies `updates` to the trie at `root` in `store` and returns the new root. */
export async function updateTrie(
  store: TrieNodeStore,
  root: Uint8Array,
  updates: Iterable<TrieUpdate>,
  keccak: (data: Uint8Array) => Uint8Array,
): Promise<Uint8Array> {
  const trie = new BatchTrie(store, root, keccak);
  await trie.apply(updates);
  return trie.commit();
}
