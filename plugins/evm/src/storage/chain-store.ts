import { createBlockHeaderFromRLP, type BlockHeader } from '@ethereumjs/block';
import type { Common } from '@ethereumjs/common';
import { createTxFromRLP, type TypedTransaction } from '@ethereumjs/tx';
import { bytesToHex } from '@ethereumjs/util';
import { MetisError, type Hex } from '@metis/core';
import { depositHash } from '../execute/deposits.js';
import { decodeBlock, decodeTxLocation, encodeBlock, encodeTxLocation, type StoredBlock, type StoredLog } from './block-codec.js';
import { keys, readU64, u64 } from './keys.js';
import type { ChainLevel, LevelOp } from './level.js';
import { Lru } from './lru.js';

/**
 * The L1 deposits a chain has consumed up to and including a block: 0 at the genesis, else the 8-byte
 * big-endian count every later header carries as its extraData (so the block hash commits to it).
 */
export function depositCountOf(header: BlockHeader): bigint | undefined {
  if (header.number === 0n) return 0n;
  return header.extraData.length === 8 ? readU64(header.extraData) : undefined;
}

/** Where a log of a block comes from: a deposit the block credited, or one of its transactions. */
export type LogOrigin =
  | { readonly kind: 'tx'; /** The transaction index. */ readonly index: number }
  | { readonly kind: 'deposit'; /** Position among the block's deposits. */ readonly index: number; readonly deposit: bigint };

/** A stored block with its header decoded; transactions decode on first use. */
export class ChainBlock {
  private decodedTxs?: TypedTransaction[];
  private hashHex?: Hex;
  private txHashHexes?: Hex[];
  private logOffsets?: Uint32Array;
  /** L1 deposits consumed up to and including this block. */
  readonly depositCount: bigint;

  constructor(
    readonly header: BlockHeader,
    readonly stored: StoredBlock,
    readonly common: Common,
    /** The executor passes the transactions it already decoded, so reads never decode them again. */
    decoded?: TypedTransaction[],
  ) {
    this.decodedTxs = decoded;
    const count = depositCountOf(header);
    if (count === undefined) {
      throw new MetisError('STORAGE_CORRUPT', { key: `block ${header.number}`, reason: 'extraData is not an 8-byte deposit count' });
    }
    const last = stored.deposits.at(-1);
    if (last && last.deposit.index + 1n !== count) {
      throw new MetisError('STORAGE_CORRUPT', { key: `block ${header.number}`, reason: `deposit count ${count} but last deposit ${last.deposit.index}` });
    }
    this.depositCount = count;
  }

  get number(): bigint {
    return this.header.number;
  }

  get hash(): Hex {
    return (this.hashHex ??= bytesToHex(this.header.hash()) as Hex);
  }

  get txs(): TypedTransaction[] {
    this.decodedTxs ??= this.stored.txs.map((raw) => createTxFromRLP(raw, { common: this.common }));
    return this.decodedTxs;
  }

  txHash(index: number): Hex {
    return this.txHashes()[index]!;
  }

  /** The transactions' hashes as hex, computed once: the store's index, its memory, receipts and events use them. */
  txHashes(): readonly Hex[] {
    return (this.txHashHexes ??= this.txs.map((tx) => bytesToHex(tx.hash()) as Hex));
  }

  /** Number of logs the block's deposits emitted: they come first in the block's log order. */
  get depositLogCount(): number {
    let n = 0;
    for (const d of this.stored.deposits) n += d.logs.length;
    return n;
  }

  /** `logIndex` of the first log of transaction `index` (the deposits' logs come first); computed once per block. */
  firstLogIndex(index: number): number {
    if (!this.logOffsets) {
      const { receipts } = this.stored;
      const offsets = new Uint32Array(receipts.length);
      let n = this.depositLogCount;
      for (let i = 0; i < receipts.length; i++) {
        offsets[i] = n;
        n += receipts[i]!.logs.length;
      }
      this.logOffsets = offsets;
    }
    return this.logOffsets[index]!;
  }

  /**
   * Every log of the block in execution order (deposits' first, then the transactions'), with its origin;
   * the position in this sequence is the log's `logIndex`.
   */
  *logs(): Generator<{ log: StoredLog; origin: LogOrigin }> {
    for (const [i, d] of this.stored.deposits.entries()) {
      if (d.logs.length === 0) continue;
      const origin: LogOrigin = { kind: 'deposit', index: i, deposit: d.deposit.index };
      for (const log of d.logs) yield { log, origin };
    }
    for (const [i, r] of this.stored.receipts.entries()) {
      if (r.logs.length === 0) continue;
      const origin: LogOrigin = { kind: 'tx', index: i };
      for (const log of r.logs) yield { log, origin };
    }
  }

  /** The transaction hash of a log's origin: the transaction's, or the deposit's (depositHash). */
  originHash(origin: LogOrigin): Hex {
    return origin.kind === 'tx' ? this.txHash(origin.index) : depositHash(this.common.chainId(), origin.deposit);
  }
}

/** Transaction locations kept in memory for the newest blocks (about 20 blocks of 5,000 transfers). */
const RECENT_TXS = 100_000;

/**
 * Blocks, receipts and their indexes (by number, hash, transaction hash, log address and log topic) in
 * the chain LevelDB. Writes are returned as operations so the executor commits them in the same atomic
 * batch as the block's state.
 */
export class ChainStore {
  private readonly cache = new Lru<bigint, ChainBlock>(256);
  /** Where the transactions of recently made blocks are: receipts are asked for right after a block. */
  private readonly recentTxs = new Lru<string, { block: bigint; index: number }>(RECENT_TXS);

  constructor(
    private readonly level: ChainLevel,
    private readonly common: Common,
  ) {}

  async headNumber(): Promise<bigint | undefined> {
    const bytes = await this.level.get(keys.head);
    return bytes ? readU64(bytes) : undefined;
  }

  async genesisMarker(): Promise<Uint8Array | undefined> {
    return this.level.get(keys.genesis);
  }

  /** The operations that store one block, index it, and move the head to it. */
  blockOps(header: BlockHeader, stored: StoredBlock, txHashes: readonly Hex[]): LevelOp[] {
    const n = header.number;
    const ops: LevelOp[] = [
      { type: 'put', key: keys.block(n), value: encodeBlock(stored) },
      { type: 'put', key: keys.blockByHash(bytesToHex(header.hash())), value: u64(n) },
      { type: 'put', key: keys.head, value: u64(n) },
    ];
    txHashes.forEach((hash, i) => ops.push({ type: 'put', key: keys.tx(hash), value: encodeTxLocation(n, i) }));
    const seen = new Set<string>();
    const empty = new Uint8Array(0);
    for (const { logs } of [...stored.deposits, ...stored.receipts]) {
      for (const [address, topics] of logs) {
        const a = bytesToHex(address);
        if (!seen.has(a)) {
          seen.add(a);
          ops.push({ type: 'put', key: keys.logAddress(address, n), value: empty });
        }
        for (const topic of topics) {
          const t = bytesToHex(topic);
          if (!seen.has(t)) {
            seen.add(t);
            ops.push({ type: 'put', key: keys.logTopic(topic, n), value: empty });
          }
        }
      }
    }
    return ops;
  }

  async write(ops: LevelOp[]): Promise<void> {
    await this.level.batch(ops);
  }

  remember(block: ChainBlock): void {
    this.cache.set(block.number, block);
    block.txHashes().forEach((hash, index) => this.recentTxs.set(hash, { block: block.number, index }));
  }

  async block(n: bigint): Promise<ChainBlock | undefined> {
    const cached = this.cache.get(n);
    if (cached) return cached;
    const bytes = await this.level.get(keys.block(n));
    if (!bytes) return undefined;
    const key = `block ${n}`;
    const stored = decodeBlock(bytes, key);
    let header: BlockHeader;
    try {
      header = createBlockHeaderFromRLP(stored.header, { common: this.common, skipConsensusFormatValidation: true });
    } catch (e) {
      throw new MetisError('STORAGE_CORRUPT', { key, reason: `header: ${(e as Error).message}` });
    }
    if (header.number !== n) throw new MetisError('STORAGE_CORRUPT', { key, reason: `holds block ${header.number}` });
    const block = new ChainBlock(header, stored, this.common);
    this.cache.set(n, block);
    return block;
  }

  async numberOf(hash: Hex): Promise<bigint | undefined> {
    if (!/^0x[0-9a-fA-F]{64}$/.test(hash)) return undefined;
    const bytes = await this.level.get(keys.blockByHash(hash));
    return bytes ? readU64(bytes) : undefined;
  }

  /** Where a transaction of one of the newest blocks is, from memory only (no disk read). */
  recentTxLocation(hash: Hex): { block: bigint; index: number } | undefined {
    // Peek: a get that refreshed recency cost a delete and an insert in a 100,000-entry map per receipt.
    return this.recentTxs.peek(hash.toLowerCase());
  }

  async txLocation(hash: Hex): Promise<{ block: bigint; index: number } | undefined> {
    if (!/^0x[0-9a-fA-F]{64}$/.test(hash)) return undefined;
    const recent = this.recentTxLocation(hash);
    if (recent) return recent;
    const bytes = await this.level.get(keys.tx(hash));
    return bytes ? decodeTxLocation(bytes, `tx ${hash}`) : undefined;
  }

  /** Block numbers in [from, to] whose logs include the address (or topic), from the index. */
  async indexedBlocks(kind: 'address' | 'topic', value: Uint8Array, from: bigint, to: bigint): Promise<bigint[]> {
    const lo = kind === 'address' ? keys.logAddress(value, from) : keys.logTopic(value, from);
    const hi = kind === 'address' ? keys.logAddress(value, to) : keys.logTopic(value, to);
    const out: bigint[] = [];
    for await (const key of this.level.keys({ gte: lo, lte: hi })) out.push(readU64(key, key.length - 8));
    return out;
  }
}
