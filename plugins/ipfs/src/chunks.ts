import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { keccak256 } from './keccak.js';

/** Leaf encoding of the chunk tree: `[uint256 chunkIndex, bytes32 keccak256(chunk)]` (as DaChallenge.sol). */
export const CHUNK_LEAF_TYPES = ['uint256', 'bytes32'] as const;
/** chunkRoot of empty data (zero chunks). */
export const EMPTY_CHUNK_ROOT = `0x${'00'.repeat(32)}` as const;
export { DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE } from './constants.js';

/** The chunks of a batch and the Merkle tree the DA commitment names, for answering L1 challenges. */
export interface ChunkTree {
  /** The data cut into `chunkSize` pieces (the last one shorter); views into the data, not copies. */
  readonly chunks: readonly Uint8Array[];
  /** The StandardMerkleTree root over `[i, keccak256(chunk_i)]`, or 32 zero bytes for zero chunks. */
  readonly root: `0x${string}`;
  readonly count: number;
  /** The Merkle proof of chunk `i` (bytes32 values, for `DaChallenge.respond`). */
  proof(i: number): `0x${string}`[];
}

/** `data` cut into pieces of `chunkSize` bytes, the last one shorter; empty data has no chunk. */
export function splitChunks(data: Uint8Array, chunkSize: number): Uint8Array[] {
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunk size must be a positive integer, got ${chunkSize}`);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += chunkSize) chunks.push(data.subarray(at, Math.min(data.length, at + chunkSize)));
  return chunks;
}

/** Number of chunks of `length` bytes of data. */
export function chunkCountOf(length: number, chunkSize: number): number {
  return Math.ceil(length / chunkSize);
}

/**
 * The chunks of `data` and their OpenZeppelin StandardMerkleTree (default options: leaves sorted by hash,
 * leaf = keccak256(bytes.concat(keccak256(abi.encode(i, keccak256(chunk_i)))))), values given in chunk order.
 */
export function chunkTree(data: Uint8Array, chunkSize: number): ChunkTree {
  const chunks = splitChunks(data, chunkSize);
  if (chunks.length === 0) {
    return {
      chunks,
      root: EMPTY_CHUNK_ROOT,
      count: 0,
      proof(i) {
        throw new RangeError(`chunk ${i} does not exist: the data is empty`);
      },
    };
  }
  const tree = StandardMerkleTree.of(
    chunks.map((chunk, i) => [BigInt(i), keccak256(chunk)] as [bigint, string]),
    [...CHUNK_LEAF_TYPES],
  );
  return {
    chunks,
    root: tree.root as `0x${string}`,
    count: chunks.length,
    proof(i) {
      if (!Number.isInteger(i) || i < 0 || i >= chunks.length) throw new RangeError(`chunk ${i} does not exist: ${chunks.length} chunks`);
      return tree.getProof(i) as `0x${string}`[];
    },
  };
}
