import type { BatchDBOp, DB } from '@ethereumjs/util';
import { keys } from './keys.js';
import type { ChainLevel, LevelOp } from './level.js';
import { Lru } from './lru.js';

/** Trie nodes kept in memory, shared by every trie over this database (about 100-200 MB when full). */
const NODE_CACHE = 1_000_000;

type Value = string | Uint8Array;

/**
 * The database under the state trie. Writes stay in memory until `drain()` hands them to the block's
 * atomic batch, so state on disk only ever moves block by block. Trie nodes are content-addressed, so
 * readers at an older root can share the pending writes and one node cache safely: the executing trie,
 * its storage tries (ethereumjs gives each its own empty cache) and the read-only views all use it.
 */
export class TrieDB implements DB<string, Value> {
  private pending = new Map<string, Uint8Array | null>();
  private readonly cache = new Lru<string, Uint8Array>(NODE_CACHE);

  constructor(private readonly level: ChainLevel) {}

  async get(key: string): Promise<Value | undefined> {
    const hit = this.pending.get(key);
    if (hit !== undefined) return hit ?? undefined;
    // Peek (first in, first out): refreshing recency on every hit cost a delete and an insert in a map of up
    // to a million nodes; a hot node that ages out is read back once.
    const cached = this.cache.peek(key);
    if (cached) return cached;
    const stored = await this.level.get(keys.trie(key));
    if (stored) this.cache.set(key, stored);
    return stored;
  }

  async put(key: string, value: Value): Promise<void> {
    this.pending.set(key, typeof value === 'string' ? new TextEncoder().encode(value) : value);
  }

  async del(key: string): Promise<void> {
    this.pending.set(key, null);
  }

  async batch(ops: BatchDBOp<string, Value>[]): Promise<void> {
    for (const op of ops) {
      if (op.type === 'put') await this.put(op.key, op.value);
      else await this.del(op.key);
    }
  }

  shallowCopy(): DB<string, Value> {
    return this;
  }

  async open(): Promise<void> {}

  /** Takes the pending writes as LevelDB operations. */
  drain(): LevelOp[] {
    const ops: LevelOp[] = [];
    for (const [key, value] of this.pending) {
      if (value === null) {
        this.cache.delete(key);
        ops.push({ type: 'del', key: keys.trie(key) });
      } else {
        this.cache.set(key, value);
        ops.push({ type: 'put', key: keys.trie(key), value });
      }
    }
    this.pending = new Map();
    return ops;
  }

  /** Forgets pending writes (a block that failed before it was stored). */
  discard(): void {
    this.pending = new Map();
  }
}
