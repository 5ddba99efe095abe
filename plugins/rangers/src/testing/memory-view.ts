import type { Hex } from '@metis/core';
import type { AttestationView, BatchView } from '../gossip/view.js';

/** An in-memory `AttestationView` for tests: batches and stakes set by hand, optionally answered after a delay. */
export class MemoryAttestationView implements AttestationView {
  readonly #batches = new Map<bigint, BatchView>();
  readonly #stakes = new Map<Hex, bigint>();
  readonly #delayMs: number;
  /** Calls received, for tests that count lookups. */
  calls = 0;

  constructor(options: { delayMs?: number } = {}) {
    this.#delayMs = options.delayMs ?? 0;
  }

  setBatch(index: bigint, batch: { prevStateRoot: Hex; dataHash: Hex; final?: boolean; snapshot?: bigint }): this {
    this.#batches.set(index, { prevStateRoot: batch.prevStateRoot, dataHash: batch.dataHash, final: batch.final ?? false, snapshot: batch.snapshot ?? 0n });
    return this;
  }

  removeBatch(index: bigint): this {
    this.#batches.delete(index);
    return this;
  }

  finalize(index: bigint): this {
    const b = this.#batches.get(index);
    if (!b) throw new Error(`no batch ${index}`);
    this.#batches.set(index, { ...b, final: true });
    return this;
  }

  setStake(signer: string, stake: bigint): this {
    this.#stakes.set(signer.toLowerCase() as Hex, stake);
    return this;
  }

  async batch(index: bigint): Promise<BatchView | undefined> {
    this.calls++;
    if (this.#delayMs) await new Promise((r) => setTimeout(r, this.#delayMs));
    return this.#batches.get(index);
  }

  async stakeOf(signer: Hex): Promise<bigint> {
    this.calls++;
    if (this.#delayMs) await new Promise((r) => setTimeout(r, this.#delayMs));
    return this.#stakes.get(signer.toLowerCase() as Hex) ?? 0n;
  }
}
