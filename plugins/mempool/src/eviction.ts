import { effectiveTip } from './fees.js';
import { Heap } from './heap.js';
import type { PoolEntry, SenderQueue } from './sender-queue.js';

interface Candidate {
  readonly queue: SenderQueue;
  readonly entry: PoolEntry;
  readonly tip: bigint;
}

/** Cheapest first; among equal tips the latest arrival goes first. */
const cheaper = (a: Candidate, b: Candidate): boolean => (a.tip !== b.tip ? a.tip < b.tip : a.entry.seq > b.entry.seq);

/**
 * Finds what to evict when the pool is full. Only a sender's highest-nonce transaction (its tail) is a
 * candidate, so an eviction never opens a nonce gap; the cheapest tail by effective tip goes. The index is
 * a heap of tails built on first use (and again when the base fee moves or stale items pile up); the pool
 * reports every queue whose tail may have changed with `touch`, and stale items are skipped lazily.
 */
export class EvictionIndex {
  private heap?: Heap<Candidate>;
  private baseFee = 0n;

  constructor(
    private readonly isCurrent: (queue: SenderQueue, entry: PoolEntry) => boolean,
    private readonly poolSize: () => number,
  ) {}

  /** Call after any change to `queue` (insert, removal, an entry going live). */
  touch(queue: SenderQueue): void {
    if (!this.heap) return;
    // Mostly stale items: drop the index (rebuilt when the pool is full again) rather than let it grow.
    if (this.heap.size > 2 * this.poolSize() + 1024) {
      this.heap = undefined;
      return;
    }
    const tail = queue.tail();
    if (tail?.live) this.heap.push(this.candidate(queue, tail));
  }

  /**
   * The cheapest evictable tail, skipping any `protect` refuses (a transaction the newcomer depends on),
   * or undefined when there is none.
   */
  cheapest(queues: Iterable<SenderQueue>, baseFee: bigint, protect: (e: PoolEntry) => boolean): { entry: PoolEntry; tip: bigint } | undefined {
    if (!this.heap || baseFee !== this.baseFee) this.rebuild(queues, baseFee);
    const heap = this.heap!;
    const skipped: Candidate[] = [];
    let found: Candidate | undefined;
    for (let top = heap.peek(); top; top = heap.peek()) {
      if (!top.entry.live || !this.isCurrent(top.queue, top.entry) || top.queue.tail() !== top.entry) {
        heap.pop(); // stale: evicted, mined, replaced, or no longer the tail
        continue;
      }
      if (protect(top.entry)) {
        skipped.push(heap.pop()!);
        continue;
      }
      found = top;
      break;
    }
    for (const c of skipped) heap.push(c);
    return found && { entry: found.entry, tip: found.tip };
  }

  private rebuild(queues: Iterable<SenderQueue>, baseFee: bigint): void {
    this.baseFee = baseFee;
    const items: Candidate[] = [];
    for (const queue of queues) {
      const tail = queue.tail();
      if (tail?.live) items.push(this.candidate(queue, tail));
    }
    this.heap = new Heap(cheaper, items);
  }

  private candidate(queue: SenderQueue, entry: PoolEntry): Candidate {
    return { queue, entry, tip: effectiveTip(entry.tx.maxFeePerGas, entry.tx.maxPriorityFeePerGas, this.baseFee) };
  }
}
