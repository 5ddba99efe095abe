import { createBlock, createBlockHeader } from '@ethereumjs/block';
import type { TypedTransaction } from '@ethereumjs/tx';
import type { Address } from '@ethereumjs/util';
import { runTx, type RunTxResult } from '@ethereumjs/vm';
import { MetisError, type BlockTemplate, type PooledTx, type SealedBlock } from '@metis/core';
import { sealed, type EvmChain } from '../chain.js';
import type { StoredReceipt } from '../storage/block-codec.js';
import { ChainBlock } from '../storage/chain-store.js';
import { headerData } from './header.js';
import { blockRoots, storedLogs } from './receipts.js';

/** Below this much gas left, no transaction fits. */
const MIN_TX_GAS = 21_000n;

export interface ExecutedBlock {
  readonly block: SealedBlock;
  readonly chainBlock: ChainBlock;
  /** Transactions that could not be applied (stale nonce, funds gone); the pool should drop them. */
  readonly dropped: PooledTx[];
}

/**
 * Executes one block on top of the head: one state checkpoint for the whole block (never buildBlock,
 * which is quadratic), `runTx` per transaction, then the block, its receipts, indexes, the new state and
 * the head pointer in ONE atomic LevelDB batch. On any failure the state goes back to the parent root.
 */
export function executeBlock(chain: EvmChain, template: BlockTemplate, txs: readonly PooledTx[]): Promise<ExecutedBlock> {
  return chain.exclusive(async () => {
    const parent = chain.headHeader;
    if (template.number !== parent.number + 1n || template.parentHash !== chain.head.hash) {
      throw new MetisError('BLOCK_EXECUTION_FAILED', { number: template.number, reason: 'template does not extend the head' });
    }
    const data = headerData(template, parent, chain.coinbase);
    const env = createBlock({ header: data }, { common: chain.common, skipConsensusFormatValidation: true });
    const included: TypedTransaction[] = [];
    const senders: Address[] = [];
    const results: RunTxResult[] = [];
    const dropped: PooledTx[] = [];
    let gasUsed = 0n;
    const vm = chain.vm;
    await vm.evm.journal.checkpoint();
    try {
      // A sender whose transaction was skipped or dropped has its later nonces skipped too: they stay in
      // the pool (they would fail on the nonce here, but are valid once the gap is filled).
      const held = new Set<string>();
      for (const pooled of txs) {
        if (template.gasLimit - gasUsed < MIN_TX_GAS) break;
        if (held.has(pooled.sender)) continue;
        const tx = pooled.decoded as TypedTransaction;
        if (tx.gasLimit > template.gasLimit - gasUsed) {
          held.add(pooled.sender); // no room in this block; stays in the pool for the next one
          continue;
        }
        let result: RunTxResult;
        try {
          result = await runTx(vm, { tx, block: env, blockGasUsed: gasUsed, skipHardForkValidation: true });
        } catch (e) {
          chain.logger.debug({ tx: pooled.hash, err: (e as Error).message }, 'transaction dropped');
          held.add(pooled.sender);
          dropped.push(pooled);
          continue;
        }
        gasUsed = result.receipt.cumulativeBlockGasUsed;
        included.push(tx);
        senders.push(tx.getSenderAddress());
        results.push(result);
      }
      await vm.evm.journal.commit();
    } catch (e) {
      await vm.evm.journal.revert();
      throw e;
    }
    try {
      const stateRoot = await chain.state.getStateRoot();
      const roots = blockRoots(included, results);
      const header = createBlockHeader(
        { ...data, ...roots, stateRoot, gasUsed },
        { common: chain.common, skipConsensusFormatValidation: true },
      );
      const receipts: StoredReceipt[] = results.map((r) => ({
        status: (r.receipt as { status?: 0 | 1 }).status ?? (r.execResult.exceptionError ? 0 : 1),
        cumulativeGasUsed: r.receipt.cumulativeBlockGasUsed,
        gasUsed: r.totalGasSpent,
        logs: storedLogs(r),
        contractAddress: r.createdAddress?.bytes,
      }));
      const stored = { header: header.serialize(), txs: included.map((t) => t.serialize()), receipts, senders: senders.map((s) => s.bytes) };
      const txHashes = included.map((t) => t.hash());
      const ops = [...chain.trieDb.drain(), ...chain.store.blockOps(header, stored, txHashes)];
      await chain.store.write(ops);
      const chainBlock = new ChainBlock(header, stored, chain.common, included);
      chain.setHead(chainBlock);
      return { block: sealed(chainBlock), chainBlock, dropped };
    } catch (e) {
      chain.trieDb.discard();
      await chain.state.setStateRoot(parent.stateRoot, true);
      throw new MetisError('BLOCK_EXECUTION_FAILED', { number: template.number, reason: (e as Error).message }, { cause: e });
    }
  });
}
