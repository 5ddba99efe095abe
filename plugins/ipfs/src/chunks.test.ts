import { randomBytes } from 'node:crypto';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { AbiCoder, concat, keccak256 as ethersKeccak } from 'ethers';
import { describe, expect, it } from 'vitest';
import { CHUNK_LEAF_TYPES, DEFAULT_CHUNK_SIZE, EMPTY_CHUNK_ROOT, chunkCountOf, chunkTree, splitChunks } from './chunks.js';
import { keccak256 } from './keccak.js';

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

/** DaChallenge.sol's `_leaf`: keccak256(bytes.concat(keccak256(abi.encode(uint256 i, bytes32 h)))). */
const contractLeaf = (i: number, chunk: Uint8Array): string =>
  ethersKeccak(ethersKeccak(AbiCoder.defaultAbiCoder().encode(['uint256', 'bytes32'], [i, ethersKeccak(chunk)])));

/** OpenZeppelin MerkleProof.verify: sorted-pair keccak up the proof. */
function verifyProof(proof: readonly string[], root: string, leaf: string): boolean {
  let h = leaf;
  for (const p of proof) h = ethersKeccak(h.toLowerCase() < p.toLowerCase() ? concat([h, p]) : concat([p, h]));
  return h === root;
}

describe('splitChunks / chunkCountOf', () => {
  it('cuts data into chunkSize pieces, the last one shorter, and empty data into none', () => {
    expect(splitChunks(new Uint8Array(0), 4)).toEqual([]);
    expect(splitChunks(Uint8Array.of(1, 2, 3), 4).map((c) => [...c])).toEqual([[1, 2, 3]]);
    expect(splitChunks(Uint8Array.of(1, 2, 3, 4), 4).map((c) => [...c])).toEqual([[1, 2, 3, 4]]);
    expect(splitChunks(Uint8Array.of(1, 2, 3, 4, 5), 4).map((c) => [...c])).toEqual([[1, 2, 3, 4], [5]]);
    for (const [len, n] of [[0, 0], [1, 1], [4, 1], [5, 2], [8, 2], [9, 3]]) expect(chunkCountOf(len!, 4)).toBe(n);
    expect(() => splitChunks(Uint8Array.of(1), 0)).toThrow(RangeError);
  });
});

describe('chunkTree', () => {
  it('has the zero root and no chunks for empty data', () => {
    const t = chunkTree(new Uint8Array(0), DEFAULT_CHUNK_SIZE);
    expect(t.count).toBe(0);
    expect(t.root).toBe(EMPTY_CHUNK_ROOT);
    expect(() => t.proof(0)).toThrow(RangeError);
  });

  it('has the root of an independently built StandardMerkleTree over [i, keccak256(chunk_i)]', () => {
    for (const [size, chunkSize] of [[1, 16], [16, 16], [17, 16], [1000, 16], [300_000, DEFAULT_CHUNK_SIZE]] as const) {
      const data = random(size);
      const t = chunkTree(data, chunkSize);
      const chunks = splitChunks(data, chunkSize);
      const independent = StandardMerkleTree.of(
        chunks.map((c, i) => [i, ethersKeccak(c)]),
        [...CHUNK_LEAF_TYPES],
      );
      expect(t.count).toBe(chunks.length);
      expect(t.root).toBe(independent.root);
      expect(t.chunks.map((c) => Buffer.from(c).toString('hex'))).toEqual(chunks.map((c) => Buffer.from(c).toString('hex')));
    }
  });

  it('gives proofs that verify as DaChallenge.respond does, and only for their own chunk', () => {
    const data = random(16 * 13 + 5);
    const t = chunkTree(data, 16);
    expect(t.count).toBe(14);
    for (let i = 0; i < t.count; i++) {
      const proof = t.proof(i);
      expect(proof.every((p) => /^0x[0-9a-f]{64}$/.test(p))).toBe(true);
      expect(verifyProof(proof, t.root, contractLeaf(i, t.chunks[i]!)), `chunk ${i}`).toBe(true);
      expect(StandardMerkleTree.verify(t.root, [...CHUNK_LEAF_TYPES], [i, ethersKeccak(t.chunks[i]!)], proof)).toBe(true);
      // another index, or other bytes, do not verify with this proof
      expect(verifyProof(proof, t.root, contractLeaf((i + 1) % t.count, t.chunks[i]!))).toBe(false);
      const other = Uint8Array.from(t.chunks[i]!);
      other[0] ^= 1;
      expect(verifyProof(proof, t.root, contractLeaf(i, other))).toBe(false);
    }
    expect(() => t.proof(t.count)).toThrow(RangeError);
    expect(() => t.proof(-1)).toThrow(RangeError);
  });

  it('depends on every chunk and on the chunk size', () => {
    const data = random(100);
    const base = chunkTree(data, 10).root;
    const changed = Uint8Array.from(data);
    changed[99] ^= 1;
    expect(chunkTree(changed, 10).root).not.toBe(base);
    expect(chunkTree(data, 20).root).not.toBe(base);
  });
});

describe('keccak256 (WebAssembly)', () => {
  it('equals ethers keccak256 on empty, small and large inputs', () => {
    for (const n of [0, 1, 135, 136, 137, 1_000_000]) {
      const d = random(n);
      expect(keccak256(d)).toBe(ethersKeccak(d));
    }
  });
});
