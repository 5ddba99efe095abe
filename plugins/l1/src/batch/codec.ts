import { constants, deflateSync, inflateSync } from 'node:zlib';
import { RLP } from '@ethereumjs/rlp';
import { MetisError, type BlockBody, type BlockImport, type Deposit } from '@metis/core';
import { bytesToHex } from '../bytes.js';
import { FieldError, addressToBytes, asAddress, asBytes, asList, asUint, dataToBytes, uintToBytes, type RlpItem } from './rlp-fields.js';

/**
 * Batch data: what anyone needs to re-execute a batch's blocks. Layout:
 *
 *     version (1 byte, 0x01) || zlib-deflate( RLP([block, ...]) )
 *     block   = [number, timestamp, gasLimit, coinbase, [deposit, ...], [rawTx, ...]]
 *     deposit = [index, l1Block, from, to, l1Token, amount, tokenMeta]
 *
 * Integers are canonical RLP integers (minimal big-endian, no leading zero; 0 is the empty string): block
 * number, timestamp, gas limit, deposit index and L1 block fit in 8 bytes, amounts in 32. Addresses are 20
 * bytes. Logs are outputs and are not encoded.
 */
export const BATCH_VERSION = 0x01;

/** Default bound on the decompressed size (zip bombs stop here, before the memory is taken). */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

export interface EncodeBatchOptions {
  /** zlib level, 0 (none) to 9 (smallest, the default: batch data is paid for on L1). */
  level?: number;
}

export interface DecodeBatchOptions {
  /** Bound on the RLP's size after inflating; default 64 MiB. */
  maxDecompressedBytes?: number;
  /** The batch's index, for error messages. */
  index?: bigint | number;
}

const UINT64 = 8;
const UINT256 = 32;

function invalid(reason: string, index: bigint | number | undefined, cause?: unknown): MetisError {
  return new MetisError('BATCH_INVALID', { index: index ?? 'data', reason }, cause === undefined ? {} : { cause });
}

/** Consecutive block numbers; deposit indices contiguous across the whole batch. */
function checkSequence(blocks: readonly BlockImport[]): string | undefined {
  if (blocks.length === 0) return 'a batch holds at least one block';
  let nextDeposit: bigint | undefined;
  for (const [i, block] of blocks.entries()) {
    if (i > 0 && block.number !== blocks[i - 1]!.number + 1n) return `block ${i} has number ${block.number}, expected ${blocks[i - 1]!.number + 1n}`;
    for (const [j, deposit] of block.deposits.entries()) {
      if (nextDeposit !== undefined && deposit.index !== nextDeposit) return `block ${block.number} deposit ${j} has index ${deposit.index}, expected ${nextDeposit}`;
      nextDeposit = deposit.index + 1n;
    }
  }
  return undefined;
}

function depositToRlp(d: Deposit, path: string): Uint8Array[] {
  return [
    uintToBytes(d.index, UINT64, `${path}.index`),
    uintToBytes(d.l1Block, UINT64, `${path}.l1Block`),
    addressToBytes(d.from, `${path}.from`),
    addressToBytes(d.to, `${path}.to`),
    addressToBytes(d.l1Token, `${path}.l1Token`),
    uintToBytes(d.amount, UINT256, `${path}.amount`),
    dataToBytes(d.tokenMeta, `${path}.tokenMeta`),
  ];
}

/**
 * Encodes blocks as batch data (see {@link BATCH_VERSION} for the layout). Throws BATCH_INVALID for blocks
 * that `decodeBatch` would refuse (no block, numbers not consecutive, deposit indices not contiguous, a
 * field out of range).
 */
export function encodeBatch(blocks: readonly (BlockBody | BlockImport)[], options: EncodeBatchOptions = {}): Uint8Array {
  const problem = checkSequence(blocks);
  if (problem) throw invalid(problem, undefined);
  let rlp: Uint8Array;
  try {
    rlp = RLP.encode(
      blocks.map((b, i) => [
        uintToBytes(b.number, UINT64, `block ${i} number`),
        uintToBytes(b.timestamp, UINT64, `block ${i} timestamp`),
        uintToBytes(b.gasLimit, UINT64, `block ${i} gasLimit`),
        addressToBytes(b.coinbase, `block ${i} coinbase`),
        b.deposits.map((d, j) => depositToRlp(d, `block ${i} deposit ${j}`)),
        b.txs.map((tx, j) => {
          if (tx.length === 0) throw new FieldError(`block ${i} tx ${j} is empty`);
          return tx;
        }),
      ]),
    );
  } catch (e) {
    if (e instanceof FieldError) throw invalid(e.message, undefined);
    throw e;
  }
  const compressed = deflateSync(rlp, { level: options.level ?? constants.Z_BEST_COMPRESSION });
  const out = new Uint8Array(1 + compressed.length);
  out[0] = BATCH_VERSION;
  out.set(compressed, 1);
  return out;
}

function inflate(bytes: Uint8Array, max: number, index: bigint | number | undefined): Uint8Array {
  let result: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    result = inflateSync(bytes.subarray(1), { maxOutputLength: max, info: true }) as unknown as typeof result;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw invalid(`decompresses to more than ${max} bytes`, index, e);
    throw invalid(`bad compression (${code ?? (e as Error).message})`, index, e);
  }
  if (result.engine.bytesWritten !== bytes.length - 1) throw invalid(`${bytes.length - 1 - result.engine.bytesWritten} bytes after the compressed data`, index);
  return new Uint8Array(result.buffer.buffer, result.buffer.byteOffset, result.buffer.byteLength);
}

function decodeDeposit(item: RlpItem, path: string): Deposit {
  const f = asList(item, path, 7);
  return {
    index: asUint(f[0], UINT64, `${path} index`),
    l1Block: asUint(f[1], UINT64, `${path} l1Block`),
    from: asAddress(f[2], `${path} from`),
    to: asAddress(f[3], `${path} to`),
    l1Token: asAddress(f[4], `${path} l1Token`),
    amount: asUint(f[5], UINT256, `${path} amount`),
    tokenMeta: bytesToHex(asBytes(f[6], `${path} tokenMeta`)),
  };
}

function decodeBlock(item: RlpItem, i: number): BlockImport {
  const path = `block ${i}`;
  const f = asList(item, path, 6);
  return {
    number: asUint(f[0], UINT64, `${path} number`),
    timestamp: asUint(f[1], UINT64, `${path} timestamp`),
    gasLimit: asUint(f[2], UINT64, `${path} gasLimit`),
    coinbase: asAddress(f[3], `${path} coinbase`),
    deposits: asList(f[4], `${path} deposits`).map((d, j) => decodeDeposit(d, `${path} deposit ${j}`)),
    txs: asList(f[5], `${path} txs`).map((tx, j) => {
      const raw = asBytes(tx, `${path} tx ${j}`);
      if (raw.length === 0) throw new FieldError(`${path} tx ${j} is empty`);
      return raw;
    }),
  };
}

/**
 * Decodes batch data strictly, with bounded memory: any defect (wrong version, bad or trailing compressed
 * data, more than `maxDecompressedBytes` after inflating, malformed or non-canonical RLP, a wrong field count
 * or size, block numbers not consecutive, deposit indices not contiguous) is a MetisError BATCH_INVALID with
 * the reason; nothing else is thrown.
 */
export function decodeBatch(bytes: Uint8Array, options: DecodeBatchOptions = {}): BlockImport[] {
  const { index } = options;
  const max = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  if (bytes.length === 0) throw invalid('empty data', index);
  if (bytes[0] !== BATCH_VERSION) throw invalid(`unknown version ${bytes[0]}`, index);
  const rlp = inflate(bytes, max, index);
  let decoded: RlpItem;
  try {
    decoded = RLP.decode(rlp) as RlpItem;
  } catch (e) {
    throw invalid(`malformed RLP (${(e as Error).message})`, index, e);
  }
  let blocks: BlockImport[];
  try {
    blocks = asList(decoded, 'batch').map(decodeBlock);
  } catch (e) {
    if (e instanceof FieldError) throw invalid(e.message, index);
    throw invalid(`undecodable (${(e as Error).message})`, index, e);
  }
  const problem = checkSequence(blocks);
  if (problem) throw invalid(problem, index);
  return blocks;
}
