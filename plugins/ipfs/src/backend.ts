import type { Datastore } from 'interface-datastore';
import type { CID } from 'multiformats/cid';

export interface AbortOptions {
  readonly signal?: AbortSignal;
}

/**
 * What the IPFS DA needs from an IPFS implementation: the embedded Helia node or a Kubo daemon. Blocks
 * come back unverified; the DA checks each against its CID.
 */
export interface IpfsBackend {
  /** 'helia' or 'kubo', for logs and `IpfsDA.name`. */
  readonly kind: 'helia' | 'kubo';
  /** Imports `data` as the batch DAG (see `importerOptions`), stores it and resolves with its root. */
  add(data: Uint8Array, chunkSize: number, options?: AbortOptions): Promise<CID>;
  /** The bytes stored under `cid`, from the local store or else the network; waits until `signal` aborts. */
  getBlock(cid: CID, options?: AbortOptions): Promise<Uint8Array>;
  /** Drops a block from the local store (it was found corrupt), so the next read fetches it again. */
  deleteBlock(cid: CID): Promise<void>;
  /** Pins the DAG under `root` (all its blocks are local by then); pinning a pinned root does nothing. */
  pin(root: CID, options?: AbortOptions): Promise<void>;
  /** Unpins `root`; unpinning what is not pinned does nothing. */
  unpin(root: CID): Promise<void>;
  /** Removes unpinned blocks from the local store. */
  collectGarbage(): Promise<void>;
  /** Where the retention records live (persistent). */
  readonly datastore: Datastore;
  /** Stops the node or client and closes its stores. Idempotent. */
  stop(): Promise<void>;
}
