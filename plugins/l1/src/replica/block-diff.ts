import type { BlockBody, BlockImport, Deposit } from '@metis/core';

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

function depositDiff(a: Deposit, b: Deposit): string | undefined {
  for (const key of ['index', 'l1Block', 'amount'] as const) if (a[key] !== b[key]) return key;
  for (const key of ['from', 'to', 'l1Token', 'tokenMeta'] as const) if (a[key].toLowerCase() !== b[key].toLowerCase()) return key;
  return undefined;
}

/**
 * The first field in which a stored block differs from a block of batch data (the inputs that make the
 * block: number, timestamp, gas limit, coinbase, deposits, transactions), or undefined when they agree.
 */
export function blockDiff(stored: BlockBody, given: BlockImport): string | undefined {
  if (stored.number !== given.number) return `number ${stored.number} here, ${given.number} in the batch`;
  if (stored.timestamp !== given.timestamp) return `timestamp ${stored.timestamp} here, ${given.timestamp} in the batch`;
  if (stored.gasLimit !== given.gasLimit) return `gas limit ${stored.gasLimit} here, ${given.gasLimit} in the batch`;
  if (stored.coinbase.toLowerCase() !== given.coinbase.toLowerCase()) return `coinbase ${stored.coinbase} here, ${given.coinbase} in the batch`;
  if (stored.deposits.length !== given.deposits.length) return `${stored.deposits.length} deposits here, ${given.deposits.length} in the batch`;
  for (const [i, d] of stored.deposits.entries()) {
    const field = depositDiff(d, given.deposits[i]!);
    if (field) return `deposit ${i} differs in ${field}`;
  }
  if (stored.txs.length !== given.txs.length) return `${stored.txs.length} transactions here, ${given.txs.length} in the batch`;
  for (const [i, tx] of stored.txs.entries()) if (!sameBytes(tx, given.txs[i]!)) return `transaction ${i} differs`;
  return undefined;
}
