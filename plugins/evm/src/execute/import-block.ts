import { createAddressFromString } from '@ethereumjs/util';
import { MetisError, type BlockImport } from '@metis/core';
import type { EvmChain } from '../chain.js';
import { decodeSignedTx } from './decode-tx.js';
import { validateDeposits } from './deposits.js';
import { runBlock, type BlockTx, type ExecutedBlock, type RunMode } from './execute-block.js';
import type { BlockFrame } from './header.js';

const U64_MAX = (1n << 64n) - 1n;
/** The smallest block gas limit a header may carry. */
const MIN_GAS_LIMIT = 5_000n;

/**
 * Imports a block produced elsewhere (a replica deriving the chain), executing it on the head exactly as
 * given: its timestamp, gas limit and coinbase; its deposits, which must be contiguous from the head's
 * count (DEPOSIT_INVALID); and its transactions, each of which must decode with the chain's rules, carry
 * a valid signature and apply (a revert is fine: a valid transaction with a failed receipt). Anything else
 * refuses the block with BATCH_INVALID and leaves the state and the head as they were. The stored block is
 * the same, byte for byte, as the one the producer stored from the same inputs.
 */
export async function importBlock(chain: EvmChain, b: BlockImport): Promise<ExecutedBlock> {
  const invalid = (reason: string): MetisError => new MetisError('BATCH_INVALID', { index: `for block ${String(b.number)}`, block: String(b.number), reason });
  if (typeof b !== 'object' || b === null) throw invalid('not a block');
  if (typeof b.number !== 'bigint' || typeof b.timestamp !== 'bigint' || typeof b.gasLimit !== 'bigint') {
    throw invalid('number, timestamp and gasLimit must be integers');
  }
  if (b.timestamp > U64_MAX) throw invalid(`timestamp ${b.timestamp} does not fit in 64 bits`);
  if (b.gasLimit < MIN_GAS_LIMIT || b.gasLimit > U64_MAX) throw invalid(`gas limit ${b.gasLimit} out of range`);
  if (typeof b.coinbase !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(b.coinbase)) throw invalid('coinbase is not a 20-byte address');
  if (!Array.isArray(b.txs) || !Array.isArray(b.deposits)) throw invalid('txs and deposits must be lists');

  // Decoding and sender recovery need no state: done before taking the chain's lock.
  const txs = b.txs.map((raw, i): BlockTx => {
    if (!(raw instanceof Uint8Array)) throw invalid(`transaction ${i} is not bytes`);
    try {
      return { ...decodeSignedTx(chain.common, raw), raw }; // canonical: decodeSignedTx checks
    } catch (e) {
      throw invalid(`transaction ${i} ${(e as Error).message}`);
    }
  });
  const coinbase = createAddressFromString(b.coinbase);

  return chain.exclusive(async () => {
    const head = chain.head;
    if (b.number !== head.number + 1n) throw invalid(`the head is block ${head.number}: block ${b.number} does not follow it`);
    if (b.timestamp <= head.header.timestamp) {
      throw invalid(`timestamp ${b.timestamp} is not after the parent's ${head.header.timestamp}`);
    }
    const deposits = validateDeposits(b.deposits, head.depositCount, b.number);
    const frame: BlockFrame = {
      number: b.number,
      parentHash: head.hash,
      timestamp: b.timestamp,
      gasLimit: b.gasLimit,
      coinbase,
      depositCount: head.depositCount + BigInt(deposits.length),
    };
    const mode: RunMode = { kind: 'import', fail: invalid };
    return runBlock(chain, frame, deposits, txs, mode);
  });
}
