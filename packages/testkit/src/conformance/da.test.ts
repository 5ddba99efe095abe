import { MetisError, type DataAvailability, type Hex } from '@metis/core';
import { getBytes, hexlify, keccak256 } from 'ethers';
import { daConformanceSuite } from './da.js';

/**
 * A content-addressed in-memory DA (commitment = keccak-256 of the data), the suite's reference outside the
 * L1: its store outlives the instances, as a node's disk or network would.
 */
class MemoryDA implements DataAvailability {
  readonly kind = 99;
  readonly name = 'memory';
  #open = true;
  constructor(readonly store: Map<string, Uint8Array>) {}

  async publish(data: Uint8Array): Promise<Uint8Array> {
    if (!this.#open) throw new Error('closed');
    const commitment = keccak256(data);
    this.store.set(commitment, Uint8Array.from(data));
    return getBytes(commitment);
  }

  async retrieve(commitment: Uint8Array, expectedHash: Hex): Promise<Uint8Array> {
    if (!this.#open) throw new Error('closed');
    const label = hexlify(commitment);
    if (commitment.length !== 32) throw new MetisError('DA_INVALID', { commitment: label, reason: 'not 32 bytes' });
    const data = this.store.get(label);
    if (!data) throw new MetisError('DA_UNAVAILABLE', { commitment: label, reason: 'never published' });
    if (keccak256(data) !== expectedHash.toLowerCase()) throw new MetisError('DA_INVALID', { commitment: label, reason: 'hash mismatch' });
    return Uint8Array.from(data);
  }

  close(): void {
    this.#open = false;
  }
}

const store = new Map<string, Uint8Array>();
daConformanceSuite(
  'in-memory reference',
  async () => ({ open: async () => new MemoryDA(store), close: async (da) => (da as MemoryDA).close() }),
  async () => store.clear(),
);
