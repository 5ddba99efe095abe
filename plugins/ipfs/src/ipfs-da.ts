import { setMaxListeners } from 'node:events';
import { MetisError, type DataAvailability, type Hex, type Logger } from '@metis/core';
import { keccak256 } from './keccak.js';
import type { CID } from 'multiformats/cid';
import type { IpfsBackend } from './backend.js';
import { chunkCountOf, chunkTree } from './chunks.js';
import { decodeIpfsCommitment, describeIpfsCommitment, encodeIpfsCommitment } from './commitment.js';
import { withDeadline } from './deadline.js';
import { fetchData, isFetchFailure } from './fetch.js';
import type { Retention } from './retention.js';

/** DA kind of IPFS in the chain's registry entry (ChainConfig.daKind). */
export const IPFS_DA_KIND = 2;

/** Tunables of the DA itself (the plugin's options hold these and the node's). */
export interface IpfsDaSettings {
  /** Bytes per chunk (and per leaf block) of published data. */
  readonly chunkSize: number;
  /** Largest data `publish` and `retrieve` accept, in bytes. */
  readonly maxDataBytes: number;
  /** How long `retrieve` waits for the whole DAG before DA_UNAVAILABLE. */
  readonly fetchTimeoutMs: number;
  /** Blocks requested at once while retrieving. */
  readonly fetchConcurrency: number;
}

export interface IpfsDaConfig {
  readonly backend: IpfsBackend;
  readonly settings: IpfsDaSettings;
  /** Records what is pinned for how long; without one, pins stay until removed by hand. */
  readonly retention?: Retention;
  readonly logger?: Pick<Logger, 'info' | 'warn' | 'debug'>;
}

/**
 * Data availability on IPFS. `publish` imports the data as a UnixFS file DAG (see `importerOptions`), pins it,
 * and returns `0x02 || chunkRoot || chunkCount || chunkSize || root CID` (`encodeIpfsCommitment`).
 *
 * `retrieve` decodes the commitment (DA_INVALID when malformed or naming more than `maxDataBytes`), fetches
 * every block of the DAG, each checked against its CID, within `fetchTimeoutMs` (DA_UNAVAILABLE when not
 * all came), and requires: a UnixFS file of exactly `chunkCount` chunks of `chunkSize` bytes (the last one
 * shorter), the chunkRoot of those chunks, and keccak-256 equal to `expectedHash` (DA_INVALID otherwise).
 * Data it returns is pinned, so this node serves it to others from then on.
 */
export class IpfsDA implements DataAvailability {
  readonly kind = IPFS_DA_KIND;
  readonly name: string;
  readonly settings: IpfsDaSettings;
  readonly backend: IpfsBackend;
  readonly #retention: Retention | undefined;
  readonly #logger: IpfsDaConfig['logger'];
  readonly #closing = new AbortController();
  readonly #inflight = new Set<Promise<unknown>>();
  #active = 0;

  constructor(config: IpfsDaConfig) {
    this.backend = config.backend;
    this.settings = config.settings;
    this.#retention = config.retention;
    this.#logger = config.logger;
    this.name = `ipfs (${config.backend.kind})`;
    setMaxListeners(Infinity, this.#closing.signal);
  }

  async publish(data: Uint8Array): Promise<Uint8Array> {
    const { chunkSize, maxDataBytes } = this.settings;
    const label = `new batch data (${data.length} bytes)`;
    if (data.length > maxDataBytes) throw new MetisError('DA_INVALID', { commitment: label, reason: `larger than maxDataBytes ${maxDataBytes}: nobody would retrieve it` });
    return this.#busy(async () => {
      const tree = chunkTree(data, chunkSize);
      let root;
      try {
        root = await this.backend.add(data, chunkSize, { signal: this.#closing.signal });
        await this.#pin(root, keccak256(data));
      } catch (e) {
        if (e instanceof MetisError) throw e;
        throw new MetisError('DA_UNAVAILABLE', { commitment: label, reason: `storing it on IPFS (${this.backend.kind}) failed: ${(e as Error).message}` }, { cause: e });
      }
      this.#logger?.debug({ cid: root.toString(), bytes: data.length, chunks: tree.count }, 'ipfs: published batch data');
      return encodeIpfsCommitment({ chunkRoot: tree.root, chunkCount: tree.count, chunkSize, cid: root });
    });
  }

  async retrieve(commitment: Uint8Array, expectedHash: Hex): Promise<Uint8Array> {
    const c = decodeIpfsCommitment(commitment);
    const label = describeIpfsCommitment(commitment);
    const invalid = (reason: string): MetisError => new MetisError('DA_INVALID', { commitment: label, reason });
    const { maxDataBytes, fetchTimeoutMs, fetchConcurrency } = this.settings;
    // Bounds the commitment sets on the length: more than (count - 1) chunks, at most count chunks.
    const minBytes = c.chunkCount === 0 ? 0 : (c.chunkCount - 1) * c.chunkSize + 1;
    const maxBytes = c.chunkCount * c.chunkSize;
    if (minBytes > maxDataBytes) throw invalid(`${c.chunkCount} chunks of ${c.chunkSize} bytes exceed maxDataBytes ${maxDataBytes}`);
    return this.#busy(async () => {
      let data: Uint8Array = new Uint8Array(0);
      if (c.chunkCount > 0) {
        try {
          data = await withDeadline(fetchTimeoutMs, this.#closing.signal, (signal) => {
            setMaxListeners(Infinity, signal); // one listener per block in flight
            return fetchData(c.cid, this.backend, {
              signal,
              maxBytes: Math.min(maxBytes, maxDataBytes),
              concurrency: fetchConcurrency,
              onMismatch: (cid) => {
                this.#logger?.warn({ cid: cid.toString(), root: label }, 'ipfs: a block does not match its CID; removed from the local store');
                void this.backend.deleteBlock(cid).catch(() => undefined);
              },
            });
          });
        } catch (e) {
          if (!isFetchFailure(e)) throw e;
          throw new MetisError(e.code, { commitment: label, reason: e.reason }, { cause: e.cause });
        }
        if (chunkCountOf(data.length, c.chunkSize) !== c.chunkCount) throw invalid(`${data.length} bytes make ${chunkCountOf(data.length, c.chunkSize)} chunks of ${c.chunkSize}, the commitment says ${c.chunkCount}`);
        const root = chunkTree(data, c.chunkSize).root;
        if (root !== c.chunkRoot) throw invalid(`chunkRoot of the data is ${root}, the commitment says ${c.chunkRoot}`);
      }
      const hash = keccak256(data);
      if (hash !== expectedHash.toLowerCase()) throw invalid(`keccak-256 is ${hash}, expected ${expectedHash}`);
      if (c.chunkCount > 0) {
        try {
          await this.#pin(c.cid, hash);
        } catch (e) {
          // The data is verified: pinning is for serving others, not a reason to refuse it.
          this.#logger?.warn({ cid: c.cid.toString(), err: (e as Error).message }, 'ipfs: could not pin retrieved batch data');
        }
      }
      return data;
    });
  }

  /** Pins a root whose blocks are local; through the retention (which records it) when there is one. */
  async #pin(root: CID, dataHash: `0x${string}`): Promise<void> {
    if (this.#retention) await this.#retention.keep(root, dataHash as Hex);
    else await this.backend.pin(root, { signal: this.#closing.signal });
  }

  /** Frees the blocks of unpinned data, unless a publish or retrieve is running (it would lose blocks). */
  async collectGarbage(): Promise<boolean> {
    if (this.#active > 0) return false;
    this.#active++;
    try {
      await this.backend.collectGarbage();
      return true;
    } finally {
      this.#active--;
    }
  }

  /**
   * Refuses new calls, aborts running fetches and waits (at most `graceMs`) for running calls to settle, so
   * that the backend can then be stopped by its owner.
   */
  async close(graceMs = 5_000): Promise<void> {
    this.#closing.abort(new Error('the IPFS DA is closing'));
    if (this.#inflight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#inflight]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  #busy<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closing.signal.aborted) return Promise.reject(new MetisError('DA_UNAVAILABLE', { commitment: '-', reason: 'the IPFS node is stopped' }));
    this.#active++;
    const run = work().finally(() => {
      this.#active--;
      this.#inflight.delete(run);
    });
    this.#inflight.add(run);
    return run;
  }
}
