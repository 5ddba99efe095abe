import { createBlock, createBlockHeader } from '@ethereumjs/block';
import type { TypedTransaction } from '@ethereumjs/tx';
import { bytesToHex, type Address } from '@ethereumjs/util';
import { Bloom, runTx, type RunTxResult } from '@ethereumjs/vm';
import { MetisError, type BlockTemplate, type Deposit, type PooledTx, type SealedBlock } from '@metis/core';
import type { AccountState } from '../capabilities.js';
import { sealed, type EvmChain } from '../chain.js';
import type { StoredDeposit, StoredReceipt } from '../storage/block-codec.js';
import { ChainBlock } from '../storage/chain-store.js';
import { runDeposit, validateDeposits } from './deposits.js';
import { headerData, type BlockFrame } from './header.js';
import { tryPlainTransfer } from './plain-transfer.js';
import { blockRoots, storedLogs } from './receipts.js';

const DELETED: AccountState = Object.freeze({ nonce: 0n, balance: 0n });

/** Below this much gas left, no transaction fits. */
const MIN_TX_GAS = 21_000n;

/**
 * A block lets the event loop in after this many milliseconds of transactions: HTTP requests are read,
 * intake hands their signatures to the recovery worker, and its replies are taken, while the block goes
 * on. Reads of the head state wait for the block (they take the chain's lock), so nothing sees it half-done.
 */
const SLICE_MS = 2;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface ExecutedBlock {
  readonly block: SealedBlock;
  readonly chainBlock: ChainBlock;
  /** Transactions that could not be applied (stale nonce, funds gone); the pool should drop them. */
  readonly dropped: PooledTx[];
  /**
   * Every account the block wrote (deleted ones as zero), by unprefixed lower-case hex address; undefined
   * when the state manager could not list them.
   */
  readonly accounts?: ReadonlyMap<string, AccountState>;
}

/** A transaction to run, with its sender already recovered. */
export interface BlockTx {
  readonly tx: TypedTransaction;
  readonly sender: Address;
  /** Its canonical encoding when the caller has it (the pool's bytes, a block's bytes); else serialized. */
  readonly raw?: Uint8Array;
  /** Set when it came from the pool (production): reported back in `dropped` if it cannot apply. */
  readonly pooled?: PooledTx;
}

/**
 * How a block is run. `produce`: a transaction that does not fit is left for a later block and one that
 * fails to apply is dropped. `import`: the block is taken exactly as given, and any transaction that does
 * not fit or apply refuses the whole block with `fail`.
 */
export interface RunMode {
  readonly kind: 'produce' | 'import';
  readonly fail: (reason: string) => MetisError;
}

/**
 * Executes one block on top of the head: the L1 deposits first (system calls, see runDeposit), then the
 * transactions, under one state checkpoint for the whole block (never buildBlock, which is quadratic),
 * `runTx` per transaction, then the block, its receipts, indexes, the new state and the head pointer in
 * ONE atomic LevelDB batch. On any failure the state goes back to the parent root.
 *
 * `deposits` must be contiguous from `template.depositCount` (the head's count), else DEPOSIT_INVALID.
 */
export function executeBlock(
  chain: EvmChain,
  template: BlockTemplate,
  txs: readonly PooledTx[],
  deposits: readonly Deposit[] = [],
): Promise<ExecutedBlock> {
  return chain.exclusive(async () => {
    const head = chain.head;
    if (template.number !== head.number + 1n || template.parentHash !== head.hash) {
      throw new MetisError('BLOCK_EXECUTION_FAILED', { number: template.number, reason: 'template does not extend the head' });
    }
    if (template.timestamp <= head.header.timestamp) {
      throw new MetisError('BLOCK_EXECUTION_FAILED', { number: template.number, reason: "timestamp is not after the parent's" });
    }
    if (template.depositCount !== head.depositCount) {
      throw new MetisError('DEPOSIT_INVALID', {
        number: template.number,
        reason: `the template starts at deposit ${template.depositCount}, the head has consumed ${head.depositCount}`,
      });
    }
    const credited = validateDeposits(deposits, head.depositCount, template.number);
    const frame: BlockFrame = {
      number: template.number,
      parentHash: template.parentHash,
      timestamp: template.timestamp,
      gasLimit: template.gasLimit,
      coinbase: chain.coinbase,
      depositCount: head.depositCount + BigInt(credited.length),
    };
    const blockTxs = txs.map((pooled): BlockTx => {
      const tx = pooled.decoded as TypedTransaction;
      // The pool recovered the sender at intake and pinned its address on the transaction (see the
      // mempool's sealDecoded): reading it back costs nothing, where parsing the hex string did.
      return { tx, sender: tx.getSenderAddress(), raw: pooled.raw, pooled };
    });
    const mode: RunMode = {
      kind: 'produce',
      fail: (reason) => new MetisError('BLOCK_EXECUTION_FAILED', { number: template.number, reason }),
    };
    return runBlock(chain, frame, credited, blockTxs, mode);
  });
}

/**
 * Runs and stores a block on the head. The caller holds the chain's lock and has checked that `frame`
 * extends the head and that `deposits` are valid and contiguous from the head's count.
 */
export async function runBlock(
  chain: EvmChain,
  frame: BlockFrame,
  deposits: readonly Deposit[],
  txs: readonly BlockTx[],
  mode: RunMode,
): Promise<ExecutedBlock> {
  const parent = chain.headHeader;
  const data = headerData(frame, parent);
  const env = createBlock({ header: data }, { common: chain.common, skipConsensusFormatValidation: true });
  const credited: StoredDeposit[] = [];
  const included: TypedTransaction[] = [];
  const encoded: Uint8Array[] = [];
  const senders: Address[] = [];
  const results: RunTxResult[] = [];
  const dropped: PooledTx[] = [];
  const strict = mode.kind === 'import';
  let gasUsed = 0n;
  const vm = chain.vm;
  chain.state.takeFlushed(); // nothing before this block belongs to its diff
  await vm.evm.journal.checkpoint();
  try {
    for (const deposit of deposits) {
      let outcome;
      try {
        outcome = await runDeposit(vm, env, deposit, chain.depositConfig);
      } catch (e) {
        throw mode.fail(`deposit ${deposit.index} could not be executed: ${(e as Error).message}`);
      }
      if (outcome.status === 0) {
        chain.logger.warn({ block: frame.number, deposit: deposit.index, error: outcome.error }, 'deposit failed: nothing credited');
      }
      credited.push({ deposit, status: outcome.status, gasUsed: outcome.gasUsed, logs: outcome.logs });
    }
    // A sender whose transaction was skipped or dropped has its later nonces skipped too: they stay in
    // the pool (they would fail on the nonce here, but are valid once the gap is filled).
    const held = new Set<string>();
    const describe = (i: number, tx: TypedTransaction): string => `transaction ${i} (${bytesToHex(tx.hash())})`;
    let sliceStart = performance.now();
    for (const [i, { tx, sender, raw, pooled }] of txs.entries()) {
      if (performance.now() - sliceStart > SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
      if (!strict && frame.gasLimit - gasUsed < MIN_TX_GAS) break;
      const from = pooled?.sender ?? sender.toString();
      if (held.has(from)) continue;
      if (tx.gasLimit > frame.gasLimit - gasUsed) {
        if (strict) throw mode.fail(`${describe(i, tx)} needs ${tx.gasLimit} gas, ${frame.gasLimit - gasUsed} left in the block`);
        held.add(from); // no room in this block; stays in the pool for the next one
        continue;
      }
      let result: RunTxResult;
      try {
        const plain = chain.plainTransfers ? await tryPlainTransfer(vm, tx, sender, env, gasUsed) : undefined;
        result = plain ?? (await runTx(vm, { tx, block: env, blockGasUsed: gasUsed, skipHardForkValidation: true }));
      } catch (e) {
        if (strict) throw mode.fail(`${describe(i, tx)} does not apply: ${(e as Error).message}`);
        chain.logger.debug({ tx: bytesToHex(tx.hash()), err: (e as Error).message }, 'transaction dropped');
        held.add(from);
        if (pooled) dropped.push(pooled);
        continue;
      }
      gasUsed = result.receipt.cumulativeBlockGasUsed;
      included.push(tx);
      encoded.push(raw ?? tx.serialize());
      senders.push(sender);
      results.push(result);
    }
    await vm.evm.journal.commit();
  } catch (e) {
    await vm.evm.journal.revert();
    throw e;
  }
  try {
    const stateRoot = await chain.state.getStateRoot();
    const flushed = chain.state.takeFlushed();
    let accounts: Map<string, AccountState> | undefined;
    if (flushed) {
      accounts = new Map();
      for (const [address, account] of flushed) accounts.set(address, account ? { nonce: account.nonce, balance: account.balance } : DELETED);
    }
    const roots = blockRoots(encoded, included, results);
    // The bloom covers every log the block's log queries return: the deposits' too.
    const bloom = new Bloom(roots.logsBloom, chain.common);
    for (const { logs } of credited) {
      for (const [address, topics] of logs) {
        bloom.add(address);
        for (const topic of topics) bloom.add(topic);
      }
    }
    const header = createBlockHeader(
      { ...data, ...roots, logsBloom: bloom.bitvector, stateRoot, gasUsed },
      { common: chain.common, skipConsensusFormatValidation: true },
    );
    const receipts: StoredReceipt[] = results.map((r) => ({
      status: (r.receipt as { status?: 0 | 1 }).status ?? (r.execResult.exceptionError ? 0 : 1),
      cumulativeGasUsed: r.receipt.cumulativeBlockGasUsed,
      gasUsed: r.totalGasSpent,
      logs: storedLogs(r),
      contractAddress: r.createdAddress?.bytes,
    }));
    const stored = {
      header: header.serialize(),
      txs: encoded,
      receipts,
      senders: senders.map((s) => s.bytes),
      deposits: credited,
    };
    const chainBlock = new ChainBlock(header, stored, chain.common, included);
    const ops = [...chain.trieDb.drain(), ...chain.store.blockOps(header, stored, chainBlock.txHashes())];
    await chain.store.write(ops);
    chain.setHead(chainBlock);
    return { block: sealed(chainBlock), chainBlock, dropped, accounts };
  } catch (e) {
    chain.trieDb.discard();
    chain.state.takeFlushed();
    await chain.state.setStateRoot(parent.stateRoot, true);
    throw new MetisError('BLOCK_EXECUTION_FAILED', { number: frame.number, reason: (e as Error).message }, { cause: e });
  }
}
