import { MerklePatriciaTrie, type MPTOpts } from '@ethereumjs/mpt';
import type { NestedUint8Array } from '@ethereumjs/rlp';
import { equalsBytes } from '@ethereumjs/util';
import { decodeNode } from './decoded-nodes.js';
import { fromHexPrefix, nibbles } from './trie-path.js';

/**
 * A MerklePatriciaTrie whose `get` walks the path directly.
 *
 * Upstream `get` goes through `findPath`, a generic walk with an async task queue and node objects per
 * step; reading an account that is not cached yet (every new recipient, every sender the head view has
 * not seen) cost about 8% of a block of ETH transfers here. This reads the nodes on the key's path from
 * the same database, decodes them as plain lists and follows the nibbles. Same values; a node missing from
 * the database, or a trie with a key prefix, falls back to upstream `get` (and its errors).
 *
 * `shallowCopy` (how the state manager opens storage tries) keeps the class.
 */
export class FastReadTrie extends MerklePatriciaTrie {
  constructor(opts?: MPTOpts) {
    super(opts);
  }

  override async get(key: Uint8Array, throwIfMissing = false): Promise<Uint8Array | null> {
    if (this._opts.keyPrefix !== undefined) return super.get(key, throwIfMissing);
    let ref: Uint8Array | NestedUint8Array = this.root();
    if (equalsBytes(ref, this.EMPTY_TRIE_ROOT)) return null;
    const path = nibbles(this.appliedKey(key));
    let at = 0;
    for (;;) {
      let raw: NestedUint8Array;
      if (ref instanceof Uint8Array) {
        const bytes = (await this._db.get(ref)) as Uint8Array | undefined | null;
        if (!bytes) return super.get(key, throwIfMissing);
        raw = decodeNode(bytes);
      } else {
        raw = ref;
      }
      if (raw.length === 17) {
        if (at === path.length) {
          const value = raw[16] as Uint8Array;
          return value.length > 0 ? value : null;
        }
        const child = raw[path[at++]!]!;
        if (child instanceof Uint8Array && child.length === 0) return null;
        ref = child;
        continue;
      }
      if (raw.length !== 2) return super.get(key, throwIfMissing);
      const node = fromHexPrefix(raw[0] as Uint8Array);
      const rest = path.length - at;
      if (node.leaf ? node.path.length !== rest : node.path.length > rest) return null;
      for (let i = 0; i < node.path.length; i++) if (node.path[i] !== path[at + i]) return null;
      if (node.leaf) return raw[1] as Uint8Array;
      at += node.path.length;
      ref = raw[1]!;
    }
  }

  override shallowCopy(includeCheckpoints = true, opts?: MPTOpts): MerklePatriciaTrie {
    const trie = new FastReadTrie({
      ...this._opts,
      db: this._db.db.shallowCopy(),
      root: this.root(),
      cacheSize: 0,
      ...(opts ?? {}),
    });
    if (includeCheckpoints && this.hasCheckpoints()) trie._db.setCheckpoints(this._db.checkpoints);
    return trie;
  }
}
