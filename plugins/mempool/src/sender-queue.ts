import type { Hex, PooledTx } from '@metis/core';

/** A transaction held by the pool, with what the pool needs to rank and account for it. */
export interface PoolEntry {
  readonly tx: PooledTx;
  /** gasLimit · maxFeePerGas + value: the most it can take from the sender. */
  readonly cost: bigint;
  /** Arrival order (journal order); ties in fee go to the earlier. */
  readonly seq: number;
  /** False while its journal write is in flight: counted for validation, not yet selectable. */
  live: boolean;
}

/**
 * One sender's transactions, sorted by nonce (one per nonce), and the sender's account as last read at
 * the committed head. `execCount` is the length of the run of live transactions with contiguous nonces
 * starting at the state nonce: those are executable now; the rest wait for a gap to fill.
 */
export class SenderQueue {
  readonly entries: PoolEntry[] = [];
  execCount = 0;

  constructor(
    readonly sender: Hex,
    public stateNonce: bigint,
    public balance: bigint,
    /** The pool's head epoch when the account was read; stale once a block lands. */
    public epoch: number,
  ) {}

  get size(): number {
    return this.entries.length;
  }

  /** Index of the entry with `nonce`, or `-(insertion point) - 1`. */
  private search(nonce: bigint): number {
    const entries = this.entries;
    let lo = 0;
    let hi = entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const n = entries[mid]!.tx.nonce;
      if (n < nonce) lo = mid + 1;
      else if (n > nonce) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  find(nonce: bigint): PoolEntry | undefined {
    const i = this.search(nonce);
    return i >= 0 ? this.entries[i] : undefined;
  }

  /** The highest-nonce entry: the only one whose removal leaves no gap. */
  tail(): PoolEntry | undefined {
    return this.entries[this.entries.length - 1];
  }

  /** Sum of the costs of the entries with a lower nonce than `nonce`. */
  costBelow(nonce: bigint): bigint {
    let sum = 0n;
    for (const e of this.entries) {
      if (e.tx.nonce >= nonce) break;
      sum += e.cost;
    }
    return sum;
  }

  /** Inserts `entry`, returning the entry it replaced (same nonce), if any. */
  insert(entry: PoolEntry): PoolEntry | undefined {
    const i = this.search(entry.tx.nonce);
    if (i >= 0) {
      const old = this.entries[i];
      this.entries[i] = entry;
      return old;
    }
    this.entries.splice(-i - 1, 0, entry);
    return undefined;
  }

  /** Removes `entry` (by identity); false when it is not here. */
  remove(entry: PoolEntry): boolean {
    const i = this.search(entry.tx.nonce);
    if (i < 0 || this.entries[i] !== entry) return false;
    this.entries.splice(i, 1);
    return true;
  }

  /** Removes and returns the entries with a nonce below `nonce` (already mined or replaced on chain). */
  pruneBelow(nonce: bigint): PoolEntry[] {
    let count = 0;
    while (count < this.entries.length && this.entries[count]!.tx.nonce < nonce) count++;
    return count === 0 ? [] : this.entries.splice(0, count);
  }

  /** Recomputes `execCount`; returns the change. */
  recount(): number {
    const entries = this.entries;
    let count = 0;
    let next = this.stateNonce;
    while (count < entries.length) {
      const e = entries[count]!;
      if (e.tx.nonce !== next || !e.live) break;
      count++;
      next++;
    }
    const delta = count - this.execCount;
    this.execCount = count;
    return delta;
  }

  /** The next nonce after the executable run. */
  get pendingNonce(): bigint {
    return this.stateNonce + BigInt(this.execCount);
  }
}
