import { RLP } from '@ethereumjs/rlp';
import { bigIntToUnpaddedBytes, bytesToBigInt, bytesToHex, hexToBytes } from '@ethereumjs/util';
import { MetisError, type Deposit, type Hex } from '@metis/core';

/** A log as stored: emitter address, topics, data. */
export type StoredLog = [address: Uint8Array, topics: Uint8Array[], data: Uint8Array];

export interface StoredReceipt {
  readonly status: 0 | 1;
  readonly cumulativeGasUsed: bigint;
  readonly gasUsed: bigint;
  readonly logs: StoredLog[];
  /** Set when the transaction created a contract. */
  readonly contractAddress?: Uint8Array;
}

/** An L1 deposit the block credited, and what crediting it did (status 0: reverted or out of gas). */
export interface StoredDeposit {
  readonly deposit: Deposit;
  readonly status: 0 | 1;
  /** Gas the `finalizeDeposit` call used (not part of the block's gas used). */
  readonly gasUsed: bigint;
  readonly logs: StoredLog[];
}

/**
 * A block as stored: header RLP, raw transactions, receipts, recovered senders (never recovered twice),
 * and the deposits it credited before its transactions, with their outcomes.
 */
export interface StoredBlock {
  readonly header: Uint8Array;
  readonly txs: Uint8Array[];
  readonly receipts: StoredReceipt[];
  readonly senders: Uint8Array[];
  readonly deposits: StoredDeposit[];
}

const EMPTY = new Uint8Array(0);
const u = bigIntToUnpaddedBytes;
const status = (s: 0 | 1): Uint8Array => Uint8Array.of(s);
const address = (hex: Hex): Uint8Array => hexToBytes(hex);

function encodeDeposit(d: StoredDeposit): unknown[] {
  const x = d.deposit;
  return [u(x.index), u(x.l1Block), address(x.from), address(x.to), address(x.l1Token), u(x.amount), hexToBytes(x.tokenMeta), status(d.status), u(d.gasUsed), d.logs];
}

/** RLP: [header, txs, receipts, senders, deposits]. */
export function encodeBlock(b: StoredBlock): Uint8Array {
  return RLP.encode([
    b.header,
    b.txs,
    b.receipts.map((r) => [status(r.status), u(r.cumulativeGasUsed), u(r.gasUsed), r.logs, r.contractAddress ?? EMPTY]),
    b.senders,
    b.deposits.map(encodeDeposit) as never,
  ]);
}

/** Structure checks of the decoder; any failure is STORAGE_CORRUPT at `key`. */
class Reader {
  constructor(private readonly key: string) {}

  fail(reason: string): never {
    throw new MetisError('STORAGE_CORRUPT', { key: this.key, reason });
  }

  list(v: unknown, what: string, length?: number): unknown[] {
    if (!Array.isArray(v)) this.fail(`${what}: expected a list`);
    if (length !== undefined && v.length !== length) this.fail(`${what}: expected ${length} items, found ${v.length}`);
    return v;
  }

  bytes(v: unknown, what: string, length?: number): Uint8Array {
    if (!(v instanceof Uint8Array)) this.fail(`${what}: expected bytes`);
    if (length !== undefined && v.length !== length) this.fail(`${what}: expected ${length} bytes, found ${v.length}`);
    return v;
  }

  /** A canonical unsigned integer of at most `maxBytes` bytes (no leading zero byte). */
  uint(v: unknown, what: string, maxBytes: number): bigint {
    const b = this.bytes(v, what);
    if (b.length > maxBytes) this.fail(`${what}: more than ${maxBytes} bytes`);
    if (b.length > 0 && b[0] === 0) this.fail(`${what}: leading zero`);
    return bytesToBigInt(b);
  }

  status(v: unknown, what: string): 0 | 1 {
    const b = this.bytes(v, what, 1);
    if (b[0] !== 0 && b[0] !== 1) this.fail(`${what}: expected 0 or 1`);
    return b[0] as 0 | 1;
  }

  logs(v: unknown, what: string): StoredLog[] {
    return this.list(v, what).map((raw, i) => {
      const [emitter, topics, data] = this.list(raw, `${what}[${i}]`, 3);
      const topicList = this.list(topics, `${what}[${i}].topics`);
      if (topicList.length > 4) this.fail(`${what}[${i}]: more than 4 topics`);
      return [
        this.bytes(emitter, `${what}[${i}].address`, 20),
        topicList.map((t, j) => this.bytes(t, `${what}[${i}].topics[${j}]`, 32)),
        this.bytes(data, `${what}[${i}].data`),
      ];
    });
  }
}

/** Decodes a stored block, checking its whole structure: malformed bytes are STORAGE_CORRUPT at `key`. */
export function decodeBlock(bytes: Uint8Array, key = 'block'): StoredBlock {
  const r = new Reader(key);
  let decoded: unknown;
  try {
    decoded = RLP.decode(bytes);
  } catch (e) {
    r.fail(`not RLP (${(e as Error).message})`);
  }
  const [header, txs, receipts, senders, deposits] = r.list(decoded, 'block', 5);
  const block: StoredBlock = {
    header: r.bytes(header, 'header'),
    txs: r.list(txs, 'txs').map((t, i) => r.bytes(t, `txs[${i}]`)),
    receipts: r.list(receipts, 'receipts').map((raw, i) => {
      const [s, cumulative, used, logs, contract] = r.list(raw, `receipts[${i}]`, 5);
      const contractAddress = r.bytes(contract, `receipts[${i}].contractAddress`);
      if (contractAddress.length !== 0 && contractAddress.length !== 20) r.fail(`receipts[${i}].contractAddress: expected 0 or 20 bytes`);
      return {
        status: r.status(s, `receipts[${i}].status`),
        cumulativeGasUsed: r.uint(cumulative, `receipts[${i}].cumulativeGasUsed`, 8),
        gasUsed: r.uint(used, `receipts[${i}].gasUsed`, 8),
        logs: r.logs(logs, `receipts[${i}].logs`),
        contractAddress: contractAddress.length === 20 ? contractAddress : undefined,
      };
    }),
    senders: r.list(senders, 'senders').map((s, i) => r.bytes(s, `senders[${i}]`, 20)),
    deposits: r.list(deposits, 'deposits').map((raw, i) => {
      const w = `deposits[${i}]`;
      const [index, l1Block, from, to, l1Token, amount, tokenMeta, s, gasUsed, logs] = r.list(raw, w, 10);
      return {
        deposit: {
          index: r.uint(index, `${w}.index`, 8),
          l1Block: r.uint(l1Block, `${w}.l1Block`, 8),
          from: bytesToHex(r.bytes(from, `${w}.from`, 20)) as Hex,
          to: bytesToHex(r.bytes(to, `${w}.to`, 20)) as Hex,
          l1Token: bytesToHex(r.bytes(l1Token, `${w}.l1Token`, 20)) as Hex,
          amount: r.uint(amount, `${w}.amount`, 32),
          tokenMeta: bytesToHex(r.bytes(tokenMeta, `${w}.tokenMeta`)) as Hex,
        },
        status: r.status(s, `${w}.status`),
        gasUsed: r.uint(gasUsed, `${w}.gasUsed`, 8),
        logs: r.logs(logs, `${w}.logs`),
      };
    }),
  };
  if (block.receipts.length !== block.txs.length || block.senders.length !== block.txs.length) {
    r.fail(`${block.txs.length} transactions, ${block.receipts.length} receipts, ${block.senders.length} senders`);
  }
  block.deposits.forEach((d, i) => {
    if (i > 0 && d.deposit.index !== block.deposits[i - 1]!.deposit.index + 1n) r.fail(`deposits[${i}]: index not contiguous`);
  });
  return block;
}

/** Location of a transaction: block number and index. */
export function encodeTxLocation(block: bigint, index: number): Uint8Array {
  return RLP.encode([bigIntToUnpaddedBytes(block), bigIntToUnpaddedBytes(BigInt(index))]);
}

export function decodeTxLocation(bytes: Uint8Array, key = 'tx location'): { block: bigint; index: number } {
  const r = new Reader(key);
  let decoded: unknown;
  try {
    decoded = RLP.decode(bytes);
  } catch (e) {
    r.fail(`not RLP (${(e as Error).message})`);
  }
  const [block, index] = r.list(decoded, 'location', 2);
  return { block: r.uint(block, 'block', 8), index: Number(r.uint(index, 'index', 4)) };
}
