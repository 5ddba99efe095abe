import { MetisError, type DataAvailability, type Hex } from '@metis/core';
import { IPFS_DA_KIND } from './ipfs-da.js';

/**
 * The DATA_AVAILABILITY the plugin registers at setup, before its node runs: calls wait until the node has
 * started (plugins started earlier may call at once), then go to it; after a failed start or a stop they
 * fail with DA_UNAVAILABLE.
 */
export class DeferredDA implements DataAvailability {
  readonly kind = IPFS_DA_KIND;
  readonly name: string;
  #da: DataAvailability | undefined;
  #error: MetisError | undefined;
  readonly #waiters: Array<{ resolve: (da: DataAvailability) => void; reject: (e: unknown) => void }> = [];

  constructor(name: string) {
    this.name = name;
  }

  /** The node started: pending and later calls go to `da`. */
  ready(da: DataAvailability): void {
    this.#da = da;
    this.#error = undefined;
    for (const w of this.#waiters.splice(0)) w.resolve(da);
  }

  /** The node failed to start or stopped: pending and later calls fail. */
  fail(reason: string): void {
    this.#da = undefined;
    this.#error = new MetisError('DA_UNAVAILABLE', { commitment: '-', reason });
    for (const w of this.#waiters.splice(0)) w.reject(this.#error);
  }

  async publish(data: Uint8Array): Promise<Uint8Array> {
    return (await this.#get()).publish(data);
  }

  async retrieve(commitment: Uint8Array, expectedHash: Hex): Promise<Uint8Array> {
    return (await this.#get()).retrieve(commitment, expectedHash);
  }

  #get(): Promise<DataAvailability> {
    if (this.#da) return Promise.resolve(this.#da);
    if (this.#error) return Promise.reject(this.#error);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }
}
