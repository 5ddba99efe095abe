import { RLP } from '@ethereumjs/rlp';
import { bigIntToUnpaddedBytes, bytesToBigInt } from '@ethereumjs/util';

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

/** A block as stored: header RLP, raw transactions, receipts, and recovered senders (never recovered twice). */
export interface StoredBlock {
  readonly header: Uint8Array;
  readonly txs: Uint8Array[];
  readonly receipts: StoredReceipt[];
  readonly senders: Uint8Array[];
}

export function encodeBlock(b: StoredBlock): Uint8Array {
  return RLP.encode([
    b.header,
    b.txs,
    b.receipts.map((r) => [
      Uint8Array.of(r.status),
      bigIntToUnpaddedBytes(r.cumulativeGasUsed),
      bigIntToUnpaddedBytes(r.gasUsed),
      r.logs,
      r.contractAddress ?? new Uint8Array(0),
    ]),
    b.senders,
  ]);
}

export function decodeBlock(bytes: Uint8Array): StoredBlock {
  const [header, txs, receipts, senders] = RLP.decode(bytes) as unknown as [
    Uint8Array,
    Uint8Array[],
    [Uint8Array, Uint8Array, Uint8Array, StoredLog[], Uint8Array][],
    Uint8Array[],
  ];
  return {
    header,
    txs,
    receipts: receipts.map(([status, cumulative, used, logs, contract]) => ({
      status: status[0] === 1 ? 1 : 0,
      cumulativeGasUsed: bytesToBigInt(cumulative),
      gasUsed: bytesToBigInt(used),
      logs,
      contractAddress: contract.length === 20 ? contract : undefined,
    })),
    senders,
  };
}

/** Location of a transaction: block number and index. */
export function encodeTxLocation(block: bigint, index: number): Uint8Array {
  return RLP.encode([bigIntToUnpaddedBytes(block), bigIntToUnpaddedBytes(BigInt(index))]);
}

export function decodeTxLocation(bytes: Uint8Array): { block: bigint; index: number } {
  const [block, index] = RLP.decode(bytes) as Uint8Array[];
  return { block: bytesToBigInt(block!), index: Number(bytesToBigInt(index!)) };
}
