/**
 * Fakes for the deriver's unit tests: a chain that "executes" blocks by hashing them (state root =
 * keccak(parent root, block inputs)), batches built from it as the sequencer would post them, and an L1
 * (logs, inbox reads, Bridge deposit hashes, DA) held in memory.
 */
import { id, keccak256 } from 'ethers';
import {
  EventBus,
  MetisError,
  createLogger,
  type Batch,
  type BlockBody,
  type BlockImport,
  type BlockImporter,
  type BlockTemplate,
  type ChainHead,
  type DataAvailability,
  type Deposit,
  type Hex,
  type Logger,
  type NodeEvents,
  type SealedBlock,
} from '@metis/core';
import { encodeBatch } from '../../batch/codec.js';
import { EMPTY_WITHDRAWAL_ROOT } from '../../batch/withdrawals.js';
import { bytesToHex } from '../../bytes.js';
import type { BatchSource, PostedBatch } from '../batch-log.js';
import { Deriver, type DeriverOptions } from '../deriver.js';
import { depositHashOf, type ReplicaL1 } from '../l1-reads.js';

const GENESIS_ROOT = keccak256('0x00') as Hex;
const COINBASE = `0x${'c0'.repeat(20)}` as Hex;

function rootOf(parent: Hex, b: BlockImport): Hex {
  const parts = [parent, `0x${b.number.toString(16).padStart(16, '0')}`, ...b.deposits.map((d) => depositHashOf(d)), ...b.txs.map((t) => bytesToHex(t))];
  return keccak256(`0x${parts.map((p) => p.slice(2)).join('')}`) as Hex;
}

/** A chain that stores what it imports; CHAIN_HEAD and BLOCK_IMPORTER. */
export class FakeChain implements ChainHead, BlockImporter {
  readonly blocks: { sealed: SealedBlock; body: BlockImport }[] = [];
  imports = 0;
  /** Makes the next imports fail as the EVM would (BATCH_INVALID) when it returns a reason. */
  refuse?: (b: BlockImport) => string | undefined;
  /** Milliseconds each import takes. */
  delayMs = 0;

  constructor() {
    const sealed: SealedBlock = { number: 0n, hash: keccak256('0x01') as Hex, parentHash: `0x${'00'.repeat(32)}`, timestamp: 0n, stateRoot: GENESIS_ROOT, gasUsed: 0n, txHashes: [], depositCount: 0n };
    this.blocks.push({ sealed, body: { number: 0n, timestamp: 0n, gasLimit: 30_000_000n, coinbase: COINBASE, deposits: [], txs: [] } });
  }

  head(): SealedBlock {
    return this.blocks[this.blocks.length - 1]!.sealed;
  }

  async block(n: bigint): Promise<SealedBlock | undefined> {
    return this.blocks[Number(n)]?.sealed;
  }

  async body(n: bigint): Promise<BlockBody | undefined> {
    const b = this.blocks[Number(n)];
    return b ? { ...b.body, logs: [] } : undefined;
  }

  nextTemplate(timestamp: bigint): BlockTemplate {
    const head = this.head();
    return { number: head.number + 1n, parentHash: head.hash, timestamp, gasLimit: 30_000_000n, depositCount: head.depositCount };
  }

  async importBlock(b: BlockImport): Promise<SealedBlock> {
    const head = this.head();
    const fail = (reason: string) => new MetisError('BATCH_INVALID', { index: `for block ${b.number}`, reason });
    if (b.number !== head.number + 1n) throw fail(`the head is ${head.number}`);
    const refused = this.refuse?.(b);
    if (refused) throw fail(refused);
    await new Promise((r) => (this.delayMs > 0 ? setTimeout(r, this.delayMs) : setImmediate(r)));
    const stateRoot = rootOf(head.stateRoot, b);
    const sealed: SealedBlock = {
      number: b.number,
      hash: keccak256(stateRoot) as Hex,
      parentHash: head.hash,
      timestamp: b.timestamp,
      stateRoot,
      gasUsed: 0n,
      txHashes: b.txs.map((t) => keccak256(t) as Hex),
      depositCount: head.depositCount + BigInt(b.deposits.length),
    };
    this.blocks.push({ sealed, body: b });
    this.imports++;
    return sealed;
  }
}

/** The L1 as the deriver sees it: posted batches, their data, queued deposits, finality. */
export class FakeL1 implements BatchSource, ReplicaL1, DataAvailability {
  readonly kind = 1;
  readonly name = 'fake';
  private readonly posted = new Map<bigint, PostedBatch>();
  readonly data = new Map<Hex, Uint8Array>();
  readonly deposits = new Map<bigint, Hex>();
  finalizedIndex: bigint | undefined;
  removals = 0;
  first = 0n;
  polls = 0;
  /** Makes the next `retrieve`s fail with DA_UNAVAILABLE while it is above 0. */
  unavailable = 0;
  retrievals = 0;
  /** The producing chain, to build batches from. */
  readonly producer = new FakeChain();
  private nextDeposit = 0n;
  private l1Block = 100;

  get count(): bigint {
    return BigInt(this.posted.size) + this.first;
  }

  async poll(): Promise<void> {
    this.polls++;
  }

  get(index: bigint): PostedBatch | undefined {
    return this.posted.get(index);
  }

  forget(index: bigint): void {
    for (const i of this.posted.keys()) if (i < index) this.posted.delete(i);
    if (index > this.first) this.first = index;
  }

  async headerHash(index: bigint): Promise<Hex | undefined> {
    return this.posted.get(index)?.headerHash;
  }

  async lastFinalizedBatch(): Promise<bigint | undefined> {
    return this.finalizedIndex;
  }

  async depositHash(index: bigint): Promise<Hex | undefined> {
    return this.deposits.get(index);
  }

  async publish(): Promise<Uint8Array> {
    throw new Error('read only');
  }

  async retrieve(commitment: Uint8Array, expectedHash: Hex): Promise<Uint8Array> {
    this.retrievals++;
    if (this.unavailable > 0) {
      this.unavailable--;
      throw new MetisError('DA_UNAVAILABLE', { commitment: bytesToHex(commitment), reason: 'L1 transaction 0xabc not found' });
    }
    const data = this.data.get(bytesToHex(commitment));
    if (!data) throw new MetisError('DA_UNAVAILABLE', { commitment: bytesToHex(commitment), reason: 'unknown' });
    if (keccak256(data) !== expectedHash) throw new MetisError('DA_INVALID', { commitment: bytesToHex(commitment), reason: 'hash' });
    return data;
  }

  /** Queues a deposit on "L1" and returns it. */
  deposit(amount = 1n): Deposit {
    const d: Deposit = { index: this.nextDeposit++, l1Block: 7n, from: `0x${'aa'.repeat(20)}`, to: `0x${'bb'.repeat(20)}`, l1Token: `0x${'00'.repeat(20)}`, amount, tokenMeta: '0x' };
    this.deposits.set(d.index, depositHashOf(d));
    return d;
  }

  /**
   * Produces `blocks` blocks (txs per block, deposits in the first) on the producer chain and posts them as
   * the next batch. `tamper` may change the header or the data before posting.
   */
  async postBatch(blocks: number, opts: { txs?: number; deposits?: Deposit[]; tamper?: (h: PostedBatch, data: Uint8Array) => { h?: Partial<PostedBatch>; data?: Uint8Array } } = {}): Promise<PostedBatch> {
    const index = this.count;
    const parent = this.producer.head();
    const made: BlockImport[] = [];
    for (let i = 0; i < blocks; i++) {
      const number = this.producer.head().number + 1n;
      const txs = Array.from({ length: opts.txs ?? 2 }, (_, j) => Uint8Array.of(0x02, Number(number & 0xffn), j, Number(index & 0xffn)));
      const b: BlockImport = { number, timestamp: number * 2n, gasLimit: 30_000_000n, coinbase: COINBASE, deposits: i === 0 ? (opts.deposits ?? []) : [], txs };
      await this.producer.importBlock(b);
      made.push(b);
    }
    let data = encodeBatch(made);
    const last = this.producer.head();
    let header: PostedBatch = {
      chainId: 1337n,
      batchIndex: index,
      firstBlock: made[0]!.number,
      lastBlock: last.number,
      prevStateRoot: parent.stateRoot,
      newStateRoot: last.stateRoot,
      dataHash: keccak256(data) as Hex,
      daCommitment: `0x01${index.toString(16).padStart(64, '0')}` as Hex,
      withdrawalRoot: EMPTY_WITHDRAWAL_ROOT,
      depositCount: last.depositCount,
      headerHash: '0x' as Hex,
      l1Block: this.l1Block++,
    };
    if (opts.tamper) {
      const t = opts.tamper(header, data);
      if (t.data) data = t.data;
      header = { ...header, dataHash: keccak256(data) as Hex, ...t.h };
    }
    header = { ...header, headerHash: id(JSON.stringify(header, (_, v) => (typeof v === 'bigint' ? v.toString() : v))) as Hex };
    this.data.set(header.daCommitment, data);
    this.posted.set(index, header);
    return header;
  }

  /** BatchesRemoved from `index` on: the producer rewinds to the block before it. */
  removeFrom(index: bigint): void {
    const firstBlock = this.posted.get(index)!.firstBlock;
    for (const i of [...this.posted.keys()]) if (i >= index) this.posted.delete(i);
    this.producer.blocks.length = Number(firstBlock);
    this.removals++;
  }
}

export interface Setup {
  readonly l1: FakeL1;
  readonly chain: FakeChain;
  readonly deriver: Deriver;
  readonly events: EventBus<NodeEvents>;
  readonly batches: Batch[];
  readonly lines: Record<string, any>[];
  /** Steps until nothing moves any more. */
  settle(): Promise<void>;
}

export function memoryLogger(): { logger: Logger; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

export function setup(l1 = new FakeL1(), chain = new FakeChain(), options: Partial<DeriverOptions> = {}): Setup {
  const events = new EventBus<NodeEvents>();
  const batches: Batch[] = [];
  events.on('batch', (b) => batches.push(b));
  const { logger, lines } = memoryLogger();
  const deriver = new Deriver({ source: l1, l1, da: l1, chain, importer: chain, events, logger, options: { pollInterval: 10, maxBackoff: 40, ...options } });
  return {
    l1,
    chain,
    deriver,
    events,
    batches,
    lines,
    async settle() {
      for (let i = 0; i < 100 && (await deriver.step()); i++);
    },
  };
}

