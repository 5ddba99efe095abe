import {
  MetisError,
  isMetisError,
  rootMetisError,
  type BlockImport,
  type BlockImporter,
  type BlockLog,
  type ChainHead,
  type Hex,
} from '@metis/core';
import { decodeBatch } from '../batch/codec.js';
import { withdrawalRootOf } from '../batch/withdrawals.js';
import type { PostedBatch } from './batch-log.js';
import { blockDiff } from './block-diff.js';
import { depositHashOf, type ReplicaL1 } from './l1-reads.js';

/** What re-executing a batch's blocks produced: the last block's state root and the withdrawal root of their logs. */
export interface ComputedRoots {
  readonly stateRoot: Hex;
  readonly withdrawalRoot: Hex;
}

/** Derivation cannot go past this batch (until L1 replaces it). */
export class Halt {
  constructor(
    readonly kind: 'mismatch' | 'invalid',
    readonly batch: bigint,
    readonly error: MetisError,
    readonly fields: Record<string, unknown> = {},
    /** Set when the batch's blocks were re-executed here and reached other roots than its header's. */
    readonly computed?: ComputedRoots,
  ) {}
}

/** Derivation waits and retries (data not there yet, the L1 moved under the reader). */
export class Wait {
  constructor(
    readonly batch: bigint,
    readonly reason: string,
  ) {}
}

/** The deriver was asked to stop between two blocks. */
export class Stopped {}

export function mismatch(index: bigint, reason: string, fields: Record<string, unknown> = {}, computed?: ComputedRoots): Halt {
  return new Halt('mismatch', index, new MetisError('DERIVATION_MISMATCH', { index, reason }), fields, computed);
}

function invalid(index: bigint, reason: string): Halt {
  return new Halt('invalid', index, new MetisError('BATCH_INVALID', { index, reason }));
}

export interface VerifyDeps {
  readonly l1: ReplicaL1;
  /** The batch's data from the DA (checked against `dataHash`), perhaps fetched ahead. */
  readonly data: (batch: PostedBatch) => Promise<Uint8Array>;
  /** Called when the blocks start being imported (the deriver fetches the next batch's data meanwhile). */
  readonly importing?: () => void;
  readonly chain: ChainHead;
  readonly importer: BlockImporter;
  /** Checked between blocks: true to stop (the batch resumes at the next start). */
  readonly stopping: () => boolean;
}

const DEPOSIT_CHECKS_AT_ONCE = 16;

export interface VerifiedBatch {
  readonly hashes: Hex[];
  readonly txs: number;
  /** Milliseconds spent getting and checking the data (L1 reads, DA, decoding), importing, and checking the roots. */
  readonly ms: { readonly data: number; readonly import: number; readonly roots: number };
  /** The roots re-execution reached (the header's, since they were checked). */
  readonly computed: ComputedRoots;
}

/**
 * Derives one batch onto the chain and checks it: header still the inbox's, data from the DA, decoded,
 * following the chain (blocks, previous state root, deposit count), deposits as queued on L1, every block
 * imported (or, up to the head, compared), the posted state root and withdrawal root reached. Throws Halt
 * (mismatch or invalid), Wait or Stopped; resolves with the blocks' hashes and transaction count.
 */
export async function verifyBatch(deps: VerifyDeps, batch: PostedBatch): Promise<VerifiedBatch> {
  const { l1, chain, importer } = deps;
  const index = batch.batchIndex;
  const t0 = performance.now();
  if ((await l1.headerHash(index)) !== batch.headerHash) {
    throw new Wait(index, `batch ${index} on L1 is no longer the one its logs showed (removed or re-organised); reading L1 again`);
  }

  let data: Uint8Array;
  try {
    data = await deps.data(batch);
  } catch (e) {
    if (isMetisError(e, 'DA_INVALID')) throw new Halt('invalid', index, e, { commitment: batch.daCommitment });
    throw new Wait(index, `waiting for data of batch ${index}: ${(e as Error).message}`);
  }
  let blocks: BlockImport[];
  try {
    blocks = decodeBatch(data, { index });
  } catch (e) {
    if (isMetisError(e, 'BATCH_INVALID')) throw new Halt('invalid', index, e, { bytes: data.length });
    throw e;
  }

  const first = blocks[0]!;
  const last = blocks[blocks.length - 1]!;
  if (first.number !== batch.firstBlock || last.number !== batch.lastBlock) {
    throw invalid(index, `its data holds blocks ${first.number}-${last.number}, its header ${batch.firstBlock}-${batch.lastBlock}`);
  }
  const head = chain.head();
  if (batch.firstBlock > head.number + 1n) throw mismatch(index, `it starts at block ${batch.firstBlock}, after the local head ${head.number}`);
  const parent = (await chain.block(batch.firstBlock - 1n))!;
  if (parent.stateRoot !== batch.prevStateRoot) {
    throw mismatch(index, `its prevStateRoot ${batch.prevStateRoot} is not the state root ${parent.stateRoot} of block ${parent.number}`, {
      block: parent.number,
      expected: batch.prevStateRoot,
      computed: parent.stateRoot,
    });
  }
  await checkDeposits(l1, batch, blocks, parent.depositCount);
  const t1 = performance.now();
  deps.importing?.();

  const hashes: Hex[] = [];
  let txs = 0;
  for (const block of blocks) {
    if (deps.stopping()) throw new Stopped();
    txs += block.txs.length;
    if (block.number <= head.number) {
      const stored = await chain.body(block.number);
      const diff = stored ? blockDiff(stored, block) : 'not stored';
      if (diff) throw mismatch(index, `local block ${block.number} is not the batch's (${diff}): the local chain diverges from L1 (rebuild it from an empty data directory)`, { block: block.number });
      hashes.push((await chain.block(block.number))!.hash);
      continue;
    }
    try {
      hashes.push((await importer.importBlock(block)).hash);
    } catch (e) {
      const root = rootMetisError(e);
      if (root?.is('BATCH_INVALID') || root?.is('DEPOSIT_INVALID')) {
        throw new Halt('invalid', index, new MetisError('BATCH_INVALID', { index, reason: `block ${block.number} does not apply: ${root.message}` }, { cause: e }), { block: block.number });
      }
      throw e;
    }
  }

  const t2 = performance.now();
  const local = (await chain.block(batch.lastBlock))!;
  const computed: ComputedRoots = { stateRoot: local.stateRoot, withdrawalRoot: await withdrawalRootAt(chain, batch) };
  if (computed.stateRoot !== batch.newStateRoot) {
    throw mismatch(
      index,
      `block ${batch.lastBlock} re-executes to state root ${computed.stateRoot}, L1 says ${batch.newStateRoot}`,
      { block: batch.lastBlock, expected: batch.newStateRoot, computed: computed.stateRoot },
      computed,
    );
  }
  if (computed.withdrawalRoot !== batch.withdrawalRoot) throw withdrawalMismatch(batch, computed.withdrawalRoot, computed);
  const ms = (a: number, b: number): number => Math.round(b - a);
  return { hashes, txs, ms: { data: ms(t0, t1), import: ms(t1, t2), roots: ms(t2, performance.now()) }, computed };
}

/** The data's deposits continue the chain's count, reach the header's, and are the ones queued on L1. */
async function checkDeposits(l1: ReplicaL1, batch: PostedBatch, blocks: readonly BlockImport[], credited: bigint): Promise<void> {
  const index = batch.batchIndex;
  const deposits = blocks.flatMap((b) => b.deposits);
  if (deposits.length > 0 && deposits[0]!.index !== credited) {
    throw invalid(index, `its first deposit has index ${deposits[0]!.index}, the chain has credited ${credited}`);
  }
  const count = credited + BigInt(deposits.length);
  if (count !== batch.depositCount) throw invalid(index, `its data credits ${count} deposits in total, its header says ${batch.depositCount}`);
  for (let i = 0; i < deposits.length; i += DEPOSIT_CHECKS_AT_ONCE) {
    const group = deposits.slice(i, i + DEPOSIT_CHECKS_AT_ONCE);
    const onL1 = await Promise.all(group.map((d) => l1.depositHash(d.index)));
    for (const [j, d] of group.entries()) {
      if (onL1[j] === undefined) throw invalid(index, `deposit ${d.index} is not queued on L1`);
      if (onL1[j] !== depositHashOf(d)) throw invalid(index, `deposit ${d.index} is not the one queued on L1 (hash ${depositHashOf(d)}, L1 ${onL1[j]})`);
    }
  }
}

/** The withdrawal root of the batch's blocks' logs (as stored) must be the header's. */
export async function checkWithdrawalRoot(chain: ChainHead, batch: PostedBatch): Promise<void> {
  const root = await withdrawalRootAt(chain, batch);
  if (root !== batch.withdrawalRoot) throw withdrawalMismatch(batch, root);
}

/** The withdrawal root of the logs of the batch's blocks as stored here. Throws Halt when they cannot be read back. */
async function withdrawalRootAt(chain: ChainHead, batch: PostedBatch): Promise<Hex> {
  const logs: BlockLog[] = [];
  for (let n = batch.firstBlock; n <= batch.lastBlock; n++) logs.push(...((await chain.body(n))?.logs ?? []));
  try {
    return withdrawalRootOf(logs, { index: batch.batchIndex });
  } catch (e) {
    throw mismatch(batch.batchIndex, `its withdrawals cannot be read back: ${(e as Error).message}`);
  }
}

function withdrawalMismatch(batch: PostedBatch, root: Hex, computed?: ComputedRoots): Halt {
  return mismatch(
    batch.batchIndex,
    `the withdrawals of blocks ${batch.firstBlock}-${batch.lastBlock} have root ${root}, L1 says ${batch.withdrawalRoot}`,
    { expected: batch.withdrawalRoot, computed: root },
    computed,
  );
}
