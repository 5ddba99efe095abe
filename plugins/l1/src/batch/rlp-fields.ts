import type { Hex } from '@metis/core';
import { bytesToHex, hexToBytes } from '../bytes.js';

/**
 * Strict conversions between RLP items and the batch's fields. Each decoder throws a `FieldError` (a plain
 * message) that the codec turns into BATCH_INVALID with the field's path.
 */
export class FieldError extends Error {}

/** A decoded RLP item: bytes or a list of items. */
export type RlpItem = Uint8Array | RlpItem[];

/** Minimal big-endian bytes of a non-negative integer (0 → empty), as RLP encodes integers. */
export function uintToBytes(value: bigint, maxBytes: number, what: string): Uint8Array {
  if (value < 0n) throw new FieldError(`${what} is negative`);
  if (value === 0n) return new Uint8Array();
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (hex.length / 2 > maxBytes) throw new FieldError(`${what} does not fit in ${maxBytes} bytes`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Bytes of a 0x address, exactly 20. */
export function addressToBytes(address: string, what: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = hexToBytes(address);
  } catch {
    throw new FieldError(`${what} is not hex`);
  }
  if (bytes.length !== 20) throw new FieldError(`${what} is ${bytes.length} bytes, not 20`);
  return bytes;
}

/** Bytes of 0x hex data of any length. */
export function dataToBytes(hex: string, what: string): Uint8Array {
  try {
    return hexToBytes(hex);
  } catch {
    throw new FieldError(`${what} is not hex bytes`);
  }
}

export function asBytes(item: RlpItem | undefined, what: string): Uint8Array {
  if (!(item instanceof Uint8Array)) throw new FieldError(`${what} is ${item === undefined ? 'missing' : 'a list, expected bytes'}`);
  return item;
}

export function asList(item: RlpItem | undefined, what: string, length?: number): RlpItem[] {
  if (!Array.isArray(item)) throw new FieldError(`${what} is ${item === undefined ? 'missing' : 'bytes, expected a list'}`);
  if (length !== undefined && item.length !== length) throw new FieldError(`${what} has ${item.length} fields, expected ${length}`);
  return item;
}

/** A canonical RLP integer (no leading zero byte) of at most `maxBytes` bytes. */
export function asUint(item: RlpItem | undefined, maxBytes: number, what: string): bigint {
  const bytes = asBytes(item, what);
  if (bytes.length > maxBytes) throw new FieldError(`${what} is ${bytes.length} bytes, at most ${maxBytes}`);
  if (bytes.length > 0 && bytes[0] === 0) throw new FieldError(`${what} has a leading zero byte`);
  return bytes.length === 0 ? 0n : BigInt(bytesToHex(bytes));
}

export function asAddress(item: RlpItem | undefined, what: string): Hex {
  const bytes = asBytes(item, what);
  if (bytes.length !== 20) throw new FieldError(`${what} is ${bytes.length} bytes, not 20`);
  return bytesToHex(bytes);
}
