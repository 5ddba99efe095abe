import { createAddressFromString, hexToBytes, type Address } from '@ethereumjs/util';
import { MetisError, type Hex } from '@metis/core';

/** Strict readers for JSON-RPC parameters; anything malformed is RPC_INVALID_PARAMS. */
export function invalid(reason: string): MetisError {
  return new MetisError('RPC_INVALID_PARAMS', { reason });
}

export function quantity(v: unknown, name: string): bigint {
  if (typeof v === 'string' && /^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$/.test(v)) return BigInt(v);
  if (typeof v === 'string' && /^0x[0-9a-fA-F]+$/.test(v)) return BigInt(v); // leading zeros: tolerated like geth
  throw invalid(`${name}: expected a hex quantity`);
}

export function optionalQuantity(v: unknown, name: string): bigint | undefined {
  return v === undefined || v === null ? undefined : quantity(v, name);
}

export function address(v: unknown, name: string): Address {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(v)) throw invalid(`${name}: expected a 20-byte address`);
  return createAddressFromString(v);
}

export function hash(v: unknown, name: string): Hex {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(v)) throw invalid(`${name}: expected a 32-byte hash`);
  return v.toLowerCase() as Hex;
}

export function data(v: unknown, name: string): Uint8Array {
  if (typeof v !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(v)) throw invalid(`${name}: expected hex data`);
  return hexToBytes(v as Hex);
}

export function bool(v: unknown, name: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw invalid(`${name}: expected a boolean`);
  return v;
}

export type BlockTag =
  | { kind: 'latest' | 'pending' | 'safe' | 'finalized' | 'earliest' }
  | { kind: 'number'; number: bigint }
  | { kind: 'hash'; hash: Hex; requireCanonical: boolean };

const NAMED = new Set(['latest', 'pending', 'safe', 'finalized', 'earliest']);

/** A block parameter: a tag, a hex number, or EIP-1898 `{ blockHash }` / `{ blockNumber }`. */
export function blockTag(v: unknown, name = 'block'): BlockTag {
  if (v === undefined || v === null) return { kind: 'latest' };
  if (typeof v === 'string') {
    if (NAMED.has(v)) return { kind: v as 'latest' };
    if (/^0x[0-9a-fA-F]{64}$/.test(v)) return { kind: 'hash', hash: v.toLowerCase() as Hex, requireCanonical: false };
    return { kind: 'number', number: quantity(v, name) };
  }
  if (typeof v === 'object') {
    const o = v as { blockHash?: unknown; blockNumber?: unknown; requireCanonical?: unknown };
    if (o.blockHash !== undefined) return { kind: 'hash', hash: hash(o.blockHash, `${name}.blockHash`), requireCanonical: o.requireCanonical === true };
    if (o.blockNumber !== undefined) return blockTag(o.blockNumber, `${name}.blockNumber`);
  }
  throw invalid(`${name}: expected a block number, tag or hash`);
}
