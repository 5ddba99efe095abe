import type { BlockTemplate, PooledTx } from '@metis/core';
import { effectiveTip } from './fees.js';
import { Heap } from './heap.js';
import type { SenderQueue } from './sender-queue.js';

/** The cheapest transaction there is: 21,000 gas. Below that much room the block is full. */
const MIN_TX_GAS = 21_000n;

interface Head {
  readonly queue: SenderQueue;
  /** Index in queue.entries, within the executable run. */
  readonly index: number;
  readonly tip: bigint;
  readonly seq: number;
}

const better = (a: Head, b: Head): boolean => (a.tip !== b.tip ? a.tip > b.tip : a.seq < b.seq);

function head(queue: SenderQueue, index: number, baseFee: bigint): Head {
  const entry = queue.entries[index]!;
  return { queue, index, tip: effectiveTip(entry.tx.maxFeePerGas, entry.tx.maxPriorityFeePerGas, baseFee), seq: entry.seq };
}

/**
 * Picks transactions for a block: each sender's executable run in nonce order, merged across senders by
 * effective tip (a heap of per-sender heads, ties to the earlier arrival). A transaction whose max fee is
 * below the base fee ends its sender's run, as does one that no longer fits the gas limit (others may
 * still fit). Stops at `maxTxs`, or when less than 21,000 gas is left.
 */
export function selectTransactions(
  queues: Iterable<SenderQueue>,
  template: BlockTemplate,
  baseFee: bigint,
  maxTxs: number,
): PooledTx[] {
  const heads: Head[] = [];
  for (const queue of queues) if (queue.execCount > 0) heads.push(head(queue, 0, baseFee));
  const heap = new Heap(better, heads);
  const out: PooledTx[] = [];
  let gasLeft = template.gasLimit;
  while (out.length < maxTxs && gasLeft >= MIN_TX_GAS) {
    const top = heap.peek();
    if (!top) break;
    const tx = top.queue.entries[top.index]!.tx;
    if (tx.maxFeePerGas < baseFee || tx.gasLimit > gasLeft) {
      heap.pop();
      continue;
    }
    out.push(tx);
    gasLeft -= tx.gasLimit;
    const next = top.index + 1;
    if (next < top.queue.execCount) heap.replaceTop(head(top.queue, next, baseFee));
    else heap.pop();
  }
  return out;
}
