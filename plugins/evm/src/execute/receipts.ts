import type { TypedTransaction } from '@ethereumjs/tx';
import { Bloom, encodeReceipt, type RunTxResult } from '@ethereumjs/vm';
import type { StoredLog } from '../storage/block-codec.js';
import { orderedTrieRoot } from './ordered-trie.js';

/** Receipts root, transactions root and logs bloom of an executed block; `encoded[i]` is `txs[i]`'s encoding. */
export function blockRoots(
  encoded: readonly Uint8Array[],
  txs: readonly TypedTransaction[],
  results: readonly RunTxResult[],
): { transactionsTrie: Uint8Array; receiptTrie: Uint8Array; logsBloom: Uint8Array } {
  const bloom = new Bloom();
  for (const result of results) bloom.or(result.bloom);
  return {
    transactionsTrie: orderedTrieRoot(encoded),
    receiptTrie: orderedTrieRoot(results.map((r, i) => encodeReceipt(r.receipt, txs[i]!.type))),
    logsBloom: bloom.bitvector,
  };
}

export function storedLogs(result: RunTxResult): StoredLog[] {
  return result.receipt.logs.map(([address, topics, data]) => [address, topics, data]);
}
