import { MetisError } from '@metis/core';
import { bytesToHex, concatBytes, hexToBytes } from '../bytes.js';

/** Version byte of calldata-DA commitments: 0x01 followed by 32-byte L1 transaction hashes. */
export const CALLDATA_COMMITMENT_VERSION = 0x01;

/** `0x01 || hash_1 || ... || hash_n`, the L1 transactions holding the data's chunks, in order. */
export function encodeCalldataCommitment(txHashes: readonly string[]): Uint8Array {
  const parts = txHashes.map((h) => {
    const bytes = hexToBytes(h);
    if (bytes.length !== 32) throw new TypeError(`not a 32-byte transaction hash: ${h}`);
    return bytes;
  });
  return concatBytes([Uint8Array.of(CALLDATA_COMMITMENT_VERSION), ...parts]);
}

/** The commitment as text for messages: full hex, or its first hash and the count when long. */
export function describeCommitment(commitment: Uint8Array): string {
  const hex = bytesToHex(commitment);
  return hex.length <= 2 + 2 * (1 + 32 * 2) ? hex : `${hex.slice(0, 2 + 2 * 33)}…(${commitment.length} bytes)`;
}

/**
 * The transaction hashes of a calldata-DA commitment. DA_INVALID when it is not a version-1 commitment of
 * whole 32-byte hashes, or names more than `maxChunks` transactions.
 */
export function decodeCalldataCommitment(commitment: Uint8Array, maxChunks: number): `0x${string}`[] {
  const fail = (reason: string): never => {
    throw new MetisError('DA_INVALID', { commitment: describeCommitment(commitment), reason });
  };
  if (commitment.length === 0) fail('empty commitment');
  if (commitment[0] !== CALLDATA_COMMITMENT_VERSION) fail(`unknown commitment version ${commitment[0]}`);
  if ((commitment.length - 1) % 32 !== 0) fail(`commitment length ${commitment.length} is not 1 + 32·n`);
  const count = (commitment.length - 1) / 32;
  if (count > maxChunks) fail(`commitment names ${count} transactions, limit ${maxChunks}`);
  return Array.from({ length: count }, (_, i) => bytesToHex(commitment.subarray(1 + 32 * i, 33 + 32 * i)));
}
