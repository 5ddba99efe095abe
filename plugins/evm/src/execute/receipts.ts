import type { Common } from '@ethereumjs/common';
import { MerklePatriciaTrie } from '@ethereumjs/mpt';
import { RLP } from '@ethereumjs/rlp';
import type { TypedTransaction } from '@ethereumjs/tx';
import { Bloom, encodeReceipt, type RunTxResult } from '@ethereumjs/vm';
import type { StoredLog } from '../storage/block-codec.js';

/** Receipts root, transactions root and logs bloom of an executed block. */
export async function blockRoots(
  common: Common,
  txs: readonly TypedTransaction[],
  results: readonly RunTxResult[],
): Promise<{ transactionsTrie: Uint8Array; receiptTrie: Uint8Array; logsBloom: Uint8Array }> {
  const txTrie = new MerklePatriciaTrie({ common });
  const receiptTrie = new MerklePatriciaTrie({ common });
  const bloom = new Bloom(undefined, common);
  for (let i = 0; i < txs.length; i++) {
    const key = RLP.encode(i);
    const tx = txs[i]!;
    const result = results[i]!;
    await txTrie.put(key, tx.serialize());
    await receiptTrie.put(key, encodeReceipt(result.receipt, tx.type));
    bloom.or(result.bloom);
  }
  return { transactionsTrie: txTrie.root(), receiptTrie: receiptTrie.root(), logsBloom: bloom.bitvector };
}

export function storedLogs(result: RunTxResult): StoredLog[] {
  return result.receipt.logs.map(([address, topics, data]) => [address, topics, data]);
}
